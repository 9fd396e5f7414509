"""The staff run page at any size, and a ranking staff can read.

The page shows one page of homes at a time sorted by number, filters by home and by
citizen, lists the citizens the plan leaves without a home with their reason in Danish,
answers "why not" for one pair from the stored run, lists the earlier runs, keeps every
proposal of the current plan reachable after a re-offer, and shows points without the
constant base with only the parts that differ between a home's candidates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from web_helpers import Site, demo_sign_in, session_cookie

from allocation import match_runs, workflow
from allocation.models import MatchRun, Offer, OfferStatus
from api.auth import Principal, Role
from api.routes.allocation_common import today as danish_today
from api.web import run_views
from api.web.i18n import STRINGS, translator
from kernel.db import make_engine, session_factory
from matcher.api import solve_problem
from synthetic.population import generate_problem

say = translator("da")

#: The outermost elements that stick out of the window (what makes a page scroll sideways).
OUTERMOST_TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
    && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
  .filter(e => !e.closest('.scroll-x, .scroll'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"""


def test_homes_sort_by_number_not_as_text() -> None:
    entries = [{"vacancy": v, "candidates": []} for v in ("11", "2", "100", "1")]
    assert [e["vacancy"] for e in run_views.select_homes(entries)] == ["1", "2", "11", "100"]


def test_the_base_is_never_a_shown_part_and_only_differing_parts_are() -> None:
    first = {"housed": 100_000, "situation": 40, "time_homeless": 12, "distance": 5}
    second = {"housed": 100_000, "situation": 40, "time_homeless": 30, "distance": 0}
    assert run_views.differing_parts([first, second]) == ["time_homeless", "distance"]
    assert run_views.differing_parts([first]) == ["situation", "time_homeless", "distance"]


def test_why_an_alternate_stands_where_it_does_in_danish() -> None:
    alternate = {
        "citizen": "C-2",
        "rank": 2,
        "assigned": False,
        "loss": 1234,
        "planned_vacancy": "17",
    }
    text = run_views.why_ranked(
        alternate, holder="C-1", higher=[(1, "C-1", 50)], points=80, say=say
    )
    assert text == (
        "Tilbydes, hvis C-1 siger nej. Planen mister mindst 1.234 point samlet, hvis C-2 får "
        "boligen (skøn). Planen giver C-2 bolig #17. Har flere point end nr. 1, men står "
        "lavere, fordi rækkefølgen følger, hvad planen som helhed mister."
    )
    nobody = run_views.why_ranked(
        {**alternate, "rank": 1, "planned_vacancy": None}, holder=None, higher=[], points=3,
        say=say,
    )  # fmt: skip
    assert nobody.startswith("Første alternativ; planen giver ikke boligen til nogen.")
    assert "Planen har ingen bolig til C-2." in nobody


def test_every_unmatched_reason_of_a_real_plan_is_worded_in_danish() -> None:
    problem = generate_problem(seed=2026, n_citizens=400, n_vacancies=60)
    result = solve_problem(problem)
    reasons = {u["reason"] for u in result["unmatched"]}
    assert len(reasons) >= 3, reasons
    english = re.compile(r"\b(the|home|homes|went|to|citizen|plan|of|none|left)\b")
    for item in result["unmatched"]:
        text = run_views.unmatched_text(item, say)
        assert text and "{" not in text, (item["reason"], text)
        assert not english.search(text), (item["reason"], text)
        assert not text.startswith("Ingen bolig i planen ("), (item["reason"], text)


def test_danish_and_english_run_page_wordings_have_the_same_placeholders() -> None:
    for key, (danish, english) in STRINGS.items():
        if key.startswith(("um_", "why_", "run_", "part_", "rule_")):
            assert set(re.findall(r"\{(\w+)\}", danish)) == set(
                re.findall(r"\{(\w+)\}", english)
            ), key


# --- through HTTP and in Chromium ---------------------------------------------------------


