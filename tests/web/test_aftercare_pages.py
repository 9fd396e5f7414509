"""Issue 15 in the browser: the letter on the case page, late steps on the start page,
the outcome report for planners. Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from web_helpers import Site, demo_sign_in

from allocation import match_runs, notices, workflow
from allocation.models import MoveInStep, Offer
from api.routes.allocation_common import today as danish_today
from inventory.models import Vacancy
from kernel.db import make_engine, session_factory

pytestmark = pytest.mark.browser


def _accepted_with_late_lease(site: Site) -> tuple[int, int]:
    """Send and accept an offer through the services; make the lease step overdue."""
    engine = make_engine(site.db_url)
    sessions = session_factory(engine)
    today = danish_today()
    with sessions.begin() as s:
        run = match_runs.run_match(
            session=s, municipality_code="461", actor="staff:461", as_of=today
        )
        offer = s.scalar(
            select(Offer).where(Offer.match_run_id == run.id, Offer.rank == 1).order_by(Offer.id)
        )
        assert offer is not None
        notices.set_contact_person(
            s,
            case_id=offer.case_id,
            municipality_code="461",
            actor="staff:461",
            name="Kirsten Kontakt",
            email="kirsten@shelter.test",
            organisation="Herberget",
            letter_language="da",
        )
        workflow.send_offer(session=s, offer_id=offer.id, actor="staff:461", today=today)
        workflow.accept_offer(session=s, offer_id=offer.id, actor="staff:461", today=today)
        s.execute(
            update(MoveInStep)
            .where(MoveInStep.offer_id == offer.id, MoveInStep.kind == "lease_signed")
            .values(due_on=today - dt.timedelta(days=3))
        )
        # The home is to be moved into in three days: the late lease endangers it.
        s.execute(
            update(Vacancy)
            .where(Vacancy.id == offer.vacancy_id)
            .values(available_from=today + dt.timedelta(days=3))
        )
        offer_id, case_id = offer.id, offer.case_id
    engine.dispose()
    return offer_id, case_id


def test_letter_steps_and_outcomes_in_the_browser(
    page: Page, site: Site, screenshots: Path
) -> None:
    offer_id, case_id = _accepted_with_late_lease(site)
    demo_sign_in(page, "staff:461")
    expect(page).to_have_url(re.compile(r"/staff$"))
    late = page.locator("#late-steps tbody tr")
    expect(late).to_have_count(1)
    expect(late.first).to_contain_text("Lejekontrakt underskrevet")
    expect(late.first).to_have_attribute("data-kind", "lease_signed")
    # Late and the move-in three days off: red and marked "Haster".
    expect(late.first).to_have_class("haster")
    expect(late.first.locator(".badge")).to_have_text("Haster")
    page.locator("#late-h").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "staff_start_late_steps.png"), full_page=True)

    page.goto(f"/staff/cases/{case_id}")
    expect(page.locator("#contact-person")).to_contain_text("Kirsten Kontakt, Herberget")
    expect(page.locator("#move-in-steps tbody tr")).to_have_count(6)
    expect(page.locator("#move-in-steps tr[data-kind=lease_signed]")).to_have_class(
        re.compile("late|haster")
    )
    # Support started needs the team named; the form says so.
    support = page.locator("#move-in-steps tr[data-kind=support_started]")
    support.locator("input[name=detail]").fill("ICM-team Vest")
    support.get_by_role("button", name="Udført").click()
    expect(page.locator("#move-in-steps tr[data-kind=support_started]")).to_contain_text(
        "ICM-team Vest"
    )
    # The letter as HTML, then as PDF.
    page.locator(f"#offer-{offer_id} a.letter-html").click()
    expect(page.locator("#deadline")).to_contain_text("Svar senest")
    page.screenshot(path=str(screenshots / "offer_letter_html.png"), full_page=True)
    response = page.request.get(f"/staff/offers/{offer_id}/letter.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_planner_sees_outcomes_and_csv(page: Page, site: Site, screenshots: Path) -> None:
    _accepted_with_late_lease(site)
    demo_sign_in(page, "planner")
    page.goto("/planner/outcomes?municipality=461")
    expect(page.locator("h1")).to_contain_text("Resultater")
    expect(page.locator("#outcomes tr[data-grouping=all]")).to_have_count(1)
    # One acceptance is under the threshold of 5: shown as "–", never a number.
    cell = page.locator("#outcomes tr[data-grouping=all] td[data-metric=days_to_accept]")
    expect(cell).to_have_text("–")
    page.screenshot(path=str(screenshots / "planner_outcomes.png"), full_page=True)
    csv = page.request.get("/planner/outcomes.csv?municipality=461")
    assert csv.ok and csv.text().startswith("grouping,group,metric,n,value")
    for citizen in site.citizens:
        assert citizen.case_ref not in csv.text()
