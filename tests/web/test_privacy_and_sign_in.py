"""Who sees what: associations and planners never see personal data on any page they
can open; roles land on their own start page and cannot open another role's pages;
sign-in by pasted token (development only), English, sign-out and CSRF protection.
Sign-in with OpenID Connect is tested in tests/security/test_sign_in_oidc.py."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from web_helpers import Site, association_choice, demo_sign_in, session_cookie

from allocation.models import MatchRun, Offer, OfferStatus
from api.auth import Principal, Role, issue_token
from inventory.models import Department, Unit, Vacancy
from kernel.db import make_engine
from kernel.settings import get_settings

pytestmark = pytest.mark.browser

HREF = re.compile(r"""(?:href|src|action)="([^"#]+)""")


def _personal_strings(site: Site) -> list[str]:
    """Every generated citizen's case ref, CPR (both ways of writing it) and name."""
    found = []
    for c in site.citizens:
        found += [c.case_ref, c.cpr, f"{c.cpr[:6]}-{c.cpr[6:]}"]
        if c.name:
            found.append(c.name)
    return found


def _kind(url: str) -> tuple[str, tuple[str, ...]]:
    """A page and the names of its query parameters (``/planner``, ``sort``+``dir``)."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted(parse_qs(parts.query)))


def _crawl(page: Page, start: str, prefixes: tuple[str, ...], limit: int = 80) -> dict[str, str]:
    """Every same-site HTML page reachable by GET from ``start`` under ``prefixes``."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = page.request.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            seen[path] = ""
            continue
        html = response.text()
        seen[path] = html
        for link in HREF.findall(html):
            target = urlsplit(urljoin(path, link.replace("&amp;", "&")))
            if target.netloc or not target.path.startswith(prefixes):
                continue
            url = target.path + (f"?{target.query}" if target.query else "")
            kind = _kind(url)
            variants = sum(1 for s in [*seen, *queue] if _kind(s) == kind)
            if url not in seen and url not in queue and (not target.query or variants < 3):
                queue.append(url)  # another sort order shows the same rows: a few suffice
    return seen


def _send_an_offer(browser: Browser, site: Site) -> int:
    """Staff run a match and send one offer; return the id of the home's association."""
    context = browser.new_context(base_url=site.base_url)
    staff = context.new_page()
    demo_sign_in(staff, "staff:461")
    staff.get_by_role("button", name="Kør matchning").click()
    # The first home with a candidate to send to (a home may have none).
    staff.locator("section.vacancy-block").get_by_role("button", name="Send tilbud").first.click()
    expect(staff.locator(".flash.ok")).to_be_visible()
    context.close()
    engine = make_engine(site.db_url)
    with engine.connect() as conn:
        association_id = conn.execute(
            select(Department.association_id)
            .join(Unit, Unit.department_id == Department.id)
            .join(Vacancy, Vacancy.unit_id == Unit.id)
            .join(Offer, Offer.vacancy_id == Vacancy.id)
            .where(Offer.status == OfferStatus.sent)
        ).scalar_one()
    engine.dispose()
    return int(association_id)


def test_associations_and_planners_never_see_personal_data(
    browser: Browser, page: Page, site: Site
) -> None:
    association_id = _send_an_offer(browser, site)
    personal = _personal_strings(site)

    demo_sign_in(page, association_choice(association_id))
    expect(page.locator("#offers tbody tr")).to_have_count(1)
    expect(page.locator("#offers")).to_contain_text("sendt")
    pages = _crawl(page, "/association", ("/association",))
    assert {"/association", "/association/report", "/association/upload"} <= set(pages)
    for path, html in pages.items():
        leaks = [s for s in personal if s in html]
        assert not leaks, f"{path} shows personal data: {leaks[:3]}"
    # Another role's pages are refused, and show nothing of them.
    for path in ("/staff", "/staff/cases/1", "/staff/runs/1", "/planner"):
        response = page.request.get(path)
        assert response.status == 403, path
        assert not [s for s in personal if s in response.text()]

    page.context.clear_cookies()
    demo_sign_in(page, "planner")
    page.goto("/planner/scenarios")
    page.locator("#months").fill("1")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#job-finished")).to_be_visible(timeout=60_000)
    pages = _crawl(page, "/planner", ("/planner",))
    assert any(p.startswith("/planner/scenarios/") for p in pages)
    assert len([p for p in pages if p.startswith("/planner?sort=")]) >= 2
    pages[page.url] = page.content()
    for path, html in pages.items():
        leaks = [s for s in personal if s in html]
        assert not leaks, f"{path} shows personal data: {leaks[:3]}"
    for path in ("/staff", "/association", "/staff/map"):
        assert page.request.get(path).status == 403, path


