"""Small steps the browser tests share."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from api.auth import Principal
from api.web.session import create_session
from kernel.db import make_engine, session_factory


@dataclass(frozen=True)
class Citizen:
    """What the tests must never find on an association's or planner's page."""

    case_ref: str
    cpr: str
    name: str | None


@dataclass(frozen=True)
class Site:
    """A running server and the personal data of its generated citizens."""

    base_url: str
    db_url: str
    citizens: list[Citizen]
    association_id: int
    association_name: str


def demo_sign_in(page: Page, who: str) -> None:
    """Sign in with the development-only demo form (``who``: ``staff:461``, ...)."""
    page.goto("/login")
    page.locator(f"input[name=who][value='{who}']").check()
    page.get_by_role("button", name="Log ind som demo-bruger").click()


def association_choice(association_id: int) -> str:
    return f"association:{association_id}"


def session_cookie(site: Site, principal: Principal) -> str:
    """A server-side web session for ``principal`` (what the ``bm_auth`` cookie holds)."""
    engine = make_engine(site.db_url)
    try:
        return create_session(session_factory(engine), principal, method="test")
    finally:
        engine.dispose()
