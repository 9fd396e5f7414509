"""Published reference figures shipped with the package (VIVE homelessness counts).

The CSV files live in `kernel/data/` with their source note; they are public
figures, so planners may see them as published.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class MunicipalityCount:
    """One municipality's row in VIVE's national homelessness counts.

    Attributes
    ----------
    code : str
        Official municipality code (kommunekode), e.g. ``"461"`` for Odense.
    homeless_2022, homeless_2024 : int [persons]
        People counted homeless in week 6 of the count year.
    per_1000_2024 : float or None [persons per 1,000 inhabitants]
        Blank in VIVE's table where the count is zero (Læsø).
    """

    code: str
    name: str
    region: str
    homeless_2022: int
    homeless_2024: int
    per_1000_2024: float | None


@cache
def municipality_counts() -> tuple[MunicipalityCount, ...]:
    """All 98 municipalities in the order VIVE lists them (by code)."""
    text = (
        resources.files("kernel.data")
        .joinpath("vive_homelessness_by_municipality.csv")
        .read_text(encoding="utf-8")
    )
    rows = csv.DictReader(text.splitlines())
    return tuple(
        MunicipalityCount(
            code=row["municipality_code"],
            name=row["municipality"],
            region=row["region"],
            homeless_2022=int(row["homeless_2022"]),
            homeless_2024=int(row["homeless_2024"]),
            per_1000_2024=(
                float(row["per_1000_inhabitants_2024"])
                if row["per_1000_inhabitants_2024"]
                else None
            ),
        )
        for row in rows
    )


@cache
def national_shares_2024() -> dict[str, dict[str, float]]:
    """VIVE 2024 national shares as fractions: ``{"situation": {...}, "age": {...}}``."""
    text = (
        resources.files("kernel.data")
        .joinpath("vive_homelessness_national_2024.csv")
        .read_text(encoding="utf-8")
    )
    shares: dict[str, dict[str, float]] = {}
    for row in csv.DictReader(text.splitlines()):
        shares.setdefault(row["dimension"], {})[row["category"]] = (
            float(row["share_percent"]) / 100.0
        )
    return shares
