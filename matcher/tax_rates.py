"""Versioned Danish income-tax figures, one table per year, each figure with its source.

The tax model of :mod:`matcher.tax` needs only the flat parts of personal income tax that
touch the incomes boligmatch meets (benefits and ordinary wages); each year's numbers sit
in one :class:`TaxRates` with a ``source`` per group, as the benefit rates of
:mod:`matcher.rates` do. Per-municipality kommuneskat and kirkeskat come from the CSV in
``matcher/data`` (Skatteministeriet's table; the 2026 columns rest on one transcription,
see :data:`MUNICIPAL_RATES_SOURCE`), and a municipality's own setting may override them.

Rates are held in *pcm* (per cent mille, 1/100,000): 25.049 % is 25,049 pcm, so that the
tax model can work in exact integers and its scalar and NumPy paths agree to the øre.

Not modelled (none in DOMAIN.md, and none reached by a household living on benefits or an
ordinary wage): mellemskat, topskat and toptopskat (2026: from about 641,200 kr. a year of
personal income), the skatteloft, jobfradrag, the extra beskæftigelsesfradrag for single
providers (LL § 9 J stk. 3), capital income, and the transfer of unused personfradrag
between spouses (PSL § 10 stk. 3).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from types import MappingProxyType

from matcher.errors import InputError
from matcher.rates import UnknownYearError

PCM_PER_PERCENT = 1000
"""1 % = 1,000 pcm."""

MUNICIPAL_RATES_FILE = "kommuneskat_2025_2026.csv"
MUNICIPAL_RATES_SOURCE = (
    "Skatteministeriet, 'Kommuneskatteprocenter siden 1977', as transcribed in "
    "carstenlysdal-alt/Revisor (src/lib/tax/kommuner.ts, retrieved 2026-09-12), shipped as "
    "matcher/data/kommuneskat_2025_2026.csv; 2025 checked against a second transcription; "
    "2026 from one transcription only (verify against DST PSKAT; a municipality's setting "
    "overrides it)"
)

SKM_2026 = (
    "skm.dk, 'Kommuneskatter: gennemsnitsprocenten i 2026' (27-10-2025), via DOMAIN.md section 5"
)
THEMIS_2026 = "themis.dk, 'Oversigt over beløbsgrænser 2026', via DOMAIN.md section 5"


def percent_to_pcm(percent: Decimal | str, name: str = "rate") -> int:
    """A percentage (``Decimal("25.049")``) as whole pcm; finer precision is an error."""
    scaled = Decimal(percent) * PCM_PER_PERCENT
    if scaled != scaled.to_integral_value():
        raise ValueError(f"tax table: {name} = {percent} % is finer than 0.001 %")
    return int(scaled)


@dataclass(frozen=True)
class TaxRates:
    """Personal income tax figures of one income year.

    Amounts are DKK per year; shares are :class:`~decimal.Decimal` percentages as the law
    states them (``Decimal("12.01")`` for 12.01 %).
    """

    year: int
    personfradrag_dkk: int
    """Personal allowance (PSL § 10), the same at every age since 2023."""
    personfradrag_source: str
    bundskat_pct: Decimal
    """Bottom-bracket state tax on personal income above the personfradrag (PSL § 6)."""
    bundskat_source: str
    kommuneskat_average_pct: Decimal
    """National average municipal tax: the default when the municipality is not known."""
    kommuneskat_source: str
    kirkeskat_average_pct: Decimal
    """National average church tax, for members of the folkekirke only."""
    kirkeskat_source: str
    am_bidrag_pct: Decimal
    """Labour-market contribution on salary (arbejdsmarkedsbidragsloven § 1)."""
    am_bidrag_source: str
    beskaeftigelsesfradrag_pct: Decimal
    """Employment allowance: this share of the AM-bidrag base (LL § 9 J) ..."""
    beskaeftigelsesfradrag_max_dkk: int
    """... at most this much a year."""
    beskaeftigelsesfradrag_source: str


_TAX_2025 = TaxRates(
    year=2025,
    personfradrag_dkk=51_600,
    personfradrag_source="DOMAIN.md section 5 (2025 in brackets); PSL § 10 and § 20",
    bundskat_pct=Decimal("12.01"),
    bundskat_source="DOMAIN.md section 5; PSL § 6 stk. 1",
    kommuneskat_average_pct=Decimal("25.068"),
    kommuneskat_source=(
        "DOMAIN.md section 5: national average 25.068 % for 2025 (skm.dk, weighted by tax base)"
    ),
    kirkeskat_average_pct=Decimal("0.87"),
    kirkeskat_source=(
        "Kirkeministeriet, 'Kirkeskat' (blkm.dk): members paid on average 0.87 % in 2024; "
        "no 2025 national average in DOMAIN.md, so the 2024 one is used"
    ),
    am_bidrag_pct=Decimal("8"),
    am_bidrag_source="DOMAIN.md section 5; arbejdsmarkedsbidragsloven § 1",
    beskaeftigelsesfradrag_pct=Decimal("12.30"),
    beskaeftigelsesfradrag_max_dkk=55_600,
    beskaeftigelsesfradrag_source="DOMAIN.md section 5 (2025 in brackets); LL § 9 J",
)

_TAX_2026 = TaxRates(
    year=2026,
    personfradrag_dkk=54_100,
    personfradrag_source=THEMIS_2026 + "; PSL § 10 and § 20",
    bundskat_pct=Decimal("12.01"),
    bundskat_source=THEMIS_2026 + "; PSL § 6 stk. 1",
    kommuneskat_average_pct=Decimal("25.049"),
    kommuneskat_source=SKM_2026,
    kirkeskat_average_pct=Decimal("0.867"),
    kirkeskat_source=SKM_2026,
    am_bidrag_pct=Decimal("8"),
    am_bidrag_source="DOMAIN.md section 5; arbejdsmarkedsbidragsloven § 1",
    beskaeftigelsesfradrag_pct=Decimal("12.75"),
    beskaeftigelsesfradrag_max_dkk=63_300,
    beskaeftigelsesfradrag_source=THEMIS_2026 + "; LL § 9 J",
)

TAX_TABLES: Mapping[int, TaxRates] = MappingProxyType({2025: _TAX_2025, 2026: _TAX_2026})
"""Every income year's tax figures, keyed by year."""


