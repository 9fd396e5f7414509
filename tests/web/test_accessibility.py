"""Accessibility and small screens, checked in Chromium on every page each role can reach.

Each role signs in, the test crawls the links of its pages (same site, bounded) and on
every HTML page it looks for English words left on the Danish page
(``tests/web/english_words.py``), runs axe-core (WCAG 2.0/2.1 A and AA rules and axe's best
practices such as landmarks and heading order; any *serious* or
*critical* violation fails, listed by page, rule and element), then checks the page at
375 px: the document itself never scrolls sideways (wide tables scroll in their own
box). Separate tests check the focus ring's contrast, the map's keyboard and
screen-reader use, the visible running state of "Kør matchning", and take the start
pages' screenshots at 1280 and 375 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from english_words import english_words
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from web_helpers import Site, association_choice, demo_sign_in

from allocation import match_runs, workflow
from allocation.models import Offer, OfferStatus
from api.routes.allocation_common import today as danish_today
from kernel.db import make_engine, session_factory

pytestmark = pytest.mark.browser

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
MAX_PAGES = 40
PER_SHAPE = 2  # pages per URL shape (digits folded), so 30 case pages cost two visits
NARROW = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 800}
# Links the crawl must not follow: signing out, switching language (tested apart),
# downloads and API documents.
SKIP = re.compile(r"^/(logout|api/|docs|openapi|static/)|[?&]lang=")


@contextmanager
def _session(site: Site) -> Iterator[Session]:
    engine = make_engine(site.db_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _plan_and_send(site: Site) -> None:
    """A match run with one sent offer, so run, case and deadline pages show actions."""
    with _session(site) as s, s.begin():
        match_runs.run_match(
            session=s, municipality_code="461", actor="staff:test", as_of=danish_today()
        )
    with _session(site) as s, s.begin():
        offer = s.scalars(
            select(Offer).where(Offer.status == OfferStatus.proposed).order_by(Offer.id).limit(1)
        ).one()
        workflow.send_offer(session=s, offer_id=offer.id, actor="staff:test", today=danish_today())


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _violations(page: Page) -> list[str]:
    """The serious and critical axe-core violations on the page, one line per element."""
    results = AXE.run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"][:5]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} "
                f"at {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return lines


_READ_TEXTS = """() => [document.title, document.body.innerText].concat(
  Array.from(document.querySelectorAll("[aria-label], [alt], [title], [placeholder]"),
    el => ["aria-label", "alt", "title", "placeholder"].map(a => el.getAttribute(a) || "")
      .join(" ")))"""


def _english(page: Page) -> list[str]:
    """English words on a Danish page: its text, title and the texts read aloud."""
    if page.get_attribute("html", "lang") != "da":
        return []
    words = english_words("\n".join(page.evaluate(_READ_TEXTS)))
    return [f"English words on a Danish page: {', '.join(words)}"] if words else []


def _overflow(page: Page) -> int:
    """How far the document is wider than the viewport (0 when it fits)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _too_wide(page: Page) -> list[str]:
    """The outermost elements that stick out to the right (for the failure message)."""
    return list(
        page.evaluate(
            """() => {
  const limit = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.getBoundingClientRect().right <= limit + 0.5) continue;
    const parent = el.parentElement;
    const outer = parent && parent !== document.body;
    if (outer && parent.getBoundingClientRect().right > limit + 0.5) continue;
    const classes = el.className ? "." + String(el.className).split(" ").join(".") : "";
    out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes);
  }
  return out.slice(0, 8);
}"""
        )
    )


_GET_FORMS = """
forms => forms.map(f => {
  const url = new URL(f.action || location.href);
  url.search = new URLSearchParams(new FormData(f)).toString();
  return url.href;
})
"""


def _crawl(page: Page, site: Site, *starts: str) -> dict[str, list[str]]:
    """Visit every same-site HTML page reachable from ``starts`` (bounded), checking each.

    Follows links and GET forms (submitted with their default values, e.g. "why not").
    Returns problems per page path: axe violations at 1280 px and overflow at 375 px.
    """
    origin = urlsplit(site.base_url).netloc
    queue, seen, shapes = list(starts), set(starts), dict[str, int]()
    problems: dict[str, list[str]] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        head = page.context.request.get(path, max_redirects=0)
        if not head.headers.get("content-type", "").startswith("text/html"):
            continue
        page.set_viewport_size(WIDE)
        page.goto(path)
        visited += 1
        found = _violations(page) + _english(page)
        page.set_viewport_size(NARROW)
        over = _overflow(page)
        if over > 0:
            found.append(f"at 375 px the page scrolls sideways by {over} px: {_too_wide(page)}")
        if found:
            problems[path] = found
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        links += page.eval_on_selector_all("main form[method=get]", _GET_FORMS)
        for href in links:
            url = urlsplit(urldefrag(href)[0])
            if url.netloc != origin:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target in seen or SKIP.search(target):
                continue
            seen.add(target)
            shape = _shape(url.path)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(target)
    assert visited > 1, f"the crawl from {starts} reached no page"
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}:\n  " + "\n  ".join(lines) for path, lines in problems.items())


