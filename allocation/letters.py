"""The offer letter: what the citizen is offered, what it costs, and what an answer means.

Generated when staff send an offer (:func:`allocation.workflow.send_offer` calls
:func:`create_offer_letter` in the same transaction) and stored with the offer as HTML
and PDF. The numbers come from the matcher's pure functions (DOMAIN.md 5): the
household's two incomes (:func:`matcher.income.household_incomes`), the housing
benefit (:func:`matcher.housing_benefit.estimate`, with ``municipal_allocation`` for a
home the municipality allocates) and the deposit loan (:func:`matcher.deposit.deposit_loan`).
The refusal consequence and the klagevejledning (forvaltningsloven § 25) come from
the municipality's policy (:mod:`kernel.settings`).

The templates (``allocation/templates/letters``) are plain Jinja2 like the web
pages'; the PDF is WeasyPrint on the same HTML, so the two never say different things.
Danish by default; English when the case asks for it (``letter_language``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.models import CitizenCase, IncomeKind, Offer, OfferLetter
from inventory.models import AllocationRight, Unit, Vacancy
from kernel.errors import NotFound
from kernel.policy import MunicipalityPolicy
from kernel.settings import get_settings
from matcher.deposit import deposit_loan
from matcher.errors import InputError
from matcher.housing_benefit import HousingBenefitInput, estimate
from matcher.income import IncomeItem, household_incomes
from matcher.rates import rates_for

TEMPLATES = Path(__file__).parent / "templates" / "letters"
LANGUAGES = ("da", "en")

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_MONTHS_DA = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def _kr(value: float | int | None) -> str:
    """Whole kroner with a Danish thousands point: 12.064."""
    if value is None:
        return "–"
    return f"{value:,.0f}".replace(",", ".")


def _date_da(day: dt.date) -> str:
    return f"{day.day}. {_MONTHS_DA[day.month - 1]} {day.year}"


def _date_en(day: dt.date) -> str:
    return day.strftime("%-d %B %Y")


_env.filters["kr"] = _kr
_env.filters["date_da"] = _date_da
_env.filters["date_en"] = _date_en


def rate_year(day: dt.date) -> int:
    """The benefit-rate year for ``day``: its own, or the nearest one with housing-benefit rates."""
    for year in (day.year, day.year - 1, day.year + 1, 2026):
        try:
            if rates_for(year).housing_benefit is not None:
                return year
        except InputError:
            continue
    return 2026


@dataclasses.dataclass(frozen=True)
class LetterFacts:
    """Everything the letter states, as plain values (stored as the letter's ``facts``)."""

    municipality_code: str
    municipality_name: str
    case_ref: str
    citizen_name: str | None
    contact_name: str | None
    contact_organisation: str | None
    offer_id: int
    reoffer: bool
    sent_on: dt.date
    answer_deadline: dt.date
    address: str
    area: str
    rooms: int
    size_m2: float
    floor: int
    elevator: bool
    move_in: dt.date
    rent_dkk: int
    rent_before_reduction_dkk: int
    reduction_until: dt.date | None
    utilities_dkk: int
    benefit_kind: str
    benefit_dkk: int
    net_cost_dkk: int
    disposable_dkk: int
    left_dkk: int
    min_left_dkk: int
    deposit_dkk: int
    deposit_loan: bool
    loan_dkk: int
    pay_dkk: int
    deposit_reason: str
    refused_offers: int
    max_refusals: int
    refusal_action: str
    complaint_body: str
    complaint_weeks: int
    rate_year: int

    def document(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO strings)."""
        return {
            k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in dataclasses.asdict(self).items()
        }


def letter_facts(
    *,
    case: CitizenCase,
    vacancy: Vacancy,
    offer: Offer,
    municipality_name: str,
    policy: MunicipalityPolicy,
    reoffer: bool,
    sent_on: dt.date,
) -> LetterFacts:
    """The letter's numbers for one sent offer (after the send set its deadline)."""
    assert offer.answer_deadline is not None
    unit: Unit = vacancy.unit
    year = rate_year(sent_on)
    items = [IncomeItem(kind=i.kind.value, monthly_dkk=i.monthly_dkk) for i in case.income_items]
    incomes = household_incomes(items, year=year, municipality_code=case.municipality_code)
    kinds = {i.kind for i in case.income_items}
    rent = unit.rent_dkk - unit.rent_reduction_dkk
    benefit = estimate(
        HousingBenefitInput(
            income_dkk=incomes.housing_benefit_income_dkk,
            rent_dkk=rent,
            area_m2=unit.size_m2,
            adults=case.adults,
            children=case.children,
            wealth_dkk=case.wealth_dkk,
            pensioner=IncomeKind.folkepension in kinds,
            receives_foertidspension=IncomeKind.foertidspension in kinds,
            municipal_allocation=unit.allocation == AllocationRight.municipal,
            year=year,
        )
    )
    rent_kr = round(rent)
    utilities = round(unit.utilities_dkk)
    net = rent_kr + utilities - benefit.monthly_benefit_dkk
    deposit = deposit_loan(
        deposit_dkk=unit.deposit_dkk,
        monthly_income_dkk=incomes.housing_benefit_income_dkk,
        children=case.children,
        almen=True,
        year=year,
    )
    minimums = policy.affordability
    aftercare = policy.aftercare
    return LetterFacts(
        municipality_code=case.municipality_code,
        municipality_name=municipality_name,
        case_ref=case.case_ref,
        citizen_name=case.name,
        contact_name=case.contact_name,
        contact_organisation=case.contact_organisation,
        offer_id=offer.id,
        reoffer=reoffer,
        sent_on=sent_on,
        answer_deadline=offer.answer_deadline,
        address=unit.address,
        area=unit.area,
        rooms=unit.rooms,
        size_m2=unit.size_m2,
        floor=unit.floor,
        elevator=unit.elevator,
        move_in=vacancy.available_from,
        rent_dkk=rent_kr,
        rent_before_reduction_dkk=round(unit.rent_dkk),
        reduction_until=unit.rent_reduction_until if unit.rent_reduction_dkk else None,
        utilities_dkk=utilities,
        benefit_kind=benefit.kind,
        benefit_dkk=benefit.monthly_benefit_dkk,
        net_cost_dkk=net,
        disposable_dkk=incomes.disposable_dkk,
        left_dkk=incomes.disposable_dkk - net,
        min_left_dkk=case.adults * minimums.min_left_per_adult_dkk
        + case.children * minimums.min_left_per_child_dkk,
        deposit_dkk=deposit.deposit_dkk,
        deposit_loan=deposit.qualifies,
        loan_dkk=deposit.loan_dkk,
        pay_dkk=deposit.pay_dkk,
        deposit_reason=deposit.reason,
        refused_offers=case.refused_offers,
        max_refusals=policy.refusal.max_refusals,
        refusal_action=policy.refusal.action,
        complaint_body=aftercare.complaint_body,
        complaint_weeks=aftercare.complaint_weeks,
        rate_year=year,
    )


def render_html(facts: LetterFacts, language: str = "da") -> str:
    """The letter as a standalone HTML document (inline style, no external resources)."""
    lang = language if language in LANGUAGES else "da"
    return _env.get_template(f"offer_{lang}.html").render(f=facts, lang=lang)


def render_pdf(html: str) -> bytes:
    """The same HTML as an A4 PDF (WeasyPrint; fonts from the system, DejaVu in CI)."""
    from weasyprint import HTML  # imported late: loading pango takes a moment

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _municipality_name(session: Session, code: str) -> str:
    from inventory.models import Municipality

    name = session.scalar(select(Municipality.name).where(Municipality.code == code))
    return name or code


def create_offer_letter(
    session: Session, *, offer: Offer, vacancy: Vacancy, case: CitizenCase, sent_on: dt.date
) -> OfferLetter:
    """Write the letter of a just-sent offer (HTML and PDF) and store it with the offer.

    A re-offer (the citizen had a sent offer before that ended without a home) says so.
    """
    earlier = session.scalar(
        select(Offer.id)
        .where(
            Offer.case_id == case.id,
            Offer.id != offer.id,
            Offer.sent_at.is_not(None),
        )
        .limit(1)
    )
    policy = get_settings().policy_for(case.municipality_code)
    facts = letter_facts(
        case=case,
        vacancy=vacancy,
        offer=offer,
        municipality_name=_municipality_name(session, case.municipality_code),
        policy=policy,
        reoffer=earlier is not None,
        sent_on=sent_on,
    )
    html = render_html(facts, case.letter_language)
    letter = OfferLetter(
        offer_id=offer.id,
        case_id=case.id,
        language=case.letter_language if case.letter_language in LANGUAGES else "da",
        html=html,
        pdf=render_pdf(html),
        facts=facts.document(),
    )
    session.add(letter)
    session.flush()
    return letter


def get_letter(session: Session, *, offer_id: int, municipality_code: str) -> OfferLetter:
    """The letter of one of the municipality's offers (another municipality's: not found)."""
    letter = session.scalar(
        select(OfferLetter)
        .join(CitizenCase, CitizenCase.id == OfferLetter.case_id)
        .where(
            OfferLetter.offer_id == offer_id,
            CitizenCase.municipality_code == municipality_code,
        )
    )
    if letter is None:
        raise NotFound(
            "letter-not-found", "Letter not found", key="no_letter", values={"offer_id": offer_id}
        )
    return letter


def letters_of_case(session: Session, case_id: int) -> dict[int, OfferLetter]:
    """A case's letters by offer id (for the case page's links)."""
    rows = session.scalars(select(OfferLetter).where(OfferLetter.case_id == case_id))
    return {letter.offer_id: letter for letter in rows}


__all__ = [
    "LetterFacts",
    "create_offer_letter",
    "get_letter",
    "letter_facts",
    "letters_of_case",
    "render_html",
    "render_pdf",
]
