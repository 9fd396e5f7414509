"""Invariants the database itself enforces, whatever the code above it does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from boligmatch.loading import load_world
from inventory.models import Vacancy, VacancyStatus
from synthetic.population import generate


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        load_world(s, generate(seed=11, n_citizens=4, n_vacancies=3), cpr_secret="k")
    return sessions


def _ids(sessions: sessionmaker[Session]) -> tuple[list[int], list[int]]:
    with sessions() as s:
        return (
            list(s.scalars(select(Vacancy.id).order_by(Vacancy.id))),
            list(s.scalars(select(CitizenCase.id).order_by(CitizenCase.id))),
        )


def _offer(s: Session, vacancy: int, case: int, status: OfferStatus) -> None:
    s.add(Offer(vacancy_id=vacancy, case_id=case, rank=1, status=status))
    s.flush()


def test_second_accepted_offer_for_one_vacancy_fails(world: sessionmaker[Session]) -> None:
    vacancies, cases = _ids(world)
    with world() as s, s.begin():
        _offer(s, vacancies[0], cases[0], OfferStatus.accepted)
    with pytest.raises(IntegrityError), world() as s, s.begin():
        _offer(s, vacancies[0], cases[1], OfferStatus.accepted)


def test_second_accepted_offer_for_one_citizen_fails(world: sessionmaker[Session]) -> None:
    vacancies, cases = _ids(world)
    with world() as s, s.begin():
        _offer(s, vacancies[0], cases[0], OfferStatus.accepted)
    with pytest.raises(IntegrityError), world() as s, s.begin():
        _offer(s, vacancies[1], cases[0], OfferStatus.accepted)


def test_many_non_accepted_offers_are_fine(world: sessionmaker[Session]) -> None:
    vacancies, cases = _ids(world)
    with world() as s, s.begin():
        for status in (OfferStatus.withdrawn, OfferStatus.expired, OfferStatus.sent):
            _offer(s, vacancies[0], cases[0], status)
        _offer(s, vacancies[0], cases[1], OfferStatus.accepted)
    with world() as s:
        assert len(s.scalars(select(Offer)).all()) == 4


def test_declined_offer_needs_a_reason(world: sessionmaker[Session]) -> None:
    vacancies, cases = _ids(world)
    with pytest.raises(IntegrityError), world() as s, s.begin():
        _offer(s, vacancies[0], cases[0], OfferStatus.declined)


def test_one_active_vacancy_per_unit(world: sessionmaker[Session]) -> None:
    with world() as s:
        vacancy = s.scalars(select(Vacancy)).first()
        assert vacancy is not None
        unit_id = vacancy.unit_id
    with pytest.raises(IntegrityError), world() as s, s.begin():
        s.add(Vacancy(unit_id=unit_id, available_from=dt.date(2027, 1, 1)))
        s.flush()
    with world() as s, s.begin():  # a let vacancy beside the open one is history: allowed
        s.add(
            Vacancy(unit_id=unit_id, available_from=dt.date(2025, 1, 1), status=VacancyStatus.let)
        )


def test_one_active_case_per_person(world: sessionmaker[Session]) -> None:
    with world() as s:
        case = s.scalars(select(CitizenCase)).first()
        assert case is not None
        cpr_hash, code = case.cpr_hash, case.municipality_code

    def copy(status: CaseStatus, ref: str) -> CitizenCase:
        return CitizenCase(
            case_ref=ref,
            cpr_hash=cpr_hash,
            municipality_code=code,
            birth_year=1990,
            situation=3,
            homeless_since=dt.date(2026, 1, 1),
            registered_on=dt.date(2026, 2, 1),
            support="none",
            status=status,
        )

    with world() as s, s.begin():
        s.add(copy(CaseStatus.housed, "C-old"))  # an earlier, closed case: allowed
    with pytest.raises(IntegrityError), world() as s, s.begin():
        s.add(copy(CaseStatus.active, "C-new"))
        s.flush()


@pytest.mark.parametrize(
    ("field", "value"), [("situation", 10), ("situation", 0), ("adults", 0), ("children", -1)]
)
def test_case_values_out_of_range_fail(
    world: sessionmaker[Session], field: str, value: int
) -> None:
    with pytest.raises(IntegrityError), world() as s, s.begin():
        case = s.scalars(select(CitizenCase)).first()
        assert case is not None
        setattr(case, field, value)
        s.flush()
