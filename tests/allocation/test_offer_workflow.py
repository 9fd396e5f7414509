"""The offer life cycle at the service level, on real SQLite and PostgreSQL databases.

A generated Odense world (the demo generator) is loaded through the real loader,
planned with the real matcher, and every transition is checked in the database:
statuses, the vacancy and the case, the audit rows and the refusal policy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from allocation import match_runs, offer_views, workflow
from allocation.models import CaseStatus, CitizenCase, MatchRun, Offer, OfferStatus
from boligmatch.loading import load_world
from inventory.models import Vacancy, VacancyStatus
from kernel.audit import AuditEvent
from kernel.errors import Conflict, Invalid, NotFound, PreconditionFailed
from kernel.settings import get_settings
from synthetic.population import generate

CODE = "461"
WORLD = generate(seed=461, n_citizens=30, n_vacancies=8, n_units=40)
# More open homes, for a citizen who declines three times (the refusal-policy test).
ROOMY_WORLD = generate(seed=461, n_citizens=30, n_vacancies=24, n_units=60)
TODAY = WORLD.as_of
STAFF = "staff:test"


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
    return sessions


@pytest.fixture
def roomy_world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        load_world(s, ROOMY_WORLD, cpr_secret="test-secret")
    return sessions


@pytest.fixture
def set_policy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set Odense's policy for the test, through the environment as in production."""

    def set_(**policy: Any) -> None:
        monkeypatch.setenv("BOLIGMATCH_MUNICIPALITY_POLICIES", json.dumps({CODE: policy}))
        get_settings.cache_clear()

    yield set_
    monkeypatch.delenv("BOLIGMATCH_MUNICIPALITY_POLICIES", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def cli_database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the command line's settings at the test database."""
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("BOLIGMATCH_DATABASE_URL")
    get_settings.cache_clear()


def _run(s: Session) -> MatchRun:
    return match_runs.run_match(session=s, municipality_code=CODE, actor=STAFF, as_of=TODAY)


def _first_choice(s: Session, run: MatchRun, *, candidates: int = 2) -> Offer:
    """The rank-1 proposal of the first vacancy with at least ``candidates`` candidates."""
    offers = list(
        s.scalars(
            select(Offer).where(Offer.match_run_id == run.id).order_by(Offer.vacancy_id, Offer.rank)
        )
    )
    by_vacancy: dict[int, list[Offer]] = {}
    for o in offers:
        by_vacancy.setdefault(o.vacancy_id, []).append(o)
    return next(group[0] for group in by_vacancy.values() if len(group) >= candidates)


def _audit(s: Session, action: str, entity_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.entity_id == str(entity_id))
        )
        or 0
    )


def test_run_match_stores_snapshot_result_and_ranked_proposals(
    world: sessionmaker[Session],
) -> None:
    with world() as s, s.begin():
        run_id = _run(s).id
    with world() as s:
        run = s.get(MatchRun, run_id)
        assert run is not None
        assert run.status == "OPTIMAL" and run.method == "min_cost_flow"
        assert len(run.problem["citizens"]) == 30 and len(run.problem["vacancies"]) > 0
        assert run.problem["policy"]["youth_age_limit"] == 30
        offers = list(s.scalars(select(Offer).where(Offer.match_run_id == run_id)))
        assert offers and all(o.status == OfferStatus.proposed for o in offers)
        refs = offer_views.case_refs(s, [o.case_id for o in offers])
        # Rank 1 of every planned home is the citizen the plan assigns it to.
        assigned = {(a["vacancy"], a["citizen"]) for a in run.result["assignments"]}
        firsts = {(str(o.vacancy_id), refs[o.case_id]) for o in offers if o.rank == 1}
        assert assigned <= firsts
        # The stored rows mirror the result's candidates one to one.
        expected = sum(len(e["candidates"]) for e in run.result["offers"])
        assert len(offers) == expected
        assert _audit(s, "match_run.create", run_id) == 1
    # A newer plan replaces the proposals of the old one that were never sent.
    with world() as s, s.begin():
        second = _run(s).id
    with world() as s:
        old = set(s.scalars(select(Offer.status).where(Offer.match_run_id == run_id)))
        new = set(s.scalars(select(Offer.status).where(Offer.match_run_id == second)))
        assert old == {OfferStatus.withdrawn}
        assert new == {OfferStatus.proposed}
    # Closing a case or withdrawing a home withdraws its open offers (for those services).
    with world() as s, s.begin():
        latest = s.get(MatchRun, second)
        assert latest is not None
        first = _first_choice(s, latest)
        sent = workflow.send_offer(session=s, offer_id=first.id, actor=STAFF, today=TODAY)
        gone = workflow.withdraw_open_offers(
            session=s, actor=STAFF, why="case closed", case_id=sent.case_id
        )
        assert sent in gone and all(o.status == OfferStatus.withdrawn for o in gone)
        vacancy = s.get(Vacancy, sent.vacancy_id)
        assert vacancy is not None and vacancy.status == VacancyStatus.open
        rest = workflow.withdraw_open_offers(
            session=s, actor=STAFF, why="home withdrawn", vacancy_id=sent.vacancy_id
        )
        assert rest and all(o.vacancy_id == sent.vacancy_id for o in rest)
        assert _audit(s, "offer.withdraw", sent.id) == 1


