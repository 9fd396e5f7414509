"""Shared fixtures: real databases, migrated with the real Alembic revisions.

Every test that takes ``db_url`` (or ``engine``/``session_factory``) runs once on a
fresh SQLite file and, when ``BOLIGMATCH_TEST_POSTGRES_URL`` names a server, once on
a fresh PostgreSQL database created for that test module and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from boligmatch.db import make_engine, session_factory
from boligmatch.migrate import upgrade

POSTGRES_URL = os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL")
TEST_SECRET = "test-secret-for-cpr-hashing-in-the-test-suite"

os.environ.setdefault("BOLIGMATCH_ENVIRONMENT", "test")
os.environ.setdefault("BOLIGMATCH_CPR_HASH_SECRET", TEST_SECRET)
os.environ.setdefault("BOLIGMATCH_JWT_SECRET", TEST_SECRET)

DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _fresh_postgres_database() -> tuple[str, str]:
    """Create an empty database on the test server; return (url, name)."""
    assert POSTGRES_URL is not None
    name = f"bm_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    return url, name


def _drop_postgres_database(name: str) -> None:
    assert POSTGRES_URL is not None
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database (not migrated) on each backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url, name = _fresh_postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A freshly migrated database (Alembic head) with the 98 municipalities loaded."""
    from inventory.reference_load import load_municipalities

    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    with Session(engine) as session, session.begin():
        load_municipalities(session)
    engine.dispose()
    return empty_db_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the migrated test database."""
    return session_factory(engine)


@pytest.fixture
def backend(db_url: str) -> str:
    """``sqlite`` or ``postgresql``: which database this test instance runs on."""
    return make_url(db_url).get_backend_name()
