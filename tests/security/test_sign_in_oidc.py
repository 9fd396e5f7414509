"""Sign-in with OpenID Connect against a real provider on loopback, and server-side sessions.

The provider is `oidc-provider-mock` (a real OpenID Connect server built on Authlib)
served by werkzeug on 127.0.0.1 with a free port; boligmatch is served by uvicorn
on another. Its users carry the claims a municipality's identity provider would
send. One test signs in through headless Chromium from the sign-in page to the staff
pages, signs out and shows the old session cookie refused; the others walk the same
redirects with httpx (the provider's consent form is a plain POST) to check how
claims map to roles and scope, which claims are refused, and that expired, revoked
and forged sessions are refused.

Every test runs on SQLite and, when configured, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy import select, update

from api.models import WebSession
from inventory.models import HousingAssociation
from kernel.db import make_engine, session_factory, utcnow
from kernel.settings import get_settings

CLIENT_ID = "boligmatch-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Provider:
    issuer: str


# The people the identity provider knows, with the claims it sends about them.
USERS = {
    "anne@odense.dk": {"boligmatch_role": "staff", "municipality_code": "461"},
    "bo@kobenhavn.dk": {"boligmatch_role": ["staff", "intranet"], "municipality_code": "101"},
    "planner@region.dk": {"boligmatch_role": ["planner", "intranet"]},
    "caretaker@odense.dk": {"boligmatch_role": "caretaker", "municipality_code": "461"},
    "nomunicipality@odense.dk": {"boligmatch_role": "staff"},
    "nowhere@example.dk": {"boligmatch_role": "staff", "municipality_code": "999"},
    "twohats@odense.dk": {"boligmatch_role": ["staff", "planner"], "municipality_code": "461"},
    "grp@odense.dk": {"groups": ["bm-anvisning"], "kommunekode": "461"},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """oidc-provider-mock on 127.0.0.1:<free port>, nonce required, with `USERS`."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    flask_app = app(
        require_nonce=True,
        user_claims=[User(sub=sub, claims=dict(claims)) for sub, claims in USERS.items()],
    )
    server = werkzeug.serving.make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@dataclass(frozen=True)
class Site:
    base_url: str
    db_url: str
    association_id: int