def test_life_cycle_send_decline_next_send_accept(world: sessionmaker[Session]) -> None:
    # Plan, and send the first choice of a home with alternates.
    with world() as s, s.begin():
        first = _first_choice(s, _run(s))
        sent = workflow.send_offer(
            session=s, offer_id=first.id, actor=STAFF, today=TODAY, municipality_code=CODE
        )
        offer_id, vacancy_id, declined_case = sent.id, sent.vacancy_id, sent.case_id
    with world() as s:
        offer = s.get(Offer, offer_id)
        vacancy = s.get(Vacancy, vacancy_id)
        assert offer is not None and vacancy is not None
        assert offer.status == OfferStatus.sent and offer.sent_at is not None
        assert offer.answer_deadline == TODAY + dt.timedelta(days=5)  # default policy
        assert vacancy.status == VacancyStatus.offered

    # The citizen declines: recorded, counted, home open again, next citizen proposed.
    with world() as s, s.begin():
        outcome = workflow.decline_offer(
            session=s,
            offer_id=offer_id,
            actor=STAFF,
            today=TODAY,
            reason="wrong_area",
            note="far from her sister",
            municipality_code=CODE,
        )
        assert outcome.refusal is not None and outcome.refusal.action == "none"
        nxt = outcome.next_offer
        assert nxt is not None and nxt.status == OfferStatus.proposed
        assert nxt.vacancy_id == vacancy_id and nxt.case_id != declined_case
        next_id = nxt.id
    with world() as s:
        offer = s.get(Offer, offer_id)
        case = s.get(CitizenCase, declined_case)
        vacancy = s.get(Vacancy, vacancy_id)
        assert offer is not None and case is not None and vacancy is not None
        assert (offer.status, offer.decline_reason, offer.decline_note) == (
            OfferStatus.declined,
            "wrong_area",
            "far from her sister",
        )
        assert case.refused_offers == 1 and case.status == CaseStatus.active
        assert vacancy.status == VacancyStatus.open
        # The re-plan excluded the declined pair, and stored itself as a run.
        run = s.scalars(select(MatchRun).order_by(MatchRun.id.desc())).first()
        assert run is not None and run.stats["purpose"] == "propose_next"
        ref = case.case_ref
        assert [ref, str(vacancy_id)] in run.result["excluded"]
        assert all(
            c["citizen"] != ref
            for o in run.result["offers"]
            if o["vacancy"] == str(vacancy_id)
            for c in o["candidates"]
        )
        # Only one proposal set for the home is live: the older alternates were withdrawn.
        live = list(
            s.scalars(
                select(Offer).where(
                    Offer.vacancy_id == vacancy_id, Offer.status == OfferStatus.proposed
                )
            )
        )
        assert {o.match_run_id for o in live} == {run.id}

    # The next citizen is sent the home and accepts it.
    with world() as s, s.begin():
        sent = workflow.send_offer(
            session=s, offer_id=next_id, actor=STAFF, today=TODAY, municipality_code=CODE
        )
        accepted_case = sent.case_id
        # The accepting citizen also holds a proposal of another home: it must go.
        other_vacancy = s.scalar(
            select(Vacancy.id)
            .where(Vacancy.status == VacancyStatus.open, Vacancy.id != vacancy_id)
            .limit(1)
        )
        assert other_vacancy is not None
        s.add(
            Offer(
                vacancy_id=other_vacancy, case_id=accepted_case, rank=3, status=OfferStatus.proposed
            )
        )
    with world() as s, s.begin():
        workflow.accept_offer(
            session=s,
            offer_id=next_id,
            actor=STAFF,
            today=TODAY + dt.timedelta(days=5),
            municipality_code=CODE,
        )
    with world() as s:
        offer = s.get(Offer, next_id)
        vacancy = s.get(Vacancy, vacancy_id)
        case = s.get(CitizenCase, accepted_case)
        assert offer is not None and vacancy is not None and case is not None
        assert offer.status == OfferStatus.accepted and offer.answered_at is not None
        assert vacancy.status == VacancyStatus.let
        assert case.status == CaseStatus.housed
        open_left = s.scalars(
            select(Offer).where(
                Offer.status.in_([OfferStatus.proposed, OfferStatus.sent]),
                (Offer.vacancy_id == vacancy_id) | (Offer.case_id == accepted_case),
            )
        ).all()
        assert open_left == []
        for action, entity_id in [
            ("offer.send", offer_id),
            ("offer.decline", offer_id),
            ("case.refusal", declined_case),
            ("vacancy.offered", vacancy_id),
            ("vacancy.open", vacancy_id),
            ("offer.send", next_id),
            ("offer.accept", next_id),
            ("vacancy.let", vacancy_id),
            ("case.housed", accepted_case),
        ]:
            assert _audit(s, action, entity_id) >= 1, action
        # Audit rows carry before and after, and no personal data.
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "offer.accept")).one()
        assert event.actor == STAFF and event.before is not None and event.after is not None
        assert (event.before["status"], event.after["status"]) == ("sent", "accepted")
        assert "cpr" not in json.dumps([event.before, event.after]).lower()

    # The database refuses a second accepted offer even when the service is bypassed.
    with pytest.raises(IntegrityError), world() as s, s.begin():
        other_case = s.scalar(
            select(CitizenCase.id).where(CitizenCase.id != accepted_case).limit(1)
        )
        assert other_case is not None
        s.add(Offer(vacancy_id=vacancy_id, case_id=other_case, status=OfferStatus.accepted))
    with pytest.raises(IntegrityError), world() as s, s.begin():
        s.add(Offer(vacancy_id=other_vacancy, case_id=accepted_case, status=OfferStatus.accepted))


