"""Allocation staff in the browser: run a match, read the ranked offers and an
explanation, send an offer, record its acceptance, and see the map."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from web_helpers import Site, demo_sign_in

from allocation.models import Offer, OfferStatus
from api.routes.allocation_common import today as danish_today
from kernel.db import make_engine

pytestmark = pytest.mark.browser


def test_staff_runs_a_match_sends_an_offer_and_records_acceptance(
    page: Page, site: Site, screenshots: Path
) -> None:
    demo_sign_in(page, "staff:461")
    expect(page).to_have_url(re.compile(r"/staff$"))
    expect(page.locator("h1")).to_contain_text("Anvisning – Odense")
    # The start page lists the municipality's open homes and active cases.
    expect(page.locator("#vacancies tbody tr")).to_have_count(10)
    expect(page.locator("#cases tbody tr")).to_have_count(30)
    expect(page.locator("#cases")).to_contain_text("Testborger Nummer00")  # staff may see names

    page.get_by_role("button", name="Kør matchning").click()
    expect(page).to_have_url(re.compile(r"/staff/runs/\d+$"))
    expect(page.locator("#run-summary")).to_contain_text("boliger fordelt")
    first_block = (
        page.locator("section.vacancy-block")
        .filter(has=page.locator("table.candidates tbody tr"))
        .first
    )
    first_row = first_block.locator("table.candidates tbody tr").first
    expect(first_row.locator("td").first).to_have_text(re.compile(r"^1\b"))
    # Points are shown without the constant "housed" base (tests/web/test_run_page.py).
    expect(first_block).not_to_contain_text("housed")
    case_ref = first_row.get_attribute("data-case-ref")
    assert case_ref and case_ref.startswith("C-461-")

    # Why was another citizen not proposed? Pick one who is not a candidate here.
    candidates = set(
        first_block.locator("table.candidates tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.caseRef)"
        )
    )
    other = next(c.case_ref for c in site.citizens if c.case_ref not in candidates)
    home = (first_block.get_attribute("id") or "v").removeprefix("v")
    page.locator("#why-home").fill(home)
    page.locator("#why-citizen").fill(other)
    page.locator("#why-form").get_by_role("button", name="Forklar").click()
    expect(page.locator("h1")).to_contain_text(other)
    verdict = page.locator("#verdict")
    expect(verdict.locator(".badge")).to_have_text(re.compile("Udelukket|Mulig"))
    if verdict.locator(".badge").inner_text() == "Udelukket":
        assert page.locator("#reasons li").count() >= 1
    page.go_back()

    # Send the offer to the plan's first choice.
    first_row = (
        page.locator("section.vacancy-block")
        .filter(has=page.locator("table.candidates tbody tr"))
        .first.locator("table.candidates tbody tr")
        .first
    )
    first_row.get_by_role("button", name="Send tilbud").click()
    expect(page.locator(".flash.ok")).to_be_visible()
    first_row = (
        page.locator("section.vacancy-block")
        .filter(has=page.locator("table.candidates tbody tr"))
        .first.locator("table.candidates tbody tr")
        .first
    )
    expect(first_row).to_contain_text("sendt")

    # Decline another citizen's offer with a reason (the home goes to the next one).
    other_row = page.locator(
        f"table.candidates tbody tr:not([data-case-ref='{case_ref}'])",
        has=page.get_by_role("button", name="Send tilbud"),
    ).first
    declining = other_row.get_attribute("data-case-ref")
    other_row.get_by_role("button", name="Send tilbud").click()
    expect(page.locator(".flash.ok")).to_be_visible()
    page.goto("/staff")
    page.locator("#sent-offers").get_by_role("link", name=str(declining)).click()
    sent_row = page.locator("#case-offers tbody tr", has_text="sendt")
    sent_row.get_by_label("Årsag til afslag").select_option("wrong_area")
    sent_row.get_by_label("Bemærkning").fill("Langt fra netværk")
    sent_row.get_by_role("button", name="Registrér afslag").click()
    expect(page.locator(".flash.ok")).to_have_text("Afslaget er registreret.")
    expect(page.locator("#case-offers")).to_contain_text("afslået (forkert område)")
    expect(page.locator("#history")).to_contain_text("Tilbud afslået")

    # The offer waits for an answer on the start page; one close to its deadline stands out.
    engine = make_engine(site.db_url)
    with engine.begin() as conn:
        conn.execute(
            update(Offer)
            .where(Offer.status == OfferStatus.sent)
            .values(answer_deadline=danish_today() + dt.timedelta(days=1))
        )
    engine.dispose()
    page.goto("/staff")
    expect(page.locator("#sent-offers")).to_contain_text(case_ref)
    soon = page.locator("#sent-offers tbody tr.soon")
    expect(soon).to_have_count(1)
    expect(soon).to_contain_text("Svarfrist snart")
    expect(soon).to_contain_text("1 dag tilbage")
    expect(page.locator("#run-summary")).to_be_visible()
    page.screenshot(path=str(screenshots / "staff-start.png"), full_page=True)

    # The case page: the offer, then record that the citizen said yes.
    page.get_by_role("link", name=case_ref).first.click()
    expect(page.locator("h1")).to_contain_text(case_ref)
    offer_row = page.locator("#case-offers tbody tr", has_text="sendt")
    expect(offer_row).to_have_count(1)
    offer_row.get_by_role("button", name="Registrér ja tak").click()
    expect(page.locator(".flash.ok")).to_contain_text("accepteret")
    expect(page.locator("#case-status")).to_have_text("boligplaceret")
    expect(page.locator("#case-offers tbody tr", has_text="accepteret")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("Tilbud accepteret")


def test_staff_map_draws_districts_and_vacancies_offline(page: Page, site: Site) -> None:
    demo_sign_in(page, "staff:461")
    page.goto("/staff/map")
    expect(page.locator("#map path.district")).to_have_count(12)
    expect(page.locator("#map circle")).to_have_count(10)
    expect(page.locator("#map circle").first.locator("title")).to_contain_text("#")
    expect(page.locator(".legend")).to_contain_text("Ledig bolig (10)")