def _sessions(site: Site) -> Any:
    return session_factory(make_engine(site.db_url))


def _plan(site: Site) -> int:
    with _sessions(site)() as s, s.begin():
        run = match_runs.run_match(
            session=s, municipality_code="461", actor="staff:test", as_of=danish_today()
        )
        return int(run.id)


def _client(site: Site) -> httpx.Client:
    principal = Principal("web-test-staff", Role.staff, municipality_code="461")
    cookies = {"bm_auth": session_cookie(site, principal), "bm_sid": "a-session-id"}
    return httpx.Client(base_url=site.base_url, cookies=cookies)


def _homes(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'<section class="vacancy-block" id="v(\d+)"', html)]


def test_the_run_page_pages_filters_and_lists_the_unmatched(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_views, "HOMES_PER_PAGE", 4)  # the server runs in this process
    monkeypatch.setattr(run_views, "UNMATCHED_PER_PAGE", 5)
    run_id = _plan(site)
    with _sessions(site)() as s:
        run = s.get(MatchRun, run_id)
        assert run is not None
        result = run.result
    with _client(site) as client:
        first = client.get(f"/staff/runs/{run_id}")
        assert first.status_code == 200
        homes = _homes(first.text)
        assert len(homes) == 4 and homes == sorted(homes)
        assert "Side 1 af 3" in first.text  # 10 homes, 4 a page
        second = client.get(f"/staff/runs/{run_id}", params={"page": 2})
        assert _homes(second.text)[0] > homes[-1]
        # no drop-down of citizens anywhere: one "why not" form
        assert "<select" not in first.text
        assert first.text.count('id="why-form"') == 1
        # the form sent half-filled asks for both, in Danish (422), not a refusal
        half = client.get(f"/staff/runs/{run_id}/explain", params={"vacancy": "", "citizen": ""})
        assert half.status_code == 422 and "Vælg både en bolig og en borger" in half.text

        # one citizen: only the homes they are a candidate for, and their own row
        entry = next(e for e in result["offers"] if len(e["candidates"]) > 1)
        ref = entry["candidates"][1]["citizen"]
        mine = client.get(f"/staff/runs/{run_id}", params={"citizen": ref})
        wanted = sorted(
            int(e["vacancy"])
            for e in result["offers"]
            if any(c["citizen"] == ref for c in e["candidates"])
        )
        assert _homes(mine.text) == wanted[:4]
        one = client.get(f"/staff/runs/{run_id}", params={"home": entry["vacancy"]})
        assert _homes(one.text) == [int(entry["vacancy"])]

        # the unmatched, with their reason in Danish, five a page
        unmatched = sorted(u["citizen"] for u in result["unmatched"])
        assert len(unmatched) > 5
        rows = re.findall(r'<tr data-case-ref="([^"]+)"><td>[^<]+</td><td>([^<]+)</td>', first.text)
        assert [r for r, _ in rows] == unmatched[:5]
        assert all(text.strip() and "the plan" not in text for _, text in rows)
        assert f"Borgere uden bolig i planen ({len(unmatched)})" in first.text

        # earlier runs are listed and reachable
        later = _plan(site)
        page = client.get(f"/staff/runs/{later}")
        assert f'href="/staff/runs/{run_id}"' in page.text
        old = client.get(f"/staff/runs/{run_id}")
        assert 'id="newer-run"' in old.text and f'href="/staff/runs/{later}"' in old.text


def test_rank_one_is_the_plans_choice_or_the_page_says_nobody(site: Site) -> None:
    run_id = _plan(site)
    with _sessions(site)() as s:
        run = s.get(MatchRun, run_id)
        assert run is not None
        offers = run.result["offers"]
    with _client(site) as client:
        html = client.get(f"/staff/runs/{run_id}").text
    assert "housed" not in html and "100.000" not in html
    for entry in offers:
        if not entry["candidates"]:
            continue
        block = re.search(
            rf'<section class="vacancy-block" id="v{entry["vacancy"]}".*?</section>', html, re.S
        )
        assert block is not None
        first = re.search(r"<tbody>\s*<tr[^>]*>\s*<td[^>]*>(.*?)</td>", block.group(0), re.S)
        assert first is not None
        if entry["candidates"][0]["assigned"]:
            assert "planens valg" in first.group(1)
            assert "Planen giver ikke boligen til nogen." not in block.group(0)
        else:
            assert "planens valg" not in block.group(0)
            assert "Planen giver ikke boligen til nogen." in block.group(0)