@pytest.fixture
def oidc_env(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """boligmatch configured for the provider (settings come from the environment)."""
    monkeypatch.setenv("BOLIGMATCH_OIDC__ISSUER", provider.issuer)
    monkeypatch.setenv("BOLIGMATCH_OIDC__CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("BOLIGMATCH_OIDC__CLIENT_SECRET", "test-client-secret")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def site(db_url: str, provider: Provider, oidc_env: None) -> Iterator[Site]:
    """The app served by uvicorn on 127.0.0.1, with one housing association."""
    import uvicorn

    from api.app import create_app

    engine = make_engine(db_url)
    with session_factory(engine).begin() as session:
        association = HousingAssociation(name="Testboligselskabet")
        session.add(association)
        session.flush()
        association_id = association.id
    engine.dispose()
    _set_user(
        provider.issuer,
        "assoc@boligselskab.dk",
        {"boligmatch_role": "association", "association_id": association_id},
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(database_url=db_url), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", db_url, association_id)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _sessions(site: Site) -> list[WebSession]:
    engine = make_engine(site.db_url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(WebSession).order_by(WebSession.id)))
    finally:
        engine.dispose()


def _set_user(provider_url: str, sub: str, claims: dict[str, object]) -> None:
    """Give the provider a user (the mock's own API) for claims made up in one test."""
    httpx.put(f"{provider_url}/users/{sub}", json=claims).raise_for_status()


def sign_in_over_http(client: httpx.Client, sub: str, next_url: str = "") -> httpx.Response:
    """The whole code flow with httpx: start, the provider's consent POST, the callback."""
    start = client.get("/login/oidc", params={"next": next_url} if next_url else None)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["client_id"] == [CLIENT_ID]
    consent = httpx.post(authorize, data={"sub": sub})
    assert consent.status_code == 302, consent.text
    callback = consent.headers["location"]
    assert callback.startswith(f"{client.base_url}/login/oidc/callback?")
    return client.get(callback)


# --- the browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_staff_sign_in_through_the_provider_in_chromium_then_sign_out(
    site: Site, browser: Browser
) -> None:
    from playwright.sync_api import expect

    # One browser for the whole run (tests/conftest.py).
    context = browser.new_context(base_url=site.base_url, locale="da-DK")
    context.set_default_timeout(15_000)
    page = context.new_page()
    authorize_requests: list[str] = []
    page.on(
        "request",
        lambda r: authorize_requests.append(r.url) if "/oauth2/authorize" in r.url else None,
    )
    try:
        page.goto("/staff")
        expect(page).to_have_url(re.compile(r"/login\?next=%2Fstaff$"))
        page.get_by_role("link", name="Log ind via din organisation").click()
        # At the identity provider: Anne is one of its users.
        expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
        page.get_by_role("button", name="anne@odense.dk").click()
        expect(page).to_have_url(re.compile(r"/staff$"))
        expect(page.locator("h1")).to_contain_text("Odense")

        query = parse_qs(urlsplit(authorize_requests[0]).query)
        assert query["code_challenge_method"] == ["S256"] and query["nonce"]
        cookie = next(c for c in context.cookies() if c["name"] == "bm_auth")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert "." not in cookie["value"] and len(cookie["value"]) >= 43  # 256 bits, no JWT
        assert not [c for c in context.cookies() if c["name"] == "bm_oidc"]  # used up
        (row,) = _sessions(site)
        assert (row.subject, row.role, row.municipality_code, row.method) == (
            "oidc:anne@odense.dk",
            "staff",
            "461",
            "oidc",
        )
        assert row.revoked_at is None and row.id_hash != cookie["value"]

        page.get_by_role("button", name="Log ud").click()
        expect(page).to_have_url(re.compile(r"/login$"))
        page.goto("/staff")
        expect(page).to_have_url(re.compile(r"/login\?next="))
    finally:
        context.close()

    (row,) = _sessions(site)
    assert row.revoked_at is not None
    # The old cookie, replayed by anyone who kept it, is refused.
    with httpx.Client(base_url=site.base_url, cookies={"bm_auth": cookie["value"]}) as client:
        refused = client.get("/staff")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


# --- claims, roles and scope ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub", "start_page", "role", "municipality"),
    [
        ("bo@kobenhavn.dk", "/staff", "staff", "101"),
        ("planner@region.dk", "/planner", "planner", None),
        ("assoc@boligselskab.dk", "/association", "association", None),
    ],
)
def test_claims_give_the_role_and_scope(
    site: Site, sub: str, start_page: str, role: str, municipality: str | None
) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        signed_in = sign_in_over_http(client, sub)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == start_page
        assert client.get(start_page).status_code == 200
        other = "/planner" if role != "planner" else "/staff"
        assert client.get(other).status_code == 403  # the role's pages only
    (row,) = _sessions(site)
    assert (row.role, row.municipality_code) == (role, municipality)
    assert row.association_id == (site.association_id if role == "association" else None)


def test_sign_in_returns_to_the_page_asked_for(site: Site) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        signed_in = sign_in_over_http(client, "anne@odense.dk", next_url="/staff/map")
        assert signed_in.headers["location"] == "/staff/map"
        assert client.get("/staff/map").status_code == 200
        evil = sign_in_over_http(client, "anne@odense.dk", next_url="//evil.example/x")
        assert evil.headers["location"] == "/staff"  # no open redirect


@pytest.mark.parametrize(
    ("sub", "message"),
    [
        ("caretaker@odense.dk", "ingen rolle i boligmatch"),
        ("nomunicipality@odense.dk", "ikke knyttet til en kommune"),
        ("nowhere@example.dk", "findes ikke i boligmatch"),
        ("twohats@odense.dk", "flere roller"),
    ],
)
def test_claims_without_a_known_role_or_scope_are_refused(
    site: Site, sub: str, message: str
) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        refused = sign_in_over_http(client, sub)
        assert refused.status_code == 403
        assert message in refused.text
        assert "bm_auth" not in refused.cookies
        assert client.get("/staff").status_code == 303  # still signed out
    assert _sessions(site) == []


