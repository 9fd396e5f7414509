"""The offer letter: generated on send, stored as HTML and PDF, numbers from the matcher.

Real database (SQLite and PostgreSQL), real solver, real WeasyPrint; the PDF's text is
read back with poppler's ``pdftotext`` and its first page rendered with ``pdftoppm``
into var/screenshots/ to be looked at.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aftercare_testkit import first_sendable, set_contact
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from allocation import letters, match_runs, workflow
from allocation.models import CitizenCase, OfferLetter
from boligmatch.loading import load_world
from kernel.errors import NotFound
from kernel.settings import get_settings
from matcher.deposit import deposit_loan
from matcher.housing_benefit import HousingBenefitInput, estimate
from matcher.income import IncomeItem, household_incomes
from synthetic.population import generate

CODE = "461"
WORLD = generate(seed=461, n_citizens=30, n_vacancies=8, n_units=40)
TODAY = WORLD.as_of
STAFF = "staff:test"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
    return sessions


@pytest.fixture
def remove_policy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(
        "BOLIGMATCH_MUNICIPALITY_POLICIES",
        json.dumps({CODE: {"refusal": {"max_refusals": 1, "action": "remove"}}}),
    )
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("BOLIGMATCH_MUNICIPALITY_POLICIES")
    get_settings.cache_clear()


def _send(world: sessionmaker[Session], *, language: str = "da") -> int:
    with world() as s, s.begin():
        run = match_runs.run_match(session=s, municipality_code=CODE, actor=STAFF, as_of=TODAY)
        offer = first_sendable(s, run)
        set_contact(s, offer.case_id, "kirsten@example.org", letter_language=language)
        case = s.get(CitizenCase, offer.case_id)
        assert case is not None
        case.name = "Jens Testborger"
        workflow.send_offer(session=s, offer_id=offer.id, actor=STAFF, today=TODAY)
        return offer.id


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


@needs_poppler
def test_sending_an_offer_writes_the_letter_with_the_matchers_numbers(
    world: sessionmaker[Session], remove_policy: None, tmp_path: Path, backend: str
) -> None:
    offer_id = _send(world)
    with world() as s:
        letter = s.scalar(select(OfferLetter).where(OfferLetter.offer_id == offer_id))
        assert letter is not None and letter.language == "da"
        f = letter.facts
        case = s.get(CitizenCase, letter.case_id)
        assert case is not None
        # The numbers are the matcher's, recomputed here independently of the letter code.
        items = [
            IncomeItem(kind=i.kind.value, monthly_dkk=i.monthly_dkk) for i in case.income_items
        ]
        incomes = household_incomes(items, year=f["rate_year"], municipality_code=CODE)
        assert f["disposable_dkk"] == incomes.disposable_dkk
        assert f["net_cost_dkk"] == f["rent_dkk"] + f["utilities_dkk"] - f["benefit_dkk"]
        assert f["left_dkk"] == incomes.disposable_dkk - f["net_cost_dkk"]
        expected = deposit_loan(
            deposit_dkk=f["deposit_dkk"],
            monthly_income_dkk=incomes.housing_benefit_income_dkk,
            children=case.children,
            year=f["rate_year"],
        )
        assert (f["deposit_loan"], f["loan_dkk"], f["pay_dkk"]) == (
            expected.qualifies,
            expected.loan_dkk,
            expected.pay_dkk,
        )
        assert (
            f["benefit_dkk"]
            == estimate(
                HousingBenefitInput(
                    income_dkk=incomes.housing_benefit_income_dkk,
                    rent_dkk=f["rent_dkk"],
                    area_m2=f["size_m2"],
                    adults=case.adults,
                    children=case.children,
                    wealth_dkk=case.wealth_dkk,
                    pensioner=any(i.kind.value == "folkepension" for i in case.income_items),
                    receives_foertidspension=any(
                        i.kind.value == "foertidspension" for i in case.income_items
                    ),
                    municipal_allocation=True,
                    year=f["rate_year"],
                )
            ).monthly_benefit_dkk
        )
        assert f["answer_deadline"] == (TODAY + dt.timedelta(days=5)).isoformat()
        # The PDF says it in plain Danish: deadline, consequence, complaint, money.
        text = " ".join(pdf_text(letter.pdf, tmp_path).split())
        deadline = letters._date_da(TODAY + dt.timedelta(days=5))
        assert f"Svar senest {deadline}" in text
        assert "tæller det som et afslag" in text
        assert "bliver du taget af listen over boligsøgende" in text  # the remove policy
        assert "mere end 1 afslag" in text
        assert "Klagevejledning" in text and "forvaltningsloven" in text
        assert f["address"] in text
        assert f"{letters._kr(f['net_cost_dkk'])} kr." in text
        assert f"{letters._kr(f['left_dkk'])} kr." in text
        assert "Kære Jens Testborger" in text
        assert letter.html.startswith("<!doctype html>") and "Svar senest" in letter.html
        # No CPR number or its hash anywhere in the letter.
        assert case.cpr_hash not in letter.html
        if backend == "sqlite":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pdf = tmp_path / "letter.pdf"
            pdf.write_bytes(letter.pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(SCREENSHOTS / "offer_letter_da"),
                ],
                check=True,
            )
            assert (SCREENSHOTS / "offer_letter_da.png").stat().st_size > 10_000


@needs_poppler
def test_english_letter_on_request_and_scoped_reads(
    world: sessionmaker[Session], tmp_path: Path
) -> None:
    offer_id = _send(world, language="en")
    with world() as s:
        letter = letters.get_letter(s, offer_id=offer_id, municipality_code=CODE)
        text = " ".join(pdf_text(letter.pdf, tmp_path).split())
        assert letter.language == "en"
        assert "Answer by" in text and "it counts as a refusal" in text
        assert "How to complain" in text
        with pytest.raises(NotFound):
            letters.get_letter(s, offer_id=offer_id, municipality_code="101")
