"""Issue 15 end to end: from a sent offer to a home kept after 12 months, on real parts.

Staff send an offer -> the letter PDF exists and states the deadline and the refusal
consequence -> the e-mail arrives at a real SMTP server -> the citizen accepts -> the
association is notified with exactly the disclosed fields -> the move-in steps exist,
one goes late (and urgent) -> moved in -> the 12-month follow-up is recorded -> the
planners' outcome report counts it. Then retention anonymises the closed case and
the report is unchanged. The cron commands run through the real CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aftercare_testkit import SmtpServer, first_sendable
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from allocation import letters, match_runs, move_in, notices, outcomes, retention, workflow
from allocation.models import (
    CaseStatus,
    CitizenCase,
    FollowUp,
    FollowUpOutcome,
    MoveInStep,
    OfferLetter,
    OutboxMessage,
)
from boligmatch.cli import _register, app
from boligmatch.loading import load_world
from inventory.models import Vacancy
from kernel.settings import get_settings
from synthetic.population import generate

CODE = "461"
WORLD = generate(seed=461, n_citizens=30, n_vacancies=8, n_units=40)
TODAY = WORLD.as_of
STAFF = "staff:test"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def env(
    db_url: str, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """The CLI's settings: the test database, the SMTP server, a print folder, a digest address."""
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", db_url)
    monkeypatch.setenv("BOLIGMATCH_NOTICES__SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("BOLIGMATCH_NOTICES__PRINT_FOLDER", str(tmp_path / "print"))
    monkeypatch.setenv(
        "BOLIGMATCH_MUNICIPALITY_POLICIES",
        json.dumps(
            {
                CODE: {
                    "refusal": {"max_refusals": 2, "action": "remove"},
                    "aftercare": {"staff_email": "anvisning@odense.test", "digest_days": 10},
                }
            }
        ),
    )
    get_settings.cache_clear()
    _register()
    yield
    get_settings.cache_clear()


def _cli(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_offer_to_a_kept_home(
    env: None, sessions: sessionmaker[Session], smtp: SmtpServer, tmp_path: Path
) -> None:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
    # Staff plan, record the contact person, and the association's notice address.
    with sessions() as s, s.begin():
        run = match_runs.run_match(session=s, municipality_code=CODE, actor=STAFF, as_of=TODAY)
        offer = first_sendable(s, run)
        offer_id, case_id = offer.id, offer.case_id
        s.get_one(CitizenCase, case_id).name = "Jens Testborger"
        notices.set_contact_person(
            s,
            case_id=case_id,
            municipality_code=CODE,
            actor=STAFF,
            name="Kirsten Kontakt",
            email="kirsten@shelter.test",
            organisation="Forsorgshjemmet Vejen",
            letter_language="da",
        )
        vacancy = s.get_one(Vacancy, offer.vacancy_id)
        notices.set_notice_address(
            s,
            association_id=vacancy.unit.department.association_id,
            actor="association:x",
            name="Udlejning",
            email="udlejning@bolig.test",
        )
        move_in_day = vacancy.available_from
    # 1. Send: the letter exists and says the deadline and what not answering means.
    with sessions() as s, s.begin():
        workflow.send_offer(
            session=s, offer_id=offer_id, actor=STAFF, today=TODAY, municipality_code=CODE
        )
    with sessions() as s:
        letter = s.scalar(select(OfferLetter).where(OfferLetter.offer_id == offer_id))
        assert letter is not None
        pdf = tmp_path / "letter.pdf"
        pdf.write_bytes(letter.pdf)
        text = " ".join(
            subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        deadline = TODAY + dt.timedelta(days=5)
        assert f"Svar senest {letters._date_da(deadline)}" in text
        assert "ikke svarer senest" in text and "tæller det som et afslag" in text
        assert "mere end 2 afslag, bliver du taget af listen" in text
    # 2. The worker delivers; the e-mail with the PDF arrives at the SMTP server.
    report = _cli("send-notices", "--today", TODAY.isoformat())
    assert report["retrying"] == [] and len(report["sent"]) == 1  # type: ignore[arg-type]
    [mail] = smtp.inbox.to("kirsten@shelter.test")
    assert mail["Subject"].startswith("Tilbud om bolig")
    assert any(p.get_content_type() == "application/pdf" for p in mail.walk())
    # 3. The citizen accepts; the association gets exactly the disclosed fields.
    with sessions() as s, s.begin():
        workflow.accept_offer(
            session=s, offer_id=offer_id, actor=STAFF, today=TODAY, municipality_code=CODE
        )
    _cli("send-notices", "--today", TODAY.isoformat())
    [note] = smtp.inbox.to("udlejning@bolig.test")
    body = note.get_payload(decode=True).decode()  # type: ignore[union-attr]
    fields = dict(line.split(": ", 1) for line in body.splitlines() if ": " in line)
    assert set(fields) == {"Bolig", "Indflytning", "Lejer", "Kontaktperson"}
    assert fields["Lejer"] == "Jens Testborger"
    assert fields["Kontaktperson"] == "Kirsten Kontakt, Forsorgshjemmet Vejen, kirsten@shelter.test"
    # 4. The move-in steps exist; the lease, not signed by move-in day, is late and urgent.
    with sessions() as s:
        steps = {
            st.kind: st for st in s.scalars(select(MoveInStep).where(MoveInStep.case_id == case_id))
        }
        assert set(steps) == set(move_in.STEP_KINDS)
        late_day = move_in_day + dt.timedelta(days=1)
        views = {
            v.step.kind: v for v in move_in.step_views(s, municipality_code=CODE, today=late_day)
        }
        assert views["lease_signed"].late and views["lease_signed"].urgent
        assert views["benefit_changed"].late is False
        moved_id = steps["moved_in"].id
    # The staff digest of that day lists it as HASTER.
    digest = _cli("send-notices", "--digest", "--today", late_day.isoformat())
    assert digest["digests_queued"] == 1
    [staff_mail] = smtp.inbox.to("anvisning@odense.test")
    assert "HASTER" in staff_mail.get_payload() and "lease_signed" in staff_mail.get_payload()
    # 5. Moved in (two days late); the 12-month follow-up is recorded.
    moved = move_in_day + dt.timedelta(days=2)
    with sessions() as s, s.begin():
        for kind in ("lease_signed", "deposit"):
            move_in.complete_step(
                s, step_id=steps[kind].id, municipality_code=CODE, actor=STAFF, done_on=moved
            )
        move_in.complete_step(
            s, step_id=moved_id, municipality_code=CODE, actor=STAFF, done_on=moved
        )
    with sessions() as s, s.begin():
        for f in s.scalars(
            select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.months)
        ):
            move_in.record_follow_up(
                s,
                follow_up_id=f.id,
                municipality_code=CODE,
                actor=STAFF,
                outcome=FollowUpOutcome.still_housed,
                outcome_on=f.due_on,
            )
    # 6. The planners' report counts it (and hides it under the default threshold of 5).
    with sessions() as s:
        rows = {
            (r.grouping, r.group, r.metric): r
            for r in outcomes.outcome_report(s, CODE, min_count=1)
        }
        housed = rows[("all", "all", "housed_12m")]
        assert (housed.n, housed.value) == (1, 1.0)
        assert (
            rows[("all", "all", "days_to_move_in")].value
            == (moved - s.get_one(CitizenCase, case_id).registered_on).days
        )
        assert rows[("all", "all", "offers_per_letting")].value == 1.0
        hidden = {(r.grouping, r.group, r.metric): r for r in outcomes.outcome_report(s, CODE)}
        assert hidden[("all", "all", "housed_12m")].value is None
        before = outcomes.rows_csv(outcomes.outcome_report(s, CODE, min_count=1))
    # 7. Retention: the case is closed; past the period its personal data goes, the report stays.
    with sessions() as s, s.begin():
        s.execute(
            update(CitizenCase)
            .where(CitizenCase.id == case_id)
            .values(status=CaseStatus.closed, updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
    result = CliRunner().invoke(app, ["purge-personal-data", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["anonymised_case_ids"] == [case_id]
    with sessions() as s:
        case = s.get_one(CitizenCase, case_id)
        assert case.name is None and case.contact_email is None and case.anonymised_at is not None
        assert case.cpr_hash.startswith("anon-") and case.income_items == []
        assert s.scalar(select(OfferLetter.id).where(OfferLetter.case_id == case_id)) is None
        assert s.scalar(select(OutboxMessage.id).where(OutboxMessage.case_id == case_id)) is None
        assert outcomes.rows_csv(outcomes.outcome_report(s, CODE, min_count=1)) == before
        assert retention.anonymise_expired(s) == []  # nothing left to do
