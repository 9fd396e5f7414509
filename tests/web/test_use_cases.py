"""The rules that span aggregates hold on the pages as in the API: an association that
withdraws a home from its page withdraws the proposals of it, staff who close a case on
its page withdraw its open offers (a sent one gives its home back), and opening a case
page leaves a record of who read it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from web_helpers import Site, association_choice, demo_sign_in

from allocation import match_runs, workflow
from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from api.routes.allocation_common import today as danish_today
from inventory.models import Department, Unit, Vacancy, VacancyStatus
from kernel.audit import AuditEvent
from kernel.db import make_engine, session_factory

pytestmark = pytest.mark.browser


@contextmanager
def _session(site: Site) -> Iterator[Session]:
    """A session on the site's database, beside the running server."""
    engine = make_engine(site.db_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _plan(site: Site) -> None:
    with _session(site) as s, s.begin():
        match_runs.run_match(
            session=s, municipality_code="461", actor="staff:test", as_of=danish_today()
        )


def test_withdrawing_a_home_on_the_page_withdraws_its_proposals(page: Page, site: Site) -> None:
    _plan(site)
    with _session(site) as s:
        vacancy_id, association_id = s.execute(
            select(Vacancy.id, Department.association_id)
            .join(Unit, Unit.id == Vacancy.unit_id)
            .join(Department, Department.id == Unit.department_id)
            .join(Offer, Offer.vacancy_id == Vacancy.id)
            .where(Offer.status == OfferStatus.proposed, Vacancy.status == VacancyStatus.open)
            .order_by(Vacancy.id)
            .limit(1)
        ).one()
    demo_sign_in(page, association_choice(association_id))
    expect(page).to_have_url(re.compile(r"/association$"))
    row = page.locator(f"#vacancy-{vacancy_id}")
    row.get_by_role("button", name="Træk tilbage").click()
    expect(page.locator(".flash.ok")).to_contain_text("trukket tilbage")
    expect(page.locator(f"#vacancy-{vacancy_id}")).to_have_count(0)  # open vacancies only
    with _session(site) as s:
        assert s.get(Vacancy, vacancy_id).status == VacancyStatus.withdrawn  # type: ignore[union-attr]
        left = set(s.scalars(select(Offer.status).where(Offer.vacancy_id == vacancy_id)))
        assert left == {OfferStatus.withdrawn}
        why = s.scalars(
            select(AuditEvent.after).where(
                AuditEvent.action == "offer.withdraw", AuditEvent.actor.like("demo-association-%")
            )
        ).all()
        assert why and all(w and w["why"] == "vacancy withdrawn" for w in why)


def test_closing_a_case_on_its_page_withdraws_its_offers(page: Page, site: Site) -> None:
    _plan(site)
    with _session(site) as s, s.begin():
        offer = s.scalars(
            select(Offer).where(Offer.status == OfferStatus.proposed).order_by(Offer.id).limit(1)
        ).one()
        workflow.send_offer(session=s, offer_id=offer.id, actor="staff:test", today=danish_today())
        case_id, vacancy_id = offer.case_id, offer.vacancy_id
    demo_sign_in(page, "staff:461")
    page.goto(f"/staff/cases/{case_id}")
    expect(page.locator("#case-status")).to_have_text("aktiv")
    page.locator("#close-reason").select_option("moved_away")
    page.locator("#close-case").get_by_role("button", name="Luk sagen").click()
    expect(page.locator(".flash.ok")).to_contain_text("Sagen er lukket")
    expect(page.locator("#case-status")).to_have_text("lukket")
    expect(page.locator("#close-case")).to_have_count(0)
    with _session(site) as s:
        case = s.get(CitizenCase, case_id)
        assert case is not None and case.status == CaseStatus.closed
        statuses = set(s.scalars(select(Offer.status).where(Offer.case_id == case_id)))
        assert statuses == {OfferStatus.withdrawn}
        home = s.get(Vacancy, vacancy_id)
        assert home is not None and home.status == VacancyStatus.open  # given back
        reads = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "case.read", AuditEvent.entity_id == str(case_id)
            )
        ).all()
        # Each opening of the page (before and after closing) is recorded, by whom.
        assert len(reads) == 2 and {e.actor for e in reads} == {"demo-staff-461"}
    # Reads are access records, not changes: the page's history leaves them out.
    expect(page.locator("#history")).to_contain_text("Sag lukket (fraflyttet kommunen)")
    expect(page.locator("#history")).not_to_contain_text("case.read")
