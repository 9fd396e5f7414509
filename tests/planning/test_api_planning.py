"""The planner endpoints over HTTP: who may call them, and what they answer."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.auth import Role, issue_token  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from kernel.db import make_engine  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from synthetic.population import generate  # noqa: E402

WORLD = generate(seed=6, n_citizens=12, n_vacancies=6)
PATHS = (
    "/api/v1/planning/shortfall",
    "/api/v1/planning/shortfall.csv",
    "/api/v1/planning/shortfall.png",
)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        load_world(session, WORLD, cpr_secret=get_settings().cpr_hash_secret)
    engine.dispose()
    app = create_app(database_url=db_url)
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        app.state.engine.dispose()


TOKENS = {
    "staff": lambda: issue_token(subject="staff-461", role=Role.staff, municipality_code="461"),
    "association": lambda: issue_token(subject="assoc", role=Role.association, association_id=1),
    "planner": lambda: issue_token(subject="planner", role=Role.planner),
    "admin": lambda: issue_token(subject="admin", role=Role.admin),
}


@pytest.mark.postgres
def test_only_planners_and_admins(client: TestClient) -> None:
    for path in PATHS:
        anonymous = client.get(path, params={"municipality": "461"})
        assert anonymous.status_code == 401, path
        assert anonymous.headers["content-type"].startswith("application/problem+json")
        for who in ("staff", "association"):
            response = client.get(
                path, params={"municipality": "461"}, headers=_bearer(TOKENS[who]())
            )
            assert response.status_code == 403, (path, who)
        for who in ("planner", "admin"):
            response = client.get(
                path, params={"municipality": "461"}, headers=_bearer(TOKENS[who]())
            )
            assert response.status_code == 200, (path, who)


@pytest.mark.postgres
def test_planner_gets_the_table(client: TestClient) -> None:
    planner = _bearer(TOKENS["planner"]())
    everyone = client.get(PATHS[0], headers=planner, params={"as_of": "2026-11-02"})
    assert everyone.status_code == 200
    document = everyone.json()
    assert document["format"] == "boligmatch.shortfall/1"
    rows = {r["code"]: r for r in document["municipalities"]}
    assert len(rows) == 98
    assert (rows["101"]["homeless_2022"], rows["101"]["homeless_2024"]) == (1370, 1387)
    odense = rows["461"]
    assert odense["demand_source"] == "live"
    assert odense["queue"] == 12
    assert odense["stock_units"] == len(WORLD.units)
    assert odense["municipal_right_units"] == sum(u.allocation == "municipal" for u in WORLD.units)
    text = everyone.text
    assert not any(c.id in text or c.cpr in text for c in WORLD.citizens)  # aggregates only

    csv = client.get(PATHS[1], headers=planner, params={"municipality": "461"})
    assert csv.headers["content-type"].startswith("text/csv")
    header, line = csv.text.splitlines()
    assert header.startswith("code,name,region,homeless_2022,homeless_2024")
    assert line.startswith("461,Odense,Syddanmark,117,95,live")

    png = client.get(PATHS[2], headers=planner)
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


@pytest.mark.postgres
def test_bad_municipality(client: TestClient) -> None:
    planner = _bearer(TOKENS["planner"]())
    assert client.get(PATHS[0], headers=planner, params={"municipality": "999"}).status_code == 404
    assert client.get(PATHS[0], headers=planner, params={"municipality": "x1"}).status_code == 422