def test_claim_names_and_role_values_are_settings(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOLIGMATCH_OIDC__ROLE_CLAIM", "groups")
    monkeypatch.setenv("BOLIGMATCH_OIDC__MUNICIPALITY_CLAIM", "kommunekode")
    monkeypatch.setenv("BOLIGMATCH_OIDC__ROLE_VALUES", '{"bm-anvisning": "staff"}')
    get_settings.cache_clear()
    with httpx.Client(base_url=site.base_url) as client:
        assert sign_in_over_http(client, "grp@odense.dk").headers["location"] == "/staff"
        # The default claim name is no longer read: Anne has no "groups" claim.
        assert sign_in_over_http(client, "anne@odense.dk").status_code == 403
    (row,) = _sessions(site)
    assert (row.subject, row.municipality_code) == ("oidc:grp@odense.dk", "461")


def test_a_provider_is_trusted_only_for_its_municipalities(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOLIGMATCH_OIDC__TRUSTED_MUNICIPALITIES", '["461"]')
    get_settings.cache_clear()
    with httpx.Client(base_url=site.base_url) as client:
        refused = sign_in_over_http(client, "bo@kobenhavn.dk")
        assert refused.status_code == 403 and "må ikke give adgang" in refused.text
        assert sign_in_over_http(client, "anne@odense.dk").status_code == 303


def test_a_callback_without_its_own_pending_sign_in_is_refused(site: Site) -> None:
    """A code and state sent to someone else's browser (login CSRF) do not sign it in."""
    with httpx.Client(base_url=site.base_url) as attacker:
        start = attacker.get("/login/oidc")
        consent = httpx.post(start.headers["location"], data={"sub": "anne@odense.dk"})
        callback = consent.headers["location"]
    with httpx.Client(base_url=site.base_url) as victim:
        refused = victim.get(callback)
        assert refused.status_code == 403 and "bm_auth" not in refused.cookies
    with httpx.Client(base_url=site.base_url) as client:
        start = client.get("/login/oidc")
        consent = httpx.post(start.headers["location"], data={"sub": "anne@odense.dk"})
        forged = re.sub(r"state=[^&]+", "state=forged", consent.headers["location"])
        assert client.get(forged).status_code == 403
        denied = client.get("/login/oidc/callback", params={"error": "access_denied"})
        assert denied.status_code == 403 and "afbrudt" in denied.text
    assert _sessions(site) == []


# --- sessions -------------------------------------------------------------------------------


def test_an_expired_session_is_refused(site: Site) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        sign_in_over_http(client, "anne@odense.dk")
        assert client.get("/staff").status_code == 200
        engine = make_engine(site.db_url)
        with session_factory(engine).begin() as session:
            session.execute(
                update(WebSession).values(expires_at=utcnow() - dt.timedelta(seconds=1))
            )
        engine.dispose()
        refused = client.get("/staff")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


def test_a_session_lasts_the_configured_time(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOLIGMATCH_WEB_SESSION_MINUTES", "30")
    get_settings.cache_clear()
    with httpx.Client(base_url=site.base_url) as client:
        sign_in_over_http(client, "anne@odense.dk")
    (row,) = _sessions(site)
    created = row.created_at.replace(tzinfo=dt.UTC)
    assert row.expires_at.replace(tzinfo=dt.UTC) - created == dt.timedelta(minutes=30)


def test_made_up_session_ids_are_refused(site: Site) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        sign_in_over_http(client, "anne@odense.dk")
        real = client.cookies["bm_auth"]
    (row,) = _sessions(site)
    for forged in ("x" * 43, row.id_hash, real[:-1], real + "A" * 200):
        with httpx.Client(base_url=site.base_url, cookies={"bm_auth": forged}) as client:
            assert client.get("/staff").status_code == 303, forged


def test_cookies_are_secure_outside_development(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOLIGMATCH_ENVIRONMENT", "production")
    get_settings.cache_clear()
    with httpx.Client(base_url=site.base_url) as client:
        start = client.get("/login/oidc")
        assert "secure" in start.headers["set-cookie"].lower()  # bm_oidc, even over HTTP
        consent = httpx.post(start.headers["location"], data={"sub": "anne@odense.dk"})
        pending = start.cookies["bm_oidc"]
        signed_in = client.get(consent.headers["location"], cookies={"bm_oidc": pending})
    assert signed_in.status_code == 303
    set_cookies = signed_in.headers.get_list("set-cookie")
    auth = next(c for c in set_cookies if c.startswith("bm_auth="))
    assert "Secure" in auth and "HttpOnly" in auth and "SameSite=lax" in auth


def test_without_oidc_configured_the_sign_in_page_says_so(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOLIGMATCH_OIDC__ISSUER")
    monkeypatch.delenv("BOLIGMATCH_OIDC__CLIENT_ID")
    get_settings.cache_clear()
    with httpx.Client(base_url=site.base_url) as client:
        page = client.get("/login")
        assert 'id="oidc-missing"' in page.text and "/login/oidc" not in page.text
        assert client.get("/login/oidc").status_code == 404
