"""Issue 12's money rules in the matcher, on constructed cases with amounts derived by hand.

Figures (DOMAIN.md section 5, 2026): personfradrag 54,100; bundskat 12.01 %; national
average kommuneskat 25.049 % (set as the municipality's ``kommuneskat_pct`` so the cases do
not depend on the per-municipality table); boligsikring for a single without children
capped at 15 % of the housing expense B = 12 × rent + 35 × m² (heating paid separately).
"""

from __future__ import annotations

from typing import Any

from matcher_testkit import citizen, vacancy
from matcher_testkit import problem as danish_problem

from matcher.api import solve_problem


def problem(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """The testkit's problem, explained in English (the texts below are checked in English;
    the Danish wording of the same sentences is checked in test_danish_money_words)."""
    return {**danish_problem(*args, **kwargs), "language": "en"}


AVERAGE_TAX = {"kommuneskat_pct": 25.049}


def under_30_on_kontanthjaelp(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "birth_year": 2001,
        "income": [{"kind": "kontanthjaelp", "monthly_dkk": 8047}],
    }
    return citizen("C1", **(fields | overrides))


def four_thousand_kroner_home(**overrides: Any) -> dict[str, Any]:
    # rent 3,400 + utilities 600 = 4,000 kr. a month, 40 m²
    return vacancy("V1", rent_dkk=3400, utilities_dkk=600, size_m2=40.0, rooms=1, **overrides)


def test_the_issues_under_30_example_is_now_infeasible_because_tax_is_counted() -> None:
    # Tax: P = 12 × 8,047 = 96,564; bundskat 12.01 % × (96,564 − 54,100 = 42,464) = 5,099.93;
    # kommuneskat 25.049 % × 42,464 = 10,636.81; together 15,736.74 / 12 = 1,311.40 → 1,311.
    # Disposable 8,047 − 1,311 = 6,736.
    # Benefit: B = 12 × 3,400 + 35 × 40 = 42,200; 15 % cap: 6,330 / 12 = 527.5 → 528.
    # Net housing cost 3,400 + 600 − 528 = 3,472; left 6,736 − 3,472 = 3,264 < 3,500.
    # Before issue 12 the gross income gave 8,047 − 3,472 = 4,575: "affordable".
    doc = problem([under_30_on_kontanthjaelp()], [four_thousand_kroner_home()], policy=AVERAGE_TAX)
    result = solve_problem(doc, explain=True)
    assert result["assignments"] == []
    (unmatched,) = result["unmatched"]
    assert unmatched["reason"] == "no_affordable_home"
    values = unmatched["detail"]["values"]
    assert values["income_dkk"] == 8047
    assert values["disposable_income_dkk"] == 6736
    assert values["left_dkk"] == 3264
    assert values["required_left_dkk"] == 3500
    (pair,) = result["pairs"]
    (failed,) = pair["failed"]
    assert failed["rule"] == "affordability"
    assert failed["values"]["housing_benefit_dkk"] == 528
    assert failed["values"]["net_housing_cost_dkk"] == 3472
    assert failed["values"]["left_dkk"] == 3264


def test_tax_free_child_benefit_counts_toward_what_is_left() -> None:
    # The same citizen with 400 kr. of børnetilskud (tax-free): disposable 6,736 + 400 =
    # 7,136, left 7,136 − 3,472 = 3,664 ≥ 3,500: affordable. The gross income of the
    # rent-share test stays 8,047 (max rent 4,023), the housing benefit stays 528.
    c = under_30_on_kontanthjaelp(
        income=[
            {"kind": "kontanthjaelp", "monthly_dkk": 8047},
            {"kind": "boernetilskud", "monthly_dkk": 400},
        ]
    )
    result = solve_problem(problem([c], [four_thousand_kroner_home()], policy=AVERAGE_TAX))
    (assignment,) = result["assignments"]
    money = assignment["money"]
    assert money["income_dkk"] == 8047
    assert money["disposable_income_dkk"] == 7136
    assert money["housing_benefit_dkk"] == 528
    assert money["left_dkk"] == 3664
    assert money["max_gross_rent_dkk"] == 4023
    assert assignment["flags"] == []


def test_church_membership_adds_kirkeskat() -> None:
    # Odense's kirkeskat (0.68 %, the shipped table; the setting overrides kommuneskat
    # only) × 42,464 = 288.76 a year: tax (15,736.74 + 288.76) / 12 = 1,335.46 → 1,335,
    # disposable 8,047 − 1,335 + 400 = 7,112 (24 kr. less than without).
    c = under_30_on_kontanthjaelp(
        church_member=True,
        income=[
            {"kind": "kontanthjaelp", "monthly_dkk": 8047},
            {"kind": "boernetilskud", "monthly_dkk": 400},
        ],
    )
    result = solve_problem(problem([c], [four_thousand_kroner_home()], policy=AVERAGE_TAX))
    assert result["assignments"][0]["money"]["disposable_income_dkk"] == 7112


def kontanthjaelp_30_plus(amount: int = 12064) -> dict[str, Any]:
    return citizen("C1", birth_year=1980, income=[{"kind": "kontanthjaelp", "monthly_dkk": amount}])


def test_rent_above_half_of_income_is_hard_by_default_and_a_flag_by_choice() -> None:
    # Gross income 12,064: at most 6,032 in rent. Rent 6,100 (50 m², no utilities).
    # Tax: P = 144,768; 90,668 above the personfradrag; bundskat 10,889.23, kommuneskat
    # 22,711.43; 33,600.66 / 12 = 2,800.06 → 2,800; disposable 9,264.
    # Benefit: B = 73,200 + 1,750 = 74,950; 15 % = 11,242.50 / 12 = 936.9 → 937.
    # Left 9,264 − (6,100 − 937) = 4,101 ≥ 3,500: only the rent share fails.
    home = vacancy("V1", rent_dkk=6100, utilities_dkk=0, size_m2=50.0, rooms=1)
    hard = solve_problem(problem([kontanthjaelp_30_plus()], [home], policy=AVERAGE_TAX))
    assert hard["assignments"] == []
    assert hard["unmatched"][0]["reason"] == "no_affordable_home"

    flagged = solve_problem(
        problem(
            [kontanthjaelp_30_plus()],
            [home],
            policy={**AVERAGE_TAX, "rent_share_rule": "assessment"},
        )
    )
    (assignment,) = flagged["assignments"]
    assert assignment["flags"] == ["needs_assessment"]
    money = assignment["money"]
    assert (money["gross_rent_dkk"], money["max_gross_rent_dkk"]) == (6100, 6032)
    assert (money["housing_benefit_dkk"], money["left_dkk"]) == (937, 4101)
    assert money["needs_assessment"] is True
    (candidate,) = flagged["offers"][0]["candidates"]
    assert candidate["flags"] == ["needs_assessment"]
    assert "above half of income" in candidate["why"] and "§ 15" in candidate["why"]


REDUCED = {"rent_dkk": 6000, "rent_reduction_dkk": 2000, "rent_reduction_until": "2027-06-30"}


def test_a_home_unaffordable_after_its_98f_reduction_is_ruled_out_by_default() -> None:
    # Kontanthjælp 10,000: P = 120,000, 65,900 above the personfradrag; bundskat 7,914.59
    # + kommuneskat 25.049 % 16,507.29 = 24,421.88 / 12 = 2,035.16 → 2,035; disposable
    # 7,965. With the reduction: B = 12 × 4,000 + 35 × 45 = 49,575, 15 % = 7,436.25 / 12
    # → 620; left 7,965 − (4,000 + 600 − 620) = 3,985 ≥ 3,500. From 1 July 2027: B =
    # 73,575, 15 % = 11,036.25 / 12 → 920; left 7,965 − (6,000 + 600 − 920) = 2,285.
    c = kontanthjaelp_30_plus(10000)
    home = vacancy("V1", utilities_dkk=600, size_m2=45.0, rooms=1, **REDUCED)
    hard = solve_problem(problem([c], [home], policy=AVERAGE_TAX), explain=True)
    assert hard["assignments"] == []
    (unmatched,) = hard["unmatched"]
    assert unmatched["reason"] == "unaffordable_after_reduction"
    assert unmatched["detail"]["rule"] == "affordable_after_reduction"
    assert "§ 98 f" in unmatched["text"]
    (pair,) = hard["pairs"]
    (failed,) = pair["failed"]
    assert failed["rule"] == "affordable_after_reduction"
    assert failed["values"]["reduction_until"] == "2027-06-30"
    assert failed["values"]["unaffordable_from"] == "2027-07-01"
    assert failed["values"]["rent_after_dkk"] == 6000
    assert "2027-06-30" in pair["reasons"][0] and "6,000 kr." in pair["reasons"][0]

    warned = solve_problem(
        problem([c], [home], policy={**AVERAGE_TAX, "reduction_end_rule": "warning"})
    )
    (assignment,) = warned["assignments"]
    assert assignment["flags"] == ["unaffordable_after_reduction"]
    reduction = assignment["money"]["reduction"]
    assert reduction["until"] == "2027-06-30"
    assert reduction["unaffordable_from"] == "2027-07-01"
    assert reduction["rent_after_dkk"] == 6000
    assert reduction["affordable_after"] is False
    assert (reduction["left_after_dkk"], reduction["housing_benefit_after_dkk"]) == (2285, 920)
    assert (assignment["money"]["left_dkk"], assignment["money"]["housing_benefit_dkk"]) == (
        3985,
        620,
    )
    # the stays_affordable score part is 0 for it
    assert assignment["breakdown"]["stays_affordable"] == 0
    why = warned["offers"][0]["candidates"][0]["why"]
    assert "ends on 2027-06-30" in why and "the rent is 6,000 kr." in why


def test_every_offer_states_the_end_date_and_rent_after_when_it_stays_affordable() -> None:
    c = kontanthjaelp_30_plus(14000)
    home = vacancy("V1", utilities_dkk=600, size_m2=45.0, rooms=1, **REDUCED)
    result = solve_problem(problem([c], [home], policy=AVERAGE_TAX))
    (assignment,) = result["assignments"]
    assert assignment["flags"] == []
    reduction = assignment["money"]["reduction"]
    assert (reduction["until"], reduction["rent_after_dkk"]) == ("2027-06-30", 6000)
    assert reduction["affordable_after"] is True and reduction["unaffordable_from"] is None
    assert "ends on 2027-06-30" in result["offers"][0]["candidates"][0]["why"]


def test_deposit_loan_or_pay_is_stated_on_every_offer() -> None:
    # Kontanthjælp 8,047 + børnetilskud 400: housing-benefit income 12 × 8,047 = 96,564 a
    # year, within the 277,956 limit (2024 figure, UNCONFIRMED for 2026): the
    # municipality must lend the whole deposit of 12,000 (boligstøtteloven § 56).
    c = under_30_on_kontanthjaelp(
        income=[
            {"kind": "kontanthjaelp", "monthly_dkk": 8047},
            {"kind": "boernetilskud", "monthly_dkk": 400},
        ]
    )
    home = four_thousand_kroner_home(deposit_dkk=12000)
    result = solve_problem(problem([c], [home], policy=AVERAGE_TAX))
    deposit = result["assignments"][0]["money"]["deposit"]
    assert deposit["loan_qualifies"] is True
    assert (deposit["deposit_dkk"], deposit["loan_dkk"], deposit["pay_dkk"]) == (12000, 12000, 0)
    assert (deposit["yearly_income_dkk"], deposit["income_limit_dkk"]) == (96564, 277956)
    assert "UNCONFIRMED" in result["stats"]["deposit_limits_source"]
    assert "must lend it" in result["offers"][0]["candidates"][0]["why"]

    # Salary 30,000: after AM-bidrag 27,600 a month = 331,200 a year > 277,956: pays it all.
    rich = citizen("C1", income=[{"kind": "salary", "monthly_dkk": 30000}])
    paid = solve_problem(problem([rich], [vacancy("V1", deposit_dkk=12000)]))
    deposit = paid["assignments"][0]["money"]["deposit"]
    assert deposit["loan_qualifies"] is False
    assert (deposit["loan_dkk"], deposit["pay_dkk"], deposit["yearly_income_dkk"]) == (
        0,
        12000,
        331200,
    )
    assert "the citizen pays it" in paid["offers"][0]["candidates"][0]["why"]


def test_municipal_allocation_lifts_the_boligydelse_maxima() -> None:
    # A folkepensionist in an expensive large home: the matcher's homes are municipally
    # allocated, so boligydelse has no maximum housing expense or maximum benefit
    # (boligstøtteloven § 14 stk. 4 nr. 2, § 23 stk. 2). With the maxima (113,000 and
    # 59,628 a year) the benefit would be at most 4,969 a month.
    pensioner = citizen(
        "C1", birth_year=1950, income=[{"kind": "folkepension", "monthly_dkk": 16273}]
    )
    home = vacancy("V1", rent_dkk=11000, utilities_dkk=0, size_m2=65.0, rooms=2)
    doc = problem(
        [pensioner],
        [home],
        policy={**AVERAGE_TAX, "max_rent_share": 1.0, "min_left_per_adult_dkk": 0},
    )
    money = solve_problem(doc)["assignments"][0]["money"]
    assert money["housing_benefit_dkk"] > 4969


def test_danish_money_words() -> None:
    """The same money sentences in Danish, with Danish number and date formats."""
    rich = citizen("C1", income=[{"kind": "salary", "monthly_dkk": 60000}])
    paid = solve_problem(danish_problem([rich], [vacancy("V1", deposit_dkk=12000)]))
    why = paid["offers"][0]["candidates"][0]["why"]
    assert "Indskud 12.000 kr.: borgeren betaler selv" in why, why
    poor = citizen("C1")
    lent = solve_problem(danish_problem([poor], [vacancy("V1", deposit_dkk=12000)]))
    why = lent["offers"][0]["candidates"][0]["why"]
    assert "Indskud 12.000 kr.: kommunen skal låne borgeren det" in why, why
