"""The 98 municipalities and VIVE's counts, as shipped and as loaded into the database."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inventory.models import Municipality
from kernel.reference import municipality_counts, national_shares_2024

DATA = Path(__file__).resolve().parents[2] / "kernel" / "data"


def test_ninety_eight_municipalities_with_national_totals() -> None:
    counts = municipality_counts()
    assert len(counts) == 98
    assert len({c.code for c in counts}) == 98
    assert sum(c.homeless_2022 for c in counts) == 5789
    assert sum(c.homeless_2024 for c in counts) == 5989


def test_regional_sums_match_vive() -> None:
    sums: dict[str, tuple[int, int]] = {}
    for c in municipality_counts():
        a, b = sums.get(c.region, (0, 0))
        sums[c.region] = (a + c.homeless_2022, b + c.homeless_2024)
    assert sums == {
        "Hovedstaden": (2476, 2605),
        "Sjælland": (781, 855),
        "Syddanmark": (868, 846),
        "Midtjylland": (1199, 1250),
        "Nordjylland": (465, 433),
    }


def test_national_shares_sum_to_one() -> None:
    shares = national_shares_2024()
    assert abs(sum(shares["situation"].values()) - 1) < 1e-9
    assert abs(sum(shares["age"].values()) - 1) < 1e-9


def test_database_holds_every_count_exactly(sessions: sessionmaker[Session]) -> None:
    with open(DATA / "vive_homelessness_by_municipality.csv", encoding="utf-8") as f:
        expected = {r["municipality_code"]: r for r in csv.DictReader(f)}
    with sessions() as session:
        rows = {m.code: m for m in session.scalars(select(Municipality))}
        assert session.scalar(select(func.sum(Municipality.homeless_2024))) == 5989
        assert session.scalar(select(func.sum(Municipality.homeless_2022))) == 5789
    assert rows.keys() == expected.keys()
    for code, row in expected.items():
        m = rows[code]
        assert (m.name, m.region) == (row["municipality"], row["region"])
        assert (m.homeless_2022, m.homeless_2024) == (
            int(row["homeless_2022"]),
            int(row["homeless_2024"]),
        )
    assert rows["461"].name == "Odense"
    assert rows["825"].per_1000_2024 is None  # Læsø: zero counted, rate left blank by VIVE