@pytest.mark.parametrize("role", ["staff", "association", "planner"])
def test_every_page_of_each_role_passes_axe_and_fits_375_px(
    page: Page, site: Site, role: str
) -> None:
    if role == "staff":
        _plan_and_send(site)
        who, start = "staff:461", "/staff"
    elif role == "association":
        who, start = association_choice(site.association_id), "/association"
    else:
        who, start = "planner", "/planner"
    demo_sign_in(page, who)
    expect(page).to_have_url(re.compile(f"{start}$"))
    starts = [start]
    if role == "planner":  # a finished scenario comparison, with its table and plot
        page.goto("/planner/scenarios")
        page.locator("#municipality").select_option("461")
        page.locator("#months").fill("3")
        page.locator("#replications").fill("1")
        page.get_by_role("button", name="Start").click()
        expect(page).to_have_url(re.compile(r"/planner/scenarios/[0-9a-f]{32}$"))
        expect(page.locator("#scenario-results")).to_be_visible(timeout=60_000)
        starts.append(urlsplit(page.url).path)
    problems = _crawl(page, site, *starts)
    assert not problems, "accessibility problems:\n" + _report(problems)


def test_sign_in_and_error_pages_pass_axe_in_both_languages(page: Page, site: Site) -> None:
    problems: dict[str, list[str]] = {}
    for path, lang in [
        ("/login", "da"),
        ("/login?lang=en", "en"),
        ("/login?lang=da", "da"),
    ]:
        page.goto(path)
        assert page.get_attribute("html", "lang") == lang
        found = _violations(page)
        if found:
            problems[path] = found
    if page.goto("/login").ok and page.locator("#token").count():  # a refused token
        page.locator("#token").fill("not-a-token")
        page.locator("#token").press("Tab")
        page.locator("form[action='/login'] button[type=submit]").click()
        if found := _violations(page):
            problems["/login (refused token)"] = found
    demo_sign_in(page, "staff:461")
    page.goto("/staff?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    if found := _violations(page):
        problems["/staff?lang=en"] = found
    page.goto("/staff?lang=da")
    for path in ["/staff/cases/987654", "/staff/runs/987654", "/association"]:
        page.goto(path)
        assert page.locator("h1").count() == 1
        found = _violations(page)
        page.set_viewport_size(NARROW)
        if (over := _overflow(page)) > 0:
            found.append(f"at 375 px the page scrolls sideways by {over} px")
        page.set_viewport_size(WIDE)
        if found:
            problems[path] = found
    assert not problems, "accessibility problems:\n" + _report(problems)


_CONTRAST = """
el => {
  function rgb(c) { return c.match(/[\\d.]+/g).slice(0, 3).map(Number); }
  function lum(c) {
    const [r, g, b] = rgb(c).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(node) {
    for (let n = node.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return c;
    }
    return "rgb(255, 255, 255)";
  }
  const style = getComputedStyle(el);
  const a = lum(style.outlineColor), b = lum(background(el));
  return {
    width: parseFloat(style.outlineWidth), style: style.outlineStyle,
    ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
  };
}
"""


def test_keyboard_focus_is_visible_with_3_to_1_contrast(page: Page, site: Site) -> None:
    demo_sign_in(page, "staff:461")
    expect(page).to_have_url(re.compile(r"/staff$"))
    # The skip link, then the header's links, then the page's first controls.
    checked = 0
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        tag = page.evaluate("el => el.tagName + '#' + (el.id || el.textContent.trim())", focused)
        ring = page.evaluate(_CONTRAST, focused)
        assert ring["style"] != "none" and ring["width"] >= 2, f"no focus ring on {tag}: {ring}"
        assert ring["ratio"] >= 3, f"focus ring on {tag} has contrast {ring['ratio']:.2f}:1"
        checked += 1
    assert checked == 12
    # A button in the page body (white card background) too.
    button = page.get_by_role("button", name="Kør matchning")
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate(_CONTRAST, button.element_handle())
    assert ring["ratio"] >= 3, f"focus ring on the run button has contrast {ring['ratio']:.2f}:1"


def test_offer_actions_are_on_screen_at_375_px(page: Page, site: Site, screenshots: Path) -> None:
    _plan_and_send(site)
    page.set_viewport_size(NARROW)
    demo_sign_in(page, "staff:461")
    expect(page).to_have_url(re.compile(r"/staff$"))
    page.get_by_role("link", name=re.compile("Se forslag|See offers")).first.click()
    expect(page.locator("h1")).to_be_visible()
    assert _overflow(page) == 0
    send = page.locator("form[action$='/send'] button").first
    expect(send).to_be_visible()
    send.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "a11y-staff-run-375.png"))
    box = send.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box
    # The sent offer's case page: accept and decline on screen.
    with _session(site) as s:
        case_id = s.scalars(
            select(Offer.case_id).where(Offer.status == OfferStatus.sent).limit(1)
        ).one()
    page.goto(f"/staff/cases/{case_id}")
    assert _overflow(page) == 0
    page.screenshot(path=str(screenshots / "a11y-staff-case-375.png"), full_page=True)
    actions = page.locator("main form button")
    assert actions.count() > 0
    for i in range(actions.count()):
        button = actions.nth(i)
        if not button.is_visible():
            continue
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], (
            button.inner_text(),
            box,
        )


