"""Browser-test harness: a real uvicorn server on a free port, a real SQLite database
with a generated municipality, and a real headless Chromium driven by Playwright.

Chromium is Debian's ``/usr/bin/chromium`` (no ``playwright install``: the machine has
no network); tests are skipped with a clear reason when it is missing. Browser tests
run on SQLite only (the ``db_url`` fixture's PostgreSQL instance is skipped): the
pages call the same services as the API, whose database behaviour is tested on both.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from web_helpers import Citizen, Site

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(db_url: str) -> tuple[list[Citizen], int, str]:
    """Load a small generated Odense (461) and give some cases names."""
    from allocation.models import CitizenCase
    from boligmatch.loading import load_world
    from inventory.models import Department, HousingAssociation
    from kernel.db import make_engine, session_factory
    from kernel.settings import get_settings
    from synthetic.population import generate

    world = generate(seed=461, n_citizens=30, n_vacancies=10, as_of=dt.date.today())
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    citizens = []
    with sessions.begin() as session:
        load_world(session, world, cpr_secret=get_settings().cpr_hash_secret)
        for i, generated in enumerate(world.citizens):
            case = session.scalar(select(CitizenCase).where(CitizenCase.case_ref == generated.id))
            assert case is not None
            name = f"Testborger Nummer{i:02d}" if i % 3 == 0 else None
            case.name = name
            citizens.append(Citizen(generated.id, generated.cpr, name))
        association = session.scalar(
            select(HousingAssociation)
            .join(Department)
            .where(Department.municipality_code == "461")
            .order_by(HousingAssociation.id)
            .limit(1)
        )
        assert association is not None
        association_id, association_name = association.id, association.name
    engine.dispose()
    return citizens, association_id, association_name


@pytest.fixture
def site(db_url: str, backend: str) -> Iterator[Site]:
    """The whole app (API and pages) served by uvicorn on 127.0.0.1 over a seeded SQLite."""
    if backend != "sqlite":
        pytest.skip("browser tests run on SQLite only; the services are tested on both")
    import uvicorn

    from api.app import create_app

    citizens, association_id, association_name = _seed(db_url)
    port = _free_port()
    config = uvicorn.Config(
        create_app(database_url=db_url),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", db_url, citizens, association_id, association_name)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def page(browser: object, site: Site) -> Iterator[object]:
    """A fresh browser context (own cookies) at a laptop's screen size."""
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(
        base_url=site.base_url, viewport={"width": 1366, "height": 768}, locale="da-DK"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the start pages' screenshots go (the README names this folder)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