def tax_rates_for(year: int) -> TaxRates:
    """The tax figures of ``year``; :class:`UnknownYearError` if there are none (no fallback)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError("year", f"must be a whole year such as 2026 (got {year!r})")
    try:
        return TAX_TABLES[year]
    except KeyError:
        raise UnknownYearError(year, tuple(sorted(TAX_TABLES)), "tax rates") from None


@dataclass(frozen=True)
class MunicipalTaxRate:
    """One municipality's kommuneskat and kirkeskat in one year [%]."""

    municipality_code: str
    municipality: str
    year: int
    kommuneskat_pct: Decimal
    kirkeskat_pct: Decimal


@functools.cache
def municipal_tax_rates() -> Mapping[tuple[str, int], MunicipalTaxRate]:
    """Every municipality's rates by ``(code, year)``, read once from the shipped CSV."""
    text = resources.files("matcher").joinpath("data", MUNICIPAL_RATES_FILE).read_text("utf-8")
    table: dict[tuple[str, int], MunicipalTaxRate] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["municipality_code"].strip()
        for year in (2025, 2026):
            table[(code, year)] = MunicipalTaxRate(
                municipality_code=code,
                municipality=row["municipality"],
                year=year,
                kommuneskat_pct=Decimal(row[f"kommuneskat_pct_{year}"]),
                kirkeskat_pct=Decimal(row[f"kirkeskat_pct_{year}"]),
            )
    return MappingProxyType(table)


def municipal_tax_rate(municipality_code: str | None, year: int) -> MunicipalTaxRate | None:
    """The municipality's rates for ``year``; None when no code is given.

    An unknown code, or a year the table does not cover, is an :class:`InputError`
    rather than a silent national average: a typo must not change a verdict unnoticed.
    """
    tax_rates_for(year)
    if municipality_code is None:
        return None
    code = str(municipality_code).strip()
    rate = municipal_tax_rates().get((code, year))
    if rate is None:
        known_years = sorted({y for _, y in municipal_tax_rates()})
        if year not in known_years:
            raise UnknownYearError(year, tuple(known_years), "municipal tax rates")
        raise InputError(
            "municipality_code", f"no municipality with code {code!r} in the tax-rate table"
        )
    return rate