def test_invalid_transitions_are_conflicts(world: sessionmaker[Session]) -> None:
    with world() as s, s.begin():
        first = _first_choice(s, _run(s))
        offer_id = first.id
        with pytest.raises(Conflict) as not_sent:
            workflow.accept_offer(session=s, offer_id=offer_id, actor=STAFF, today=TODAY)
        assert not_sent.value.code == "offer-not-sent"
        workflow.send_offer(session=s, offer_id=offer_id, actor=STAFF, today=TODAY)
        with pytest.raises(Conflict) as twice:
            workflow.send_offer(session=s, offer_id=offer_id, actor=STAFF, today=TODAY)
        assert twice.value.code == "offer-already-sent"
        # The home carries one sent offer at a time.
        alternate = s.scalars(
            select(Offer).where(
                Offer.vacancy_id == first.vacancy_id, Offer.status == OfferStatus.proposed
            )
        ).first()
        assert alternate is not None
        with pytest.raises(Conflict) as offered:
            workflow.send_offer(session=s, offer_id=alternate.id, actor=STAFF, today=TODAY)
        assert offered.value.code == "vacancy-already-offered"
        # ... and so does the database, when the service is bypassed.
        with pytest.raises(IntegrityError), s.begin_nested():
            alternate.status = OfferStatus.sent
            s.flush()
        s.refresh(alternate)
        assert alternate.status == OfferStatus.proposed
        other_home = s.scalar(select(Vacancy.id).where(Vacancy.id != first.vacancy_id).limit(1))
        assert other_home is not None
        with pytest.raises(IntegrityError), s.begin_nested():  # one offer answered at a time
            s.add(Offer(vacancy_id=other_home, case_id=first.case_id, status=OfferStatus.sent))
            s.flush()
        with pytest.raises(PreconditionFailed):
            workflow.accept_offer(
                session=s,
                offer_id=offer_id,
                actor=STAFF,
                today=TODAY,
                expected_version=first.version + 7,
            )
        workflow.accept_offer(session=s, offer_id=offer_id, actor=STAFF, today=TODAY)
        with pytest.raises(Conflict) as again:
            workflow.accept_offer(session=s, offer_id=offer_id, actor=STAFF, today=TODAY)
        assert again.value.code == "offer-already-accepted"
        assert again.value.title == "Offer was already accepted"
        with pytest.raises(Conflict) as decline_accepted:
            workflow.decline_offer(
                session=s, offer_id=offer_id, actor=STAFF, today=TODAY, reason="other"
            )
        assert decline_accepted.value.code == "offer-already-accepted"
        with pytest.raises(Invalid):
            workflow.decline_offer(
                session=s, offer_id=offer_id, actor=STAFF, today=TODAY, reason="because"
            )
        with pytest.raises(NotFound):
            offer_views.get_offer(
                session=s, offer_id=offer_id, today=TODAY, actor=STAFF, municipality_code="101"
            )


