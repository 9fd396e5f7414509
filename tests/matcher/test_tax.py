"""Income tax: each step derived by hand from the law, and the two paths agree.

Notation: P personal income (PSL § 3), S taxable income, pf the personfradrag (PSL § 10);
all amounts yearly unless "/month". Rates: DOMAIN.md section 5 (2026: pf 54,100, bundskat
12.01 %, average kommuneskat 25.049 %, kirkeskat 0.867 %, AM-bidrag 8 %,
beskæftigelsesfradrag 12.75 % max 63,300; 2025: pf 51,600, kommuneskat 25.068 %,
beskæftigelsesfradrag 12.30 % max 55,600).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.rates import UnknownYearError
from matcher.tax import local_rates_pcm, local_tax_rates, person_tax, tax_many
from matcher.tax_rates import municipal_tax_rate, municipal_tax_rates, tax_rates_for


def _both(**kwargs: Any) -> int:
    """Monthly tax from the scalar path, asserting the NumPy path agrees."""
    local = kwargs.pop("local", None)
    year = kwargs["year"]
    result = person_tax(**kwargs, local=local)
    local = result.local
    vector = tax_many(
        salary_dkk=kwargs.get("salary_dkk", 0.0),
        other_taxable_dkk=kwargs.get("other_taxable_dkk", 0.0),
        kommuneskat_pcm=local.kommuneskat_pcm,
        kirkeskat_pcm=local.kirkeskat_pcm,
        year=year,
    )
    assert int(vector.monthly_tax_dkk) == result.monthly_tax_dkk
    assert int(vector.monthly_after_tax_dkk) == result.monthly_after_tax_dkk
    return result.monthly_tax_dkk


def test_domain_example_young_person_on_kontanthjaelp() -> None:
    # DOMAIN.md / issue 12: under 30 on kontanthjælp grundsats 6,955 + tillæg 1,092 = 8,047.
    # P = S = 12·8,047 = 96,564 (A-income without AM-bidrag, KSL § 43 stk. 2).
    # Bundskat 12.01 %·(96,564 − 54,100) = 12.01 %·42,464 = 5,099.93 (PSL § 6, § 10).
    # Kommuneskat 25.049 %·42,464 = 10,636.81. Tax 15,736.73/year → /12 = 1,311.39 → 1,311.
    # Left after tax 8,047 − 1,311 = 6,736; after a net housing cost of 3,982 (the issue's
    # "4,065 left before tax"): 6,736 − 3,982 = 2,754 kr., below the 3,500 minimum.
    result = person_tax(other_taxable_dkk=8_047, year=2026)
    assert (result.bundskat_dkk, result.kommuneskat_dkk) == (5_099.93, 10_636.81)
    assert _both(other_taxable_dkk=8_047, year=2026) == 1_311
    assert result.monthly_after_tax_dkk == 6_736
    assert result.monthly_after_tax_dkk - (8_047 - 4_065) == 2_754
    assert result.monthly_housing_benefit_income_dkk == 8_047  # no AM-bidrag on benefits


def test_2025_figures_give_a_different_tax() -> None:
    # 2025: 96,564 − 51,600 = 44,964; (12.01 + 25.068) % = 37.078 % → 16,671.75/year
    # → /12 = 1,389.31 → 1,389.
    assert _both(other_taxable_dkk=8_047, year=2025) == 1_389


def test_income_below_the_personfradrag_pays_no_tax() -> None:
    # 12·4,000 = 48,000 < 54,100: every base is below pf.
    assert _both(other_taxable_dkk=4_000, year=2026) == 0


def test_salary_am_bidrag_and_employment_allowance() -> None:
    # Salary 30,000/month = 360,000: AM-bidrag 8 % = 28,800; P = 331,200.
    # Beskæftigelsesfradrag 12.75 %·360,000 = 45,900 (< 63,300; LL § 9 J, on the AM base);
    # S = 331,200 − 45,900 = 285,300.
    # Bundskat 12.01 %·(331,200 − 54,100) = 12.01 %·277,100 = 33,279.71.
    # Kommuneskat 25.049 %·(285,300 − 54,100) = 25.049 %·231,200 = 57,913.288 → 57,913.29.
    # Total 28,800 + 33,279.71 + 57,913.288 = 119,992.998 → /12 = 9,999.42 → 9,999.
    result = person_tax(salary_dkk=30_000, year=2026)
    assert (result.am_bidrag_dkk, result.beskaeftigelsesfradrag_dkk) == (28_800, 45_900)
    assert (result.personal_income_dkk, result.taxable_income_dkk) == (331_200, 285_300)
    assert _both(salary_dkk=30_000, year=2026) == 9_999
    # The housing-benefit income is salary after AM-bidrag: 331,200 / 12 = 27,600.
    assert result.monthly_housing_benefit_income_dkk == 27_600


def test_employment_allowance_stops_at_its_maximum() -> None:
    # Salary 50,000/month = 600,000: 12.75 % = 76,500 > 63,300 → 63,300.
    # P = 600,000 − 48,000 = 552,000; S = 552,000 − 63,300 = 488,700.
    # Bundskat 12.01 %·497,900 = 59,797.79; kommuneskat 25.049 %·434,600 = 108,862.954.
    # Total 48,000 + 59,797.79 + 108,862.954 = 216,660.744 → /12 = 18,055.06 → 18,055.
    result = person_tax(salary_dkk=50_000, year=2026)
    assert result.beskaeftigelsesfradrag_dkk == 63_300
    assert _both(salary_dkk=50_000, year=2026) == 18_055


def test_unused_personfradrag_is_set_off_in_bundskat() -> None:
    # Salary 5,000/month = 60,000: AM 4,800, P = 55,200 (> pf 54,100);
    # fradrag 12.75 %·60,000 = 7,650, S = 47,550 (< pf).
    # Bundskat 12.01 %·1,100 = 132.11; kommuneskat 0; unused value 25.049 %·6,550
    # = 1,640.71 ≥ 132.11, so bundskat is set off to 0 (PSL § 10 stk. 2).
    # Tax = AM-bidrag only: 4,800 → /12 = 400.
    result = person_tax(salary_dkk=5_000, year=2026)
    assert result.bundskat_dkk == 132.11
    assert result.personfradrag_offset_dkk == 132.11
    assert _both(salary_dkk=5_000, year=2026) == 400


def test_municipality_and_church_tax() -> None:
    # Odense (461), 2026: kommuneskat 25.5 %, kirkeskat 0.68 % (shipped table).
    # Folkepension 16,273/month = 195,276: base 195,276 − 54,100 = 141,176.
    # Bundskat 12.01 % = 16,955.2376; kommuneskat 25.5 % = 35,999.88; kirkeskat 0.68 %
    # = 959.9968. Total 53,915.1144 → /12 = 4,492.93 → 4,493.
    local = local_tax_rates(year=2026, municipality_code="461", church_member=True)
    assert (local.kommuneskat_pct, local.kirkeskat_pct) == (Decimal("25.5"), Decimal("0.68"))
    assert "Odense" in local.kommuneskat_source and "one transcription" in local.kommuneskat_source
    assert _both(other_taxable_dkk=16_273, year=2026, local=local) == 4_493
    # Not a member: no kirkeskat: 16,955.2376 + 35,999.88 = 52,955.1176 → 4,412.93 → 4,413.
    outside = local_tax_rates(year=2026, municipality_code="461")
    assert outside.kirkeskat_pct == 0
    assert _both(other_taxable_dkk=16_273, year=2026, local=outside) == 4_413


def test_national_average_church_tax_and_overrides() -> None:
    average = local_tax_rates(year=2026, church_member=True)
    assert (average.kommuneskat_pct, average.kirkeskat_pct) == (
        Decimal("25.049"),
        Decimal("0.867"),
    )
    own = local_tax_rates(
        year=2026,
        municipality_code="101",
        kommuneskat_pct="23.5",
        kirkeskat_pct=0.8,
        church_member=True,
    )
    assert (own.kommuneskat_pct, own.kirkeskat_pct, own.kommuneskat_source) == (
        Decimal("23.5"),
        Decimal("0.8"),
        "setting",
    )


def test_the_shipped_table_has_all_98_municipalities_for_both_years() -> None:
    table = municipal_tax_rates()
    assert len(table) == 2 * 98
    assert municipal_tax_rate("101", 2025) is not None
    rate = municipal_tax_rate("101", 2026)
    assert rate is not None and rate.municipality == "København"
    assert rate.kommuneskat_pct == Decimal("23.39")
    for r in table.values():
        assert Decimal(20) < r.kommuneskat_pct < Decimal(28)
        assert Decimal(0) < r.kirkeskat_pct < Decimal(2)


def test_tax_figures_carry_sources() -> None:
    for year in (2025, 2026):
        r = tax_rates_for(year)
        for name in (
            "personfradrag_source",
            "bundskat_source",
            "kommuneskat_source",
            "kirkeskat_source",
            "am_bidrag_source",
            "beskaeftigelsesfradrag_source",
        ):
            assert len(getattr(r, name)) > 10
    assert tax_rates_for(2026).personfradrag_dkk == 54_100
    assert tax_rates_for(2025).beskaeftigelsesfradrag_max_dkk == 55_600


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: local_tax_rates(year=2026, municipality_code="999"), "municipality_code"),
        (lambda: local_tax_rates(year=2026, kommuneskat_pct=-1), "kommuneskat_pct"),
        (lambda: local_tax_rates(year=2026, kommuneskat_pct="25.0001"), "kommuneskat_pct"),
        (lambda: local_tax_rates(year=2026, church_member="yes"), "church_member"),  # type: ignore[arg-type]
        (lambda: person_tax(salary_dkk=-1, year=2026), "salary_dkk"),
        (
            lambda: tax_many(salary_dkk=[1.0], kommuneskat_pcm=[25.049], year=2026),
            "kommuneskat_pcm",
        ),
    ],
)
def test_bad_input_names_the_field(call: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.field == field


def test_a_year_without_tax_figures_is_an_error_not_a_fallback() -> None:
    with pytest.raises(UnknownYearError, match=r"no tax rates for 2024.*2025, 2026"):
        person_tax(other_taxable_dkk=8_047, year=2024)


PERSON = st.fixed_dictionaries(
    {
        "salary": st.one_of(st.just(0.0), st.floats(0, 120_000, allow_nan=False)),
        "other": st.one_of(st.just(0.0), st.floats(0, 40_000, allow_nan=False)),
        "code": st.sampled_from([None, "101", "461", "851", "825"]),
        "church": st.booleans(),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(PERSON, min_size=1, max_size=60), st.sampled_from([2025, 2026]))
def test_vectorised_equals_scalar(people: list[dict[str, Any]], year: int) -> None:
    k, c = local_rates_pcm([p["code"] for p in people], [p["church"] for p in people], year=year)
    vector = tax_many(
        salary_dkk=np.array([p["salary"] for p in people]),
        other_taxable_dkk=np.array([p["other"] for p in people]),
        kommuneskat_pcm=k,
        kirkeskat_pcm=c,
        year=year,
    )
    for i, p in enumerate(people):
        local = local_tax_rates(year=year, municipality_code=p["code"], church_member=p["church"])
        one = person_tax(
            salary_dkk=p["salary"], other_taxable_dkk=p["other"], year=year, local=local
        )
        assert int(vector.monthly_tax_dkk[i]) == one.monthly_tax_dkk
        assert int(vector.monthly_income_dkk[i]) == one.monthly_income_dkk
        assert float(vector.monthly_housing_benefit_income_dkk[i]) == (
            one.monthly_housing_benefit_income_dkk
        )


@settings(max_examples=200, deadline=None)
@given(PERSON, st.floats(0.01, 20_000, allow_nan=False))
def test_more_income_never_leaves_less_after_tax(person: dict[str, Any], more: float) -> None:
    local = local_tax_rates(
        year=2026, municipality_code=person["code"], church_member=person["church"]
    )
    base = person_tax(
        salary_dkk=person["salary"], other_taxable_dkk=person["other"], year=2026, local=local
    )
    richer = person_tax(
        salary_dkk=person["salary"],
        other_taxable_dkk=person["other"] + more,
        year=2026,
        local=local,
    )
    assert richer.monthly_tax_dkk >= base.monthly_tax_dkk
    # Marginal tax is below 100 %: after-tax income does not fall (within the krone
    # rounding of the two monthly amounts).
    assert richer.monthly_after_tax_dkk >= base.monthly_after_tax_dkk - 1
