"""Shortfall arithmetic on a small hand-computed stock, from memory and from the database."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from allocation.models import CaseIncome, CaseStatus, CitizenCase, IncomeKind, SupportMethod
from inventory.models import AllocationRight, Department, HousingAssociation, Unit, UnitKind
from kernel.reference import municipality_counts
from kernel.settings import Settings
from planning.shortfall import (
    BENEFIT_GROUPS,
    ShortfallParameters,
    Stock,
    affordable_matrix,
    compute_shortfall,
    rent_band_summary,
    shortfall,
)

AS_OF = dt.date(2026, 11, 2)
CODE = "147"  # Frederiksberg: VIVE 80 (2022), 137 (2024)
SETTINGS = Settings(turnover_rate=0.14)
PARAMS = ShortfallParameters(as_of=AS_OF)

# Hand-computed stock. Incomes (2025 rates, single, DOMAIN.md 5): kontanthjælp under 30
# 6,955 + 1,092 = 8,047; 30+ 12,064 + 1,092 = 13,156; førtidspension 21,103; folkepension
# 15,527. Rent may be at most half: 4,023 / 6,578 / 10,551 / 7,763. Every unit below is
# either clearly under (and leaves far more than 3,500 after rent and utilities, before
# any housing benefit) or clearly over that limit.
UNITS: list[dict[str, Any]] = [
    # ref, rent, utilities, m², allocation, reduction, reduction until -> groups that can pay
    dict(ref="u1", rent=2000, util=300, m2=40, alloc="municipal"),  # all four
    dict(ref="u2", rent=5000, util=500, m2=60, alloc="municipal"),  # not under 30
    dict(ref="u3", rent=9000, util=800, m2=80, alloc="association"),  # førtidspension only
    dict(ref="u4", rent=12000, util=900, m2=90, alloc="municipal"),  # nobody
    # a § 98 f reduction that ended before AS_OF counts nothing: rent 6,000 -> not under 30
    dict(
        ref="u5", rent=6000, util=600, m2=60, alloc="municipal", red=2000,
        until=AS_OF - dt.timedelta(days=1),
    ),
    dict(ref="u6", rent=3000, util=300, m2=35, alloc="association"),  # all four
]  # fmt: skip
EXPECTED = {  # group -> (affordable units, of which municipal right)
    "kh_under_30": (2, 1),  # u1, u6 / u1
    "kh_30_plus": (4, 3),  # u1, u2, u5, u6 / u1, u2, u5
    "foertidspension": (5, 3),  # u1, u2, u3, u5, u6 / u1, u2, u5
    "folkepension": (4, 3),  # u1, u2, u5, u6 (u3: 9,000 > 7,763) / u1, u2, u5
}


def _records(code: str = CODE) -> list[dict[str, Any]]:
    return [
        {
            "municipality_code": code,
            "allocation": u["alloc"],
            "allocation_municipality_code": code if u["alloc"] == "municipal" else None,
            "rent_dkk": float(u["rent"]),
            "utilities_dkk": float(u["util"]),
            "size_m2": float(u["m2"]),
            "rent_reduction_dkk": float(u.get("red", 0)),
            "rent_reduction_until": u.get("until"),
        }
        for u in UNITS
    ]


def _stock() -> Stock:
    # plus one cheap municipal unit in another municipality, which must not count here
    other = _records("101")[:1]
    return Stock.from_records([*_records(), *other], as_of=AS_OF)


def _count(code: str) -> Any:
    return next(m for m in municipality_counts() if m.code == code)


def _check_hand_row(row: Any) -> None:
    assert (row.homeless_2022, row.homeless_2024) == (80, 137)
    assert row.demand_source == "vive"
    assert row.yearly_demand == pytest.approx(137 * 2.5)
    assert row.queue == 137
    assert row.stock_units == 6
    assert row.municipal_right_units == 4  # u1, u2, u4, u5
    assert row.affordable_units == 5  # all but u4
    assert row.supply_per_year == pytest.approx(3 * 0.14)  # u1, u2, u5 turn over
    assert row.gap_per_year == pytest.approx(137 * 2.5 - 3 * 0.14)
    quarter, half = row.shares
    assert quarter.share == 0.25 and half.share == 0.5
    assert quarter.supply_per_year == pytest.approx(0.25 * 5 * 0.14)
    assert quarter.years_to_clear == pytest.approx(137 / (0.25 * 5 * 0.14))
    assert half.years_to_clear == pytest.approx(137 / (0.5 * 5 * 0.14))
    assert half.gap_per_year == pytest.approx(137 * 2.5 - 0.5 * 5 * 0.14)
    for group in row.groups:
        affordable, municipal = EXPECTED[group.group]
        share = PARAMS.demand_group_shares[group.group]
        assert (group.affordable_units, group.municipal_right_units) == (affordable, municipal)
        assert group.supply_per_year == pytest.approx(municipal * 0.14)
        assert group.demand_per_year == pytest.approx(137 * 2.5 * share)
        assert group.gap_per_year == pytest.approx(137 * 2.5 * share - municipal * 0.14)
        assert group.shares[0].years_to_clear == pytest.approx(
            137 * share / (0.25 * affordable * 0.14)
        )
    assert row.suppressed == []


def test_affordability_matrix_matches_hand_verdicts() -> None:
    stock = Stock.from_records(_records(), as_of=AS_OF)
    matrix = affordable_matrix(
        stock,
        benefit_year=2025,
        housing_benefit_year=2026,
        minimums=lambda code: SETTINGS.policy_for(code).affordability,
    )
    for g, group in enumerate(BENEFIT_GROUPS):
        affordable, _ = EXPECTED[group.key]
        assert int(matrix[:, g].sum()) == affordable, group.key
    assert not matrix[3].any()  # u4 nobody


def test_pure_shortfall_on_hand_stock() -> None:
    report = compute_shortfall([_count(CODE)], _stock(), {}, PARAMS, settings=SETTINGS)
    (row,) = report.municipalities
    _check_hand_row(row)
    assert report.totals.supply_per_year == pytest.approx(0.42)


def test_a_reduction_in_force_counts() -> None:
    records = _records()
    records[4]["rent_reduction_until"] = AS_OF + dt.timedelta(days=30)  # u5 now 4,000
    stock = Stock.from_records(records, as_of=AS_OF)
    assert stock.effective_rent_dkk[4] == 4000
    report = compute_shortfall([_count(CODE)], stock, {}, PARAMS, settings=SETTINGS)
    under_30 = report.municipalities[0].groups[0]
    assert under_30.group == "kh_under_30"
    # Issue 12: what is left is counted after income tax. Before, u5 at 4,000 kr. counted
    # for under-30s (8,047 − (4,000 + 600 − 626) = 4,073 ≥ 3,500); after tax in
    # Frederiksberg (2026 kommuneskat 24.5 % + bundskat 12.01 % of 96,564 − 54,100 =
    # 42,464: 15,503.61 a year, 1,292 a month) 6,755 − 3,974 = 2,781 < 3,500: u1, u6 only.
    assert (under_30.affordable_units, under_30.municipal_right_units) == (2, 1)
    # the 30+ group (13,156 gross) can now pay u5 too (it could at 6,000 already)
    assert report.municipalities[0].groups[1].affordable_units == 4


def test_a_stored_rent_of_1e300_is_left_out_with_a_reason_not_a_failure() -> None:
    # Issue 13: one bad stored row must not break the table for every municipality.
    bad = {**_records()[0], "id": 99, "rent_dkk": 1e300}
    zero = {**_records()[0], "id": 98, "size_m2": 0.0}
    over = {**_records()[0], "id": 97, "rent_dkk": 2000.0, "rent_reduction_dkk": 3000.0}
    stock = Stock.from_records([*_records(), bad, zero, over], as_of=AS_OF)
    assert len(stock) == len(UNITS)
    report = compute_shortfall([_count(CODE)], stock, {}, PARAMS, settings=SETTINGS)
    _check_hand_row(report.municipalities[0])
    reasons = {u.unit_id: u.reason for u in report.left_out}
    assert set(reasons) == {97, 98, 99}
    assert "rent_dkk" in reasons[99] and "1e+300" in reasons[99]
    assert "size_m2" in reasons[98]
    assert "above rent_dkk" in reasons[97]
    assert all(u.municipality_code == CODE for u in report.left_out)


def test_benefit_groups_are_taxed_in_the_units_municipality() -> None:
    # A unit only the untaxed income could afford: under-30 kontanthjælp 8,047, rent
    # 3,400 + 600 utilities, 40 m² (benefit 528): left 8,047 − 3,472 = 4,575 before tax,
    # 6,755 − 3,472 = 3,283 after Frederiksberg's tax: not affordable.
    home = {**_records()[0], "rent_dkk": 3400.0, "utilities_dkk": 600.0, "size_m2": 40.0}
    stock = Stock.from_records([home], as_of=AS_OF)
    matrix = affordable_matrix(
        stock,
        benefit_year=2025,
        housing_benefit_year=2026,
        minimums=lambda code: SETTINGS.policy_for(code).affordability,
    )
    assert matrix.tolist() == [[False, True, True, True]]


def test_turnover_rate_is_a_setting() -> None:
    settings = Settings(turnover_rate=0.2)
    report = compute_shortfall([_count(CODE)], _stock(), {}, PARAMS, settings=settings)
    assert report.municipalities[0].supply_per_year == pytest.approx(3 * 0.2)
    assert report.parameters.turnover_rate == 0.2


def test_all_98_municipalities_with_exact_vive_counts_without_database() -> None:
    text = (
        resources.files("kernel.data")
        .joinpath("vive_homelessness_by_municipality.csv")
        .read_text(encoding="utf-8")
    )
    published = {r["municipality_code"]: r for r in csv.DictReader(text.splitlines())}
    report = shortfall(None, params=PARAMS, settings=SETTINGS)
    rows = report.municipalities
    assert len(rows) == 98 == len({r.code for r in rows})
    for row in rows:
        source = published[row.code]
        assert row.name == source["municipality"]
        assert row.homeless_2022 == int(source["homeless_2022"])
        assert row.homeless_2024 == int(source["homeless_2024"])
        assert row.yearly_demand == pytest.approx(row.homeless_2024 * 2.5)
        assert row.supply_per_year == 0 and row.shares[0].years_to_clear is None
    assert report.totals.homeless_2022 == 5789
    assert report.totals.homeless_2024 == 5989
    copenhagen = next(r for r in rows if r.code == "101")
    assert (copenhagen.homeless_2022, copenhagen.homeless_2024) == (1370, 1387)


def test_unknown_municipality_is_an_error() -> None:
    with pytest.raises(KeyError):
        shortfall(None, municipality="999", params=PARAMS)


# --- from the database -------------------------------------------------------------------


def _insert_stock(session: Session, code: str = CODE) -> None:
    association = HousingAssociation(name="Testboligselskabet")
    department = Department(
        association=association, number="1", name="Afdeling 1", municipality_code=code
    )
    session.add_all([association, department])
    for n, u in enumerate(UNITS):
        session.add(
            Unit(
                department=department,
                unit_ref=u["ref"],
                address=f"Testvej {n + 1}",
                lat=55.68,
                lon=12.53,
                area="Centrum",
                kind=UnitKind.family,
                rooms=2,
                size_m2=float(u["m2"]),
                floor=0,
                elevator=False,
                wheelchair=False,
                pets_allowed=False,
                rent_dkk=float(u["rent"]),
                utilities_dkk=float(u["util"]),
                deposit_dkk=0.0,
                rent_reduction_dkk=float(u.get("red", 0)),
                rent_reduction_until=u.get("until"),
                allocation=AllocationRight(u["alloc"]),
                allocation_municipality_code=code if u["alloc"] == "municipal" else None,
            )
        )


def _insert_cases(session: Session, code: str, n: int, *, age: int, registered: dt.date) -> None:
    start = session.query(CitizenCase).count()
    for i in range(n):
        case = CitizenCase(
            case_ref=f"T-{start + i:04d}",
            cpr_hash=f"{start + i:064d}",
            municipality_code=code,
            birth_year=AS_OF.year - age,
            situation=3,
            homeless_since=registered - dt.timedelta(days=30),
            registered_on=registered,
            support=SupportMethod.none,
            status=CaseStatus.active,
        )
        case.income_items = [CaseIncome(kind=IncomeKind.kontanthjaelp, monthly_dkk=8047.0)]
        session.add(case)


@pytest.mark.postgres
def test_database_shortfall_matches_the_hand_computation(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _insert_stock(session)
    with sessions() as session:
        report = shortfall(session, municipality=CODE, params=PARAMS, settings=SETTINGS)
        everyone = shortfall(session, params=PARAMS, settings=SETTINGS)
    (row,) = report.municipalities
    _check_hand_row(row)
    assert len(everyone.municipalities) == 98
    _check_hand_row(next(r for r in everyone.municipalities if r.code == CODE))


@pytest.mark.postgres
def test_live_case_list_replaces_vive_demand_and_small_counts_are_suppressed(
    sessions: sessionmaker[Session],
) -> None:
    registered = AS_OF - dt.timedelta(days=100)
    with sessions.begin() as session:
        _insert_stock(session)
        _insert_cases(session, CODE, 6, age=40, registered=registered)  # kontanthjælp 30+
        _insert_cases(session, CODE, 2, age=22, registered=registered)  # under 30: only 2
        _insert_cases(session, "101", 3, age=40, registered=registered)  # 3 in all: hidden
    with sessions() as session:
        report = shortfall(session, params=PARAMS, settings=SETTINGS)
    rows = {r.code: r for r in report.municipalities}
    mine = rows[CODE]
    assert mine.demand_source == "live"
    assert mine.queue == 8
    # 8 registrations over the 101 days the list has existed, annualised
    assert mine.yearly_demand == pytest.approx(8 * 365 / 101)
    by_group = {g.group: g for g in mine.groups}
    assert by_group["kh_30_plus"].queue == 6
    assert by_group["kh_under_30"].queue is None  # 2 < 5: suppressed
    assert by_group["kh_under_30"].gap_per_year is None
    assert "groups.kh_under_30.queue" in mine.suppressed
    assert by_group["folkepension"].queue == 0  # zero identifies nobody
    small = rows["101"]
    assert small.demand_source == "live"
    assert small.queue is None and small.yearly_demand is None and small.gap_per_year is None
    assert {"queue", "yearly_demand"} <= set(small.suppressed)
    assert small.homeless_2024 == 1387  # VIVE's published count is shown as published
    assert rows["461"].demand_source == "vive"


@pytest.mark.postgres
def test_rent_band_summary(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _insert_stock(session)
    with sessions() as session:
        bands = rent_band_summary(session, CODE, params=PARAMS, settings=SETTINGS)
    assert [b.label for b in bands] == [
        "<3,500 kr.",
        "3,500-4,499 kr.",
        "4,500-5,499 kr.",
        "≥5,500 kr.",
    ]
    cheap, _, middle, dear = bands
    assert (cheap.units, cheap.municipal_right_units) == (2, 1)  # u1, u6 / u1
    assert cheap.lettings_per_year == pytest.approx(0.14)
    assert cheap.groups_affording == 4
    assert (middle.units, middle.municipal_right_units) == (1, 1)  # u2
    assert middle.affordable_by_group["kh_under_30"] == 0
    assert middle.groups_affording == 3
    assert (dear.units, dear.municipal_right_units) == (3, 2)  # u3, u4, u5 / u4, u5
    assert dear.affordable_by_group == {
        "kh_under_30": 0,
        "kh_30_plus": 1,
        "foertidspension": 1,
        "folkepension": 1,
    }
    assert dear.groups_affording == 3  # 1 of 2 is half
    assert "municipal right" in cheap.line()