def test_expiry_by_cron_by_reading_and_by_a_late_answer(
    world: sessionmaker[Session], cli_database: None
) -> None:
    from boligmatch.cli import _register, app

    _register()
    runner = CliRunner()
    with world() as s, s.begin():
        first = _first_choice(s, _run(s), candidates=3)  # expired twice, then a third
        sent = workflow.send_offer(session=s, offer_id=first.id, actor=STAFF, today=TODAY)
        offer_id, vacancy_id, case_id = sent.id, sent.vacancy_id, sent.case_id
        deadline = sent.answer_deadline
        assert deadline == TODAY + dt.timedelta(days=5)
    # The cron command: on the deadline itself nothing happens; the day after it expires.
    quiet = runner.invoke(app, ["expire-offers", "--today", deadline.isoformat(), "--json"])
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout)["expired"] == []
    late = deadline + dt.timedelta(days=1)
    swept = runner.invoke(app, ["expire-offers", "--today", late.isoformat(), "--json"])
    assert swept.exit_code == 0, swept.output
    [expired] = json.loads(swept.stdout)["expired"]
    assert expired["offer_id"] == offer_id and expired["next_offer_id"] is not None
    bad = runner.invoke(app, ["expire-offers", "--today", "tomorrow"])
    assert bad.exit_code != 0 and "--today" in bad.output
    with world() as s, s.begin():
        offer = s.get(Offer, offer_id)
        vacancy = s.get(Vacancy, vacancy_id)
        case = s.get(CitizenCase, case_id)
        nxt = s.get(Offer, expired["next_offer_id"])
        assert offer is not None and vacancy is not None and case is not None
        assert nxt is not None and nxt.vacancy_id == vacancy_id and nxt.case_id != case_id
        assert offer.status == OfferStatus.expired
        assert vacancy.status == VacancyStatus.open
        assert case.refused_offers == 1  # not answering counts as a refusal
        assert _audit(s, "offer.expire", offer_id) == 1
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "offer.expire")).one()
        assert event.actor == workflow.SYSTEM_ACTOR
        with pytest.raises(Conflict) as refused_accept:
            workflow.accept_offer(session=s, offer_id=offer_id, actor=STAFF, today=deadline)
        assert (refused_accept.value.code, refused_accept.value.title) == (
            "offer-expired",
            "Offer has expired",
        )
        # The expired pair is never sent again.
        with pytest.raises(Conflict) as refused_pair:
            workflow.send_chosen_offer(
                session=s,
                vacancy_id=vacancy_id,
                case_id=case_id,
                actor=STAFF,
                today=late,
                municipality_code=CODE,
            )
        assert refused_pair.value.code == "pair-refused"
        # The next citizen is sent the home, today.
        second = workflow.send_offer(session=s, offer_id=nxt.id, actor=STAFF, today=late)
        second_id, second_deadline = second.id, second.answer_deadline
        assert second_deadline is not None
    # Reading an overdue offer expires it first.
    later = second_deadline + dt.timedelta(days=1)
    with world() as s, s.begin():
        read = offer_views.get_offer(session=s, offer_id=second_id, today=later, actor=STAFF)
        assert read.status == OfferStatus.expired
        third, _ = offer_views.list_offers(
            session=s,
            municipality_code=CODE,
            today=later,
            actor=STAFF,
            vacancy_id=vacancy_id,
            status=OfferStatus.proposed,
        )
        assert third and {o.case_id for o in third}.isdisjoint({case_id, read.case_id})
        sent_third = workflow.send_offer(
            session=s, offer_id=min(third, key=lambda o: o.rank).id, actor=STAFF, today=later
        )
        third_id, third_deadline = sent_third.id, sent_third.answer_deadline
        assert third_deadline is not None
    # An accept after the deadline expires the offer and is refused; the expiry is kept.
    too_late = third_deadline + dt.timedelta(days=1)
    with world() as s:
        with pytest.raises(Conflict) as refused:
            workflow.accept_offer(session=s, offer_id=third_id, actor=STAFF, today=too_late)
        assert refused.value.persist and refused.value.code == "offer-expired"
        s.commit()
    with world() as s:
        offer = s.get(Offer, third_id)
        assert offer is not None and offer.status == OfferStatus.expired


