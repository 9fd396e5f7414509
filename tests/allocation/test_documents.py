"""The matcher documents a match run builds: typed shapes that agree with the matcher's
models, built from real rows and accepted by the matcher's own parser; and the unit's
field list, spelled once and followed by the API's output, the service and the web form."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from allocation import problem_builder as pb
from allocation.match_runs import municipality_problem
from api.web.association_units import NOT_ASKED, UNIT_FIELDS, NewUnitForm
from boligmatch.loading import load_world
from inventory.schemas import UNIT_FACTS, UnitIn, UnitOut
from matcher import problem as mp
from synthetic.population import generate

WORLD = generate(seed=11, n_citizens=20, n_vacancies=8, n_units=30)


def _keys(shape: type) -> set[str]:
    return set(typing.get_type_hints(shape))


@pytest.mark.parametrize(
    ("document", "model"),
    [
        (pb.VacancyDocument, mp.Vacancy),
        (pb.CitizenDocument, mp.Citizen),
        (pb.HouseholdDocument, mp.Household),
        (pb.IncomeDocument, mp.IncomeItem),
        (pb.NeedsDocument, mp.Needs),
        (pb.PreferencesDocument, mp.Preferences),
        (pb.PlaceDocument, mp.Place),
    ],
)
def test_typed_documents_match_the_matcher_models(document: type, model: type[BaseModel]) -> None:
    """Every key the builder writes is a field of the matcher's model, and every field the
    model requires is written."""
    keys = _keys(document)
    assert keys <= set(model.model_fields)
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required <= keys


def test_problem_document_keys_are_problem_fields() -> None:
    assert _keys(pb.ProblemDocument) <= set(mp.Problem.model_fields)


def test_built_problem_is_accepted_by_the_matcher(sessions: sessionmaker[Session]) -> None:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
    with sessions() as s:
        problem = municipality_problem(s, "461", as_of=WORLD.as_of, weights=None)
        assert problem["citizens"] and problem["vacancies"]
        parsed = mp.parse_problem(problem)
        assert len(parsed.citizens) == len(problem["citizens"])
        # The documents list their keys in the matcher's own order.
        assert list(problem["vacancies"][0]) == list(pb.VacancyDocument.__annotations__)
        assert list(problem["citizens"][0])[:3] == ["id", "municipality_code", "birth_year"]


def test_unit_facts_are_spelled_once() -> None:
    """``UnitIn`` defines the unit's fields; the output, the matcher's subset and the web
    form follow it, so adding a field there reaches them all (or fails here)."""
    assert set(UNIT_FACTS) == set(UnitIn.model_fields) - {"department_id", "unit_ref"}
    assert set(UNIT_FACTS) <= set(UnitOut.model_fields)
    assert set(pb.MATCHER_UNIT_FACTS) == set(UNIT_FACTS) & set(mp.Vacancy.model_fields)
    assert tuple(n for n in UnitIn.model_fields if n not in NOT_ASKED) == UNIT_FIELDS
    assert set(NewUnitForm.model_fields) == {*UNIT_FIELDS, "available_from", "csrf"}


def test_plain_row_cases_build_the_same_documents_as_orm_cases(
    sessions: sessionmaker[Session],
) -> None:
    """A run reads cases as plain rows (``active_cases``); each document equals the one
    built from the ORM case, including incomes of two people, ranked and avoided areas,
    a preferred place and § 59 facts, and a closed case is left out."""
    import datetime as dt

    from sqlalchemy import select

    from allocation.models import AreaPreference, CaseIncome, CaseStatus, CitizenCase, IncomeKind

    world = generate(seed=12, n_citizens=120, n_vacancies=10, n_units=30)
    with sessions() as s, s.begin():
        load_world(s, world, cpr_secret="test-secret")
        first, second, third = s.scalars(
            select(CitizenCase).order_by(CitizenCase.case_ref).limit(3)
        ).all()
        first.adults = 2
        first.income_items.append(CaseIncome(kind=IncomeKind.salary, monthly_dkk=9000, person=1))
        first.area_preferences[:] = [
            AreaPreference(area="Vollsmose", rank=2),
            AreaPreference(area="Bolbro", rank=1),
            AreaPreference(area="Tarup", avoid=True),
            AreaPreference(area="Hjallese", avoid=True),
        ]
        first.preferred_lat, first.preferred_lon = 55.4, 10.4
        first.released_from_prison_on = dt.date(2026, 9, 1)
        first.non_eu_citizen = True
        second.status = CaseStatus.closed
        third.income_items.clear()
    with sessions() as s:
        rows = {c.case_ref: pb.citizen_document(c) for c in pb.active_cases(s, "461")}
        orm = {
            c.case_ref: pb.citizen_document(c)
            for c in s.scalars(
                select(CitizenCase).where(
                    CitizenCase.municipality_code == "461",
                    CitizenCase.status == CaseStatus.active,
                )
            )
        }
    assert list(rows) == sorted(orm) and len(rows) > 50
    assert rows == orm
    assert second.case_ref not in rows
    assert rows[first.case_ref]["preferences"]["areas"] == ["Bolbro", "Vollsmose"]
    assert rows[first.case_ref]["preferences"]["avoid_areas"] == ["Hjallese", "Tarup"]
    assert [i["person"] for i in rows[first.case_ref]["income"]][-1] == 1
    assert rows[third.case_ref]["income"] == []


def test_plain_row_vacancies_build_the_same_documents_as_orm_vacancies(
    sessions: sessionmaker[Session],
) -> None:
    """Open vacancies read as one joined query of rows give the ORM-built documents:
    an allocation right held through the unit, department facts, only open homes."""
    from sqlalchemy import select

    from inventory.models import Unit, Vacancy, VacancyStatus

    world = generate(seed=13, n_citizens=10, n_vacancies=30, n_units=60)
    with sessions() as s, s.begin():
        load_world(s, world, cpr_secret="test-secret")
        first, second = s.scalars(select(Vacancy).order_by(Vacancy.id).limit(2)).all()
        first.unit.department.area_category = "forebyggelse"
        second.status = VacancyStatus.withdrawn
    with sessions() as s:
        rows = pb.open_vacancy_documents(s, "461")
        orm = [
            pb.vacancy_document(v)
            for v in s.scalars(
                select(Vacancy)
                .join(Vacancy.unit)
                .where(
                    Vacancy.status == VacancyStatus.open,
                    Unit.allocation_municipality_code == "461",
                )
                .order_by(Vacancy.id)
            )
        ]
    assert len(rows) > 10 and rows == orm
    assert [d["id"] for d in rows] == sorted((d["id"] for d in rows), key=int)
    assert str(second.id) not in {d["id"] for d in rows}
    assert next(d for d in rows if d["id"] == str(first.id))["area_category"] == "forebyggelse"
