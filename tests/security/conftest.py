"""The security probes' app: the real app on each backend's migrated database with a small
generated world (Odense), and a token per role that the probes need."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.auth import Role, issue_token  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from inventory.models import Department  # noqa: E402
from kernel.db import make_engine, session_factory  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from synthetic.population import World, generate  # noqa: E402

WORLD = generate(seed=1313, n_citizens=6, n_vacancies=4)


@dataclass
class Probe:
    """The app under test, a client, the world and bearer headers per role."""

    app: FastAPI
    client: TestClient
    db_url: str
    world: World
    department_id: int
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def request(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**(self.headers[who] if who else {}), **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)


def seed(db_url: str) -> tuple[int, int]:
    """Load the world; return (an Odense department's id, its association's id)."""
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    try:
        with sessions() as session, session.begin():
            load_world(session, WORLD, cpr_secret=get_settings().cpr_hash_secret)
        with sessions() as session:
            department = session.scalars(
                select(Department)
                .where(Department.municipality_code == "461")
                .order_by(Department.id)
                .limit(1)
            ).one()
            return department.id, department.association_id
    finally:
        engine.dispose()


@pytest.fixture
def probe(db_url: str) -> Iterator[Probe]:
    """The app on a freshly migrated and seeded database (SQLite, and PostgreSQL if set)."""
    department_id, association_id = seed(db_url)
    app = create_app(database_url=db_url)
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    headers = {
        "staff": bearer(issue_token(subject="staff-461", role=Role.staff, municipality_code="461")),
        "association": bearer(
            issue_token(subject="assoc", role=Role.association, association_id=association_id)
        ),
    }
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Probe(app, client, db_url, WORLD, department_id, headers)
    finally:
        app.state.engine.dispose()