def test_after_a_re_offer_every_proposal_of_the_plan_stays_reachable(site: Site) -> None:
    run_id = _plan(site)
    with _sessions(site)() as s, s.begin():
        proposed = s.scalars(
            select(Offer)
            .where(Offer.match_run_id == run_id, Offer.status == OfferStatus.proposed)
            .order_by(Offer.vacancy_id, Offer.rank)
        ).all()
        homes = sorted({o.vacancy_id for o in proposed})
        assert len(homes) >= 2
        declined_home = homes[0]
        first = next(o for o in proposed if o.vacancy_id == declined_home)
        workflow.send_offer(
            session=s, offer_id=first.id, actor="staff:test", today=danish_today(),
            municipality_code="461",
        )  # fmt: skip
        workflow.decline_offer(
            session=s, offer_id=first.id, actor="staff:test", today=danish_today(),
            municipality_code="461", reason="wrong_area", note=None, counts_as_refusal=False,
        )  # fmt: skip
        latest = match_runs.latest_match_run(s, "461")
        assert latest is not None and latest.id != run_id
        latest_id = latest.id
        live = s.scalars(select(Offer).where(Offer.status == OfferStatus.proposed)).all()
        other_live = [o.id for o in live if o.vacancy_id != declined_home]
        assert other_live
    with _client(site) as client:
        pages = []
        page = 1
        while True:
            html = client.get(f"/staff/runs/{latest_id}", params={"page": page}).text
            pages.append(html)
            if 'rel="next"' not in html:
                break
            page += 1
    html = "".join(pages)
    for offer_id in other_live:  # every other home's proposals can still be sent
        assert f'action="/staff/offers/{offer_id}/send"' in html, offer_id


def test_run_page_in_chromium_with_busy_state_and_narrow_screen(
    page: Page, site: Site, screenshots: Path
) -> None:
    demo_sign_in(page, "staff:461")
    form = page.locator("form[action='/staff/match']").first
    form.evaluate("f => f.addEventListener('submit', e => e.preventDefault())")
    form.get_by_role("button", name="Kør matchning").click()
    expect(form.get_by_role("button", name="Kører …")).to_be_disabled()
    expect(form.locator("[data-busy-status]")).to_have_text(
        "Matchningen kører … det kan tage et øjeblik."
    )
    page.reload()
    page.get_by_role("button", name="Kør matchning").click()
    expect(page).to_have_url(re.compile(r"/staff/runs/\d+$"))
    expect(page.locator("#run-summary")).to_contain_text("boliger fordelt")
    expect(page.locator("#unmatched tbody tr").first).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"staff-run-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(OUTERMOST_TOO_WIDE)
        assert overflow <= 1, f"the run page at {width} px is {overflow} px too wide: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})
    block = (
        page.locator("section.vacancy-block")
        .filter(has=page.locator("table.candidates tbody tr"))
        .first
    )
    home = (block.get_attribute("id") or "v").removeprefix("v")
    ref = block.locator("tbody tr").first.get_attribute("data-case-ref") or ""
    page.locator("#why-home").fill(home)
    page.locator("#why-citizen").fill(ref)
    page.locator("#why-form").get_by_role("button", name="Forklar").click()
    expect(page.locator("#verdict .badge")).to_have_text("Mulig")
    expect(page.locator("#verdict")).not_to_contain_text("housed")
    page.screenshot(path=str(screenshots / "staff-why-1280.png"), full_page=True)