def test_refusal_policy_review_then_remove(
    roomy_world: sessionmaker[Session], set_policy: Callable[..., None]
) -> None:
    """Beyond max_refusals the municipality's action applies: review flags, remove removes."""
    set_policy(answer_deadline_days=3, refusal={"max_refusals": 1, "action": "review"})
    with roomy_world() as s, s.begin():
        run = _run(s)
        # A citizen with at least four feasible homes: three declines, then the removal.
        many = {o["citizen"] for o in run.result["options"] if o["feasible_vacancies"] >= 4}
        refs = dict(s.execute(select(CitizenCase.id, CitizenCase.case_ref)).tuples().all())
        first = next(
            o
            for o in s.scalars(
                select(Offer)
                .where(Offer.match_run_id == run.id, Offer.rank == 1)
                .order_by(Offer.vacancy_id)
            )
            if refs[o.case_id] in many
        )
        case_id = first.case_id
        tried = {first.vacancy_id}
        sent = workflow.send_offer(session=s, offer_id=first.id, actor=STAFF, today=TODAY)
        assert sent.answer_deadline == TODAY + dt.timedelta(days=3)
        one = workflow.decline_offer(
            session=s, offer_id=sent.id, actor=STAFF, today=TODAY, reason="too_small"
        )
        assert one.refusal is not None and one.refusal.action == "none"

        def offer_another() -> Offer:
            vacancy = _feasible_vacancy_for(s, case_id, exclude=tried)
            tried.add(vacancy)
            return workflow.send_chosen_offer(
                session=s,
                vacancy_id=vacancy,
                case_id=case_id,
                actor=STAFF,
                today=TODAY,
                municipality_code=CODE,
            )

        # A decline staff judge justified does not count.
        two = workflow.decline_offer(
            session=s,
            offer_id=offer_another().id,
            actor=STAFF,
            today=TODAY,
            reason="accessibility",
            counts_as_refusal=False,
        )
        assert two.refusal is None
        three = workflow.decline_offer(
            session=s, offer_id=offer_another().id, actor=STAFF, today=TODAY, reason="health"
        )
        assert three.refusal is not None and three.refusal.review_required
        assert three.case_status == CaseStatus.active
        assert _audit(s, "case.review_required", case_id) == 1
    # The municipality tightens its policy: the next refusal removes the case.
    set_policy(refusal={"max_refusals": 1, "action": "remove"})
    with roomy_world() as s, s.begin():
        four = workflow.decline_offer(
            session=s, offer_id=offer_another().id, actor=STAFF, today=TODAY, reason="wrong_area"
        )
        assert four.refusal is not None and four.refusal.action == "remove"
        assert four.case_status == CaseStatus.removed
        assert _audit(s, "case.remove", case_id) == 1
        still_open = s.scalars(
            select(Offer).where(
                Offer.case_id == case_id, Offer.status.in_([OfferStatus.proposed, OfferStatus.sent])
            )
        ).all()
        assert still_open == []


def _feasible_vacancy_for(s: Session, case_id: int, *, exclude: set[int]) -> int:
    """An open home the matcher finds feasible for the case today (found, not assumed)."""
    case = s.get(CitizenCase, case_id)
    assert case is not None
    for vacancy in s.scalars(
        select(Vacancy).where(Vacancy.status == VacancyStatus.open).order_by(Vacancy.id)
    ):
        if vacancy.id in exclude or vacancy.unit.allocation_municipality_code != CODE:
            continue
        if workflow.pair_verdict(s, case, vacancy, today=TODAY).get("feasible"):
            return vacancy.id
    pytest.skip("the generated world has too few feasible homes for this case")


