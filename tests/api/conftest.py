"""An API on a real, migrated database with a generated world and one credential per role.

`api` runs once per backend (SQLite, and PostgreSQL when BOLIGMATCH_TEST_POSTGRES_URL
is set). Each test gets its own copy of a template database, migrated with the real
Alembic revisions and holding the 98 municipalities, a seeded Odense world (30
citizens with invented names, 12 vacancies, 5 associations) and an API key; the
template is built once per session. The fixture issues tokens for staff of 461 and
of 101, an association, a planner and an admin. Requests go through the real ASGI
app (`Api.request`), or a real uvicorn server (`api_testkit.running_server`).
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from api_testkit import Api, citizen_name  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from allocation.models import CitizenCase  # noqa: E402
from api.app import create_app  # noqa: E402
from api.auth import Role, create_api_key, issue_token  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from boligmatch.migrate import upgrade  # noqa: E402
from inventory.models import Department, HousingAssociation, Unit, Vacancy  # noqa: E402
from inventory.reference_load import load_municipalities  # noqa: E402
from kernel.db import make_engine, session_factory  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from synthetic.population import generate  # noqa: E402

SEED = 20261123
WORLD = generate(seed=SEED, n_citizens=30, n_vacancies=12)
POSTGRES_URL = os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _admin_execute(statement: str) -> None:
    assert POSTGRES_URL is not None
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def _postgres_url(name: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@dataclass(frozen=True)
class Template:
    """A migrated database holding the municipalities and the test world, cloned per test."""

    backend: str
    url: str
    name: str
    association_id: int
    association_name: str
    key_association_id: int
    api_key: str


def _build_template(url: str, backend: str, name: str) -> Template:
    """Migrate ``url`` and load the municipalities, the world, case names and an API key."""
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    try:
        with sessions() as session, session.begin():
            load_municipalities(session)
            load_world(session, WORLD, cpr_secret=get_settings().cpr_hash_secret)
            session.flush()
            for number, case in enumerate(session.scalars(select(CitizenCase)), start=1):
                case.name = citizen_name(number)  # so the privacy scan can look for names too
        with sessions() as session, session.begin():
            associations = list(
                session.scalars(select(HousingAssociation).order_by(HousingAssociation.id))
            )
            # The token's association is one that has vacancies, so tests have some to work on.
            owner = next(
                a
                for a in associations
                if session.scalar(
                    select(Vacancy.id)
                    .join(Vacancy.unit)
                    .join(Unit.department)
                    .where(Department.association_id == a.id)
                    .limit(1)
                )
                is not None
            )
            keyed = next(a for a in associations if a.id != owner.id)
            key = create_api_key(session, association=keyed.name, name="test system")
            return Template(backend, url, name, owner.id, owner.name, keyed.id, key)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def api_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Template]]:
    """One template database per backend, built on first use and dropped at the end.

    Building the world once and cloning it per test (a file copy on SQLite,
    ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL) keeps each test isolated and fast.
    """
    templates: dict[str, Template] = {}

    class Lazy(dict[str, Template]):
        def __missing__(self, backend: str) -> Template:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp("api-template") / "template.db"
                template = _build_template(f"sqlite:///{path}", backend, str(path))
            else:
                name = f"bm_tpl_{uuid.uuid4().hex[:10]}"
                _admin_execute(f'CREATE DATABASE "{name}"')
                template = _build_template(_postgres_url(name), backend, name)
            self[backend] = templates[backend] = template
            return template

    yield Lazy()
    for template in templates.values():
        if template.backend == "postgresql":
            _admin_execute(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)')


def _clone(template: Template, tmp_path: Path) -> tuple[str, str]:
    """A private copy of the template database: (url, name to drop)."""
    if template.backend == "sqlite":
        path = tmp_path / "api.db"
        shutil.copyfile(template.name, path)
        return f"sqlite:///{path}", str(path)
    name = f"bm_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"')
    return _postgres_url(name), name


@pytest.fixture(params=DATABASES)
def api(
    request: pytest.FixtureRequest, api_templates: dict[str, Template], tmp_path: Path
) -> Iterator[Api]:
    """The app on a private copy of the world's database, with a credential per principal."""
    template = api_templates[request.param]
    url, name = _clone(template, tmp_path)
    app = create_app(database_url=url)
    owner_id, keyed_id = template.association_id, template.key_association_id
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    credentials = {
        "staff": bearer(issue_token(subject="staff-461", role=Role.staff, municipality_code="461")),
        "staff_other": bearer(
            issue_token(subject="staff-101", role=Role.staff, municipality_code="101")
        ),
        "association": bearer(
            issue_token(subject="assoc-user", role=Role.association, association_id=owner_id)
        ),
        "api_key": {"X-API-Key": template.api_key},
        "planner": bearer(issue_token(subject="planner", role=Role.planner)),
        "admin": bearer(issue_token(subject="admin", role=Role.admin)),
    }

    def restore() -> None:
        """Put the private copy back as the template left it (connections closed first)."""
        app.state.engine.dispose()
        if template.backend == "sqlite":
            shutil.copyfile(template.name, name)
        else:
            _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"')

    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Api(
                app=app,
                client=client,
                sessions=app.state.sessions,
                world=WORLD,
                backend=template.backend,
                association_id=owner_id,
                association_name=template.association_name,
                key_association_id=keyed_id,
                credentials=credentials,
                restore=restore,
            )
    finally:
        app.state.engine.dispose()
        if template.backend == "postgresql":
            _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