def test_map_homes_are_reachable_by_keyboard_and_described(page: Page, site: Site) -> None:
    demo_sign_in(page, "staff:461")
    page.goto("/staff/map")
    homes = page.locator("#map a.home")
    count = homes.count()
    assert count == 10
    # Each home is a link with an accessible name: address, rooms, rent and status.
    for i in range(count):
        name = homes.nth(i).get_attribute("aria-label") or ""
        assert re.search(r"^Bolig #\d+: .+, \d+ værelser?, [\d.]+ kr\./md\., \w", name), name
    # The same homes in a table beside the map, in the same order.
    rows = page.locator("#map-homes tbody tr")
    assert rows.count() == count
    ids = homes.evaluate_all("els => els.map(e => e.dataset.vacancy)")
    assert rows.evaluate_all("rs => rs.map(r => r.id.slice(5))") == ids
    # Keyboard: Tab goes from one home to the next; Enter shows the home's facts.
    homes.first.focus()
    expect(homes.first).to_be_focused()
    page.keyboard.press("Tab")
    second = homes.nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("Enter")
    details = page.locator("#map-details")
    expect(details).to_contain_text(rows.nth(1).locator("td").nth(1).inner_text())
    expect(second).to_have_attribute("aria-current", "true")
    expect(second).to_be_focused()  # focus stays on the map: Tab goes on to the next home
    ring = page.evaluate(
        "el => getComputedStyle(el.querySelector('circle')).strokeWidth", second.element_handle()
    )
    assert float(ring.rstrip("px")) >= 3, ring
    assert _violations(page) == []


def test_run_button_shows_a_running_state(page: Page, site: Site) -> None:
    demo_sign_in(page, "staff:461")
    expect(page).to_have_url(re.compile(r"/staff$"))
    form = page.locator("form[action='/staff/match']")
    button = form.get_by_role("button")
    # Hold the request so the running state can be seen before the answer arrives.
    held = []
    page.route("**/staff/match", lambda route: held.append(route))
    # Click and read the button while the answer is held (in one script: Playwright's
    # own waits would wait for the held navigation).
    state = button.evaluate(
        """el => { el.click(); return new Promise(done => setTimeout(() => done({
            disabled: el.disabled, text: el.textContent, busy: el.form.getAttribute("aria-busy"),
        }), 200)); }"""
    )
    assert state == {"disabled": True, "text": "Kører …", "busy": "true"}, state
    assert held, "the form was not submitted"
    held[0].continue_()
    page.unroute("**/staff/match")
    expect(page.locator("#run-summary")).to_be_visible()


@pytest.mark.parametrize("role", ["staff", "association", "planner"])
def test_start_page_screenshots_at_1280_and_375_px(
    page: Page, site: Site, screenshots: Path, role: str
) -> None:
    who = {
        "staff": "staff:461",
        "association": association_choice(site.association_id),
        "planner": "planner",
    }[role]
    demo_sign_in(page, who)
    expect(page).to_have_url(re.compile(f"/{role}$"))
    for width, viewport in [(1280, WIDE), (375, NARROW)]:
        page.set_viewport_size(viewport)
        page.screenshot(path=str(screenshots / f"a11y-{role}-{width}.png"), full_page=True)
        assert _overflow(page) == 0, f"{role} start page scrolls sideways at {width} px"
    page.context.clear_cookies()
    page.goto("/login")
    for width, viewport in [(1280, WIDE), (375, NARROW)]:
        page.set_viewport_size(viewport)
        page.screenshot(path=str(screenshots / f"a11y-login-{width}.png"), full_page=True)