def test_sign_in_with_a_pasted_token_english_and_sign_out(page: Page, site: Site) -> None:
    page.goto("/staff")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fstaff$"))
    page.keyboard.press("Tab")  # keyboard users can skip straight to the content
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.locator("#token").fill("not-a-token")
    page.get_by_role("button", name="Log ind", exact=True).click()
    expect(page.locator("#token-err")).to_have_text("Nøglen er ugyldig eller udløbet.")
    expect(page.locator("#token")).to_have_attribute("aria-invalid", "true")

    token = issue_token(subject="web-test-staff", role=Role.staff, municipality_code="461")
    page.locator("#token").fill(token)
    page.get_by_role("button", name="Log ind", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff$"))
    cookie = next(c for c in page.context.cookies() if c["name"] == "bm_auth")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["value"] != token and token not in cookie["value"]  # a session id, not the JWT

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Allocation – Odense")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/staff/map")  # the choice is remembered
    expect(page.locator("h1")).to_have_text("Map of Odense")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/staff")
    expect(page).to_have_url(re.compile(r"/login"))


def test_forms_refuse_posts_without_the_csrf_token(site: Site) -> None:
    session_id = session_cookie(
        site, Principal("web-test-csrf", Role.staff, municipality_code="461")
    )
    cookies = {"bm_auth": session_id, "bm_sid": "a-session-id"}
    with httpx.Client(base_url=site.base_url, cookies=cookies) as client:
        page = client.get("/staff")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert csrf is not None
        assert client.post("/staff/match", data={}).status_code == 403
        assert client.post("/staff/match", data={"csrf": "0" * 64}).status_code == 403
        cross_site = client.post(
            "/staff/match",
            data={"csrf": csrf.group(1)},
            headers={"Origin": "https://evil.example"},
        )
        assert cross_site.status_code == 403
    engine = make_engine(site.db_url)
    with engine.connect() as conn:
        assert conn.execute(select(MatchRun.id)).first() is None  # nothing was planned
    engine.dispose()
    with httpx.Client(base_url=site.base_url, cookies=cookies) as client:
        ok = client.post("/staff/match", data={"csrf": csrf.group(1)})
        assert ok.status_code == 303 and ok.headers["location"].startswith("/staff/runs/")


def test_token_paste_and_demo_sign_in_exist_only_in_development(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue_token(subject="web-test-prod", role=Role.planner)
    with httpx.Client(base_url=site.base_url) as client:
        development = client.get("/login")
        assert "Demo-login" in development.text and 'name="token"' in development.text
        assert 'id="oidc-missing"' in development.text  # OIDC is not configured: it says so
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', development.text)
        assert csrf is not None
        monkeypatch.setenv("BOLIGMATCH_ENVIRONMENT", "production")
        get_settings.cache_clear()
        try:
            login = client.get("/login")
            assert login.status_code == 200
            assert "Demo-login" not in login.text and 'name="token"' not in login.text
            assert "ikke sat op" in login.text
            form = {"csrf": csrf.group(1)}
            refused = client.post("/login/demo", data={"who": "planner", **form})
            assert refused.status_code == 404 and "bm_auth" not in refused.cookies
            pasted = client.post("/login", data={"token": token, **form})
            assert pasted.status_code == 404 and "bm_auth" not in pasted.cookies
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()
