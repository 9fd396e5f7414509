"""List endpoints read a page in a fixed number of SQL statements, whatever its size.

The statements are counted with a SQLAlchemy event listener on the app's engine while
one request runs; a page of one row and a page of many must cost the same number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from api_testkit import Api
from sqlalchemy import event

from inventory import service
from inventory.schemas import VacancyOut
from kernel.types import Page


@contextmanager
def counted(api: Api) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = api.app.state.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements(api: Api, who: str, path: str) -> tuple[int, int]:
    """(statements run, items returned) for one GET of a list."""
    with counted(api) as statements:
        response = api.request(who, "GET", path)
    assert response.status_code == 200, response.text
    return len(statements), len(response.json()["items"])


def _flat(api: Api, who: str, list_path: str) -> None:
    """A page of many rows costs no more statements than a page of one."""
    sep = "&" if "?" in list_path else "?"
    few, n_few = _statements(api, who, f"{list_path}{sep}limit=1")
    many, n_many = _statements(api, who, f"{list_path}{sep}limit=200")
    assert n_few == 1 and n_many > 1, (n_few, n_many)
    # Not more (a last, partial page may even skip the COUNT).
    assert many <= few, f"{list_path}: {few} statements for 1 row, {many} for {n_many}"


def test_list_vacancies_is_flat(api: Api) -> None:
    _flat(api, "staff", "/api/v1/vacancies")
    _flat(api, "association", "/api/v1/vacancies")


def test_list_cases_is_flat(api: Api) -> None:
    _flat(api, "staff", "/api/v1/cases")


def test_list_offers_and_runs_are_flat(api: Api) -> None:
    for _ in range(6):
        made = api.request("staff", "POST", "/api/v1/match-runs", json={})
        assert made.status_code == 201, made.text
    run_id = made.json()["id"]
    _flat(api, "staff", "/api/v1/match-runs")
    _flat(api, "staff", "/api/v1/offers")
    _flat(api, "staff", f"/api/v1/match-runs/{run_id}/offers")


@pytest.mark.parametrize("who", ["staff", "association"])
def test_lean_vacancy_page_equals_the_orm_page(api: Api, who: str) -> None:
    """The row-based answer is the ORM-based one, byte for byte, and versions are ETags."""
    response = api.request(who, "GET", "/api/v1/vacancies?limit=200&offset=1")
    assert response.status_code == 200
    scope = {
        "staff": service.VacancyScope(municipality_code="461"),
        "association": service.VacancyScope(association_id=api.association_id),
    }[who]
    with api.sessions() as session:
        rows, total = service.list_vacancies(
            session, scope=scope, filters=service.VacancyFilters(), limit=200, offset=1
        )
        reference = Page[VacancyOut](
            items=[VacancyOut.of(v) for v in rows], total=total, limit=200, offset=1
        )
    assert response.content == reference.model_dump_json().encode()
    assert response.json()["items"], "the page is not empty"
    first = response.json()["items"][0]
    one = api.request(who, "GET", f"/api/v1/vacancies/{first['id']}")
    assert one.headers["ETag"] == f'"{first["version"]}"'
