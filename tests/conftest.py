"""Shared fixtures: real databases, migrated with the real Alembic revisions.

Every test that takes ``db_url`` (or ``engine``/``session_factory``) runs once on a
fresh SQLite file and, when ``BOLIGMATCH_TEST_POSTGRES_URL`` names a server, once on
a fresh PostgreSQL database created for that test module and dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from boligmatch.migrate import upgrade
from kernel.db import make_engine, session_factory

POSTGRES_URL = os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL")
TEST_SECRET = "test-secret-for-cpr-hashing-in-the-test-suite"

# Development (the only other environment is production) with real, non-default secrets.
os.environ.setdefault("BOLIGMATCH_ENVIRONMENT", "development")
os.environ.setdefault("BOLIGMATCH_CPR_HASH_SECRET", TEST_SECRET)
os.environ.setdefault("BOLIGMATCH_JWT_SECRET", TEST_SECRET)
# The command line's words are asserted in its default language (Danish).
os.environ.pop("BOLIGMATCH_LANG", None)

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


def _migrate_and_load(url: str) -> None:
    from inventory.reference_load import load_municipalities

    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipalities(session)
    engine.dispose()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Migrate once per test run; each test then gets a cheap copy of the result.

    SQLite: a migrated file that tests copy. PostgreSQL: a template database that
    ``CREATE DATABASE ... TEMPLATE`` clones. Migrations themselves are tested from
    empty in tests/boligmatch/test_migrations.py.
    """
    templates: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.db"
    _migrate_and_load(f"sqlite:///{sqlite_file}")
    templates["sqlite"] = str(sqlite_file)
    name = None
    if POSTGRES_URL:
        name = f"bm_template_{uuid.uuid4().hex[:8]}"
        _admin_execute(f'CREATE DATABASE "{name}"')
        _migrate_and_load(_postgres_url(name))
        templates["postgresql"] = name
    yield templates
    if name:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test server (a copy of ``template`` if given), dropped after."""
    name = f"bm_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _postgres_url(name)
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=DATABASES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database (not migrated) on each backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _postgres_database() as url:
        yield url


@pytest.fixture(params=DATABASES)
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, _templates: dict[str, str]
) -> Iterator[str]:
    """A freshly migrated database (Alembic head) with the 98 municipalities loaded."""
    if request.param == "sqlite":
        target = tmp_path / "test.db"
        shutil.copyfile(_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    with _postgres_database(template=_templates["postgresql"]) as url:
        yield url


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


# --- the browser (one for the whole run: Playwright's sync API allows one at a time) ---

CHROMIUM = os.environ.get("BOLIGMATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run (Debian's binary, no downloads)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