def test_why_not_answers_as_explain_pair_from_the_kept_index(
    world: sessionmaker[Session],
) -> None:
    """The stored run's answer, first from its documents, then from the kept index."""
    with world() as s, s.begin():
        run = _run(s)
        run_id = run.id
        citizens = [c["id"] for c in run.problem["citizens"]][:4]
        vacancies = [v["id"] for v in run.problem["vacancies"]][:3]
        expected = {
            (c, v): match_runs.explain_pair(run=run, citizen=c, vacancy=v)
            for c in citizens
            for v in vacancies
        }
    for _ in range(2):  # the second round is answered from the index kept by the first
        with world() as s:
            for (c, v), answer in expected.items():
                got = match_runs.why_not(
                    session=s, run_id=run_id, municipality_code=CODE, citizen=c, vacancy=v
                )
                assert got == answer
    with world() as s:
        with pytest.raises(NotFound):  # another municipality's staff learn nothing
            match_runs.why_not(
                session=s, run_id=run_id, municipality_code="101", citizen=citizens[0],
                vacancy=vacancies[0],
            )  # fmt: skip
        with pytest.raises(NotFound):
            match_runs.why_not(
                session=s, run_id=run_id, municipality_code=CODE, citizen="nobody",
                vacancy=vacancies[0],
            )  # fmt: skip


def test_explain_and_chosen_pairs_obey_the_hard_rules(world: sessionmaker[Session]) -> None:
    with world() as s, s.begin():
        run = _run(s)
        assignment = run.result["assignments"][0]
        mine = match_runs.explain_pair(
            run=run, citizen=assignment["citizen"], vacancy=assignment["vacancy"]
        )
        assert mine["feasible"] and mine["assigned"] and mine["rank"] == 1
        assert mine["score"] == assignment["score"] and mine["reasons"] == []
        pairs = match_runs.solve(run.problem, explain=True)["pairs"]
        ruled_out = [p for p in pairs if not p["feasible"]][:3]
        assert ruled_out
        for pair in ruled_out:
            why = match_runs.explain_pair(run=run, citizen=pair["citizen"], vacancy=pair["vacancy"])
            assert not why["feasible"] and why["reasons"] == pair["reasons"] and why["reasons"]
            assert why["rank"] is None and not why["assigned"]
        with pytest.raises(NotFound):
            match_runs.explain_pair(run=run, citizen="nobody", vacancy=assignment["vacancy"])
        # Staff may choose a pair themselves, but not one a hard rule rules out.
        ref, vacancy = ruled_out[0]["citizen"], ruled_out[0]["vacancy"]
        case_id = s.scalar(select(CitizenCase.id).where(CitizenCase.case_ref == ref))
        assert case_id is not None
        with pytest.raises(Invalid) as error:
            workflow.send_chosen_offer(
                session=s,
                vacancy_id=int(vacancy),
                case_id=case_id,
                actor=STAFF,
                today=TODAY,
                municipality_code=CODE,
            )
        assert error.value.code == "pair-infeasible"
        assert [e.problem for e in error.value.errors or []] == ruled_out[0]["reasons"]


def test_pair_problem_pins_the_housed_bonus_everywhere_weights_live() -> None:
    """A single pair is judged with the plan's bonus, whichever weights are in force."""
    base = {
        "format": "boligmatch.problem/1",
        "as_of": "2026-11-02",
        "citizens": [{"id": "a"}, {"id": "b"}],
        "vacancies": [{"id": "1"}],
        "weights": {"housed": None},
        "policy": {"weights": {"housed": 5}},
        "municipality_policies": {"461": {"weights": {}}, "101": {"max_rent_share": 0.4}},
    }
    snapshot = json.dumps(base, sort_keys=True)
    pair = match_runs.pair_problem(base, {"id": "a"}, {"id": "1"}, housed_bonus=1000)
    assert pair["citizens"] == [{"id": "a"}] and pair["vacancies"] == [{"id": "1"}]
    assert pair["weights"]["housed"] == 1000
    assert pair["policy"]["weights"]["housed"] == 5  # an explicit weight stays
    assert pair["municipality_policies"]["461"]["weights"]["housed"] == 1000
    assert pair["municipality_policies"]["101"] == {"max_rent_share": 0.4}
    assert json.dumps(base, sort_keys=True) == snapshot  # the run's snapshot is untouched
