"""The plain reference path of the hard rules: one pair at a time, read from the documents.

This is the scalar rule set the matcher had before each rule became one array function
(issue 11), kept as the independent reference the agreement tests compare the
production rules (:mod:`matcher.rules`) against: verdicts and texts, in both languages
(issue 12 added Danish texts, the unit kinds, § 59 stk. 6 and 7 and support reach).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from matcher import section59
from matcher.affordability import AffordabilityPolicy, Home, Verdict, assess, summary_text
from matcher.affordability import Household as AffordabilityHousehold
from matcher.columns import (
    citizen_income,
    citizen_income_items,
    citizen_tax_rates,
    effective_reduction,
    whole_months,
)
from matcher.housing_benefit import hundredths, round_ore_to_dkk
from matcher.income import household_incomes
from matcher.policy import Policy
from matcher.problem import Citizen, SupportTeam, Vacancy


@dataclass(frozen=True)
class Check:
    """One hard rule's verdict on one pair (rule name, verdict, words)."""

    rule: str
    ok: bool
    text: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What a scalar rule needs beyond the pair: the day and the acting municipality's policy."""

    as_of: date
    policy: Policy
    language: str = "da"
    teams: tuple[SupportTeam, ...] = ()

    def say(self, da: str, en: str) -> str:
        """The words in the context's language."""
        return da if self.language == "da" else en


def _kr(amount: float) -> str:
    return f"{round(amount):,} kr."


# --- hard rules: scalar ------------------------------------------------------------------


def allocation_right(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the municipality offering the home must hold its allocation right.

    The municipality may only offer homes it has the allocation right to (kommunal
    anvisningsret, almenboligloven § 59), and it offers them to citizens it is the acting
    municipality (handlekommune) for (DOMAIN.md sections 3 and 4).
    """
    if vacancy.allocation != "municipal":
        return Check(
            "allocation_right",
            False,
            ctx.say(
                "boligorganisationen udlejer selv denne bolig; kommunen har ikke anvisningsret",
                "the housing association lets this home; the municipality has no allocation right",
            ),
        )
    if vacancy.municipality_code != citizen.municipality_code:
        return Check(
            "allocation_right",
            False,
            ctx.say(
                f"anvisningsretten tilhører kommune {vacancy.municipality_code}; borgerens "
                f"handlekommune er {citizen.municipality_code}",
                f"the allocation right belongs to municipality {vacancy.municipality_code}; the "
                f"citizen's acting municipality is {citizen.municipality_code}",
            ),
        )
    return Check("allocation_right", True)


def household_fits(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the household fits the home by persons per room, spare rooms and m².

    No national rule: the limits are the municipality's ``max_persons_per_room``,
    ``max_spare_rooms`` and ``min_m2_per_person`` (DOMAIN.md section 1: a home must fit
    the person's needs; :class:`matcher.policy.Policy` for the defaults).
    """
    p = ctx.policy
    persons = citizen.household.adults + citizen.household.children
    problems = []
    if persons > vacancy.rooms * p.max_persons_per_room:
        problems.append(
            ctx.say(
                f"{persons} {'person' if persons == 1 else 'personer'} i {vacancy.rooms} "
                f"{'værelse' if vacancy.rooms == 1 else 'værelser'} er flere end "
                f"{p.max_persons_per_room} pr. værelse",
                f"{persons} persons in {vacancy.rooms} rooms is more than "
                f"{p.max_persons_per_room} per room",
            )
        )
    if vacancy.rooms > persons + p.max_spare_rooms:
        problems.append(
            ctx.say(
                f"{vacancy.rooms} {'værelse' if vacancy.rooms == 1 else 'værelser'} til "
                f"{persons} {'person' if persons == 1 else 'personer'} er mere end "
                f"{p.max_spare_rooms} ekstra {'værelse' if p.max_spare_rooms == 1 else 'værelser'}",
                f"{vacancy.rooms} rooms for {persons} persons is more than "
                f"{p.max_spare_rooms} spare room(s)",
            )
        )
    if vacancy.size_m2 < persons * p.min_m2_per_person:
        problems.append(
            ctx.say(
                f"{vacancy.size_m2:g} m² til {persons} {'person' if persons == 1 else 'personer'} "
                "er mindre end "
                f"{p.min_m2_per_person:g} m² pr. person",
                f"{vacancy.size_m2:g} m² for {persons} persons is less than "
                f"{p.min_m2_per_person:g} m² per person",
            )
        )
    return Check("household_fits", not problems, "; ".join(problems))


def accessibility(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: wheelchair users get wheelchair homes they can reach; ground floor if needed.

    A wheelchair need requires a wheelchair-accessible home, and both a wheelchair and a
    ground-floor need require the ground floor (floor 0) or a lift (DOMAIN.md section 1:
    home and support must fit the person's needs).
    """
    problems = []
    if citizen.needs.wheelchair and not vacancy.wheelchair:
        problems.append(
            ctx.say(
                "har brug for en kørestolsegnet bolig; denne er det ikke",
                "needs a wheelchair-accessible home; this one is not",
            )
        )
    if (
        (citizen.needs.wheelchair or citizen.needs.ground_floor)
        and vacancy.floor != 0
        and not vacancy.elevator
    ):
        problems.append(
            ctx.say(
                f"har brug for stueetage eller elevator; boligen ligger på {vacancy.floor}. "
                "sal uden elevator",
                f"needs the ground floor or a lift; the home is on floor {vacancy.floor} "
                "without a lift",
            )
        )
    return Check("accessibility", not problems, "; ".join(problems))


def pets(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: a citizen with a pet only gets homes where pets are allowed.

    The house rules of the housing department decide (DOMAIN.md section 1: a home the
    person can keep).
    """
    if citizen.needs.pets and not vacancy.pets_allowed:
        return Check(
            "pets",
            False,
            ctx.say(
                "borgeren har et husdyr; husdyr er ikke tilladt i denne bolig",
                "the citizen has a pet; pets are not allowed in this home",
            ),
        )
    return Check("pets", True)


def age(citizen: Citizen, as_of: date) -> int:
    """Whole years on ``as_of`` from the birth date, else the as_of year minus the birth year."""
    born = citizen.birth_date
    if born is None:
        assert citizen.birth_year is not None
        return as_of.year - citizen.birth_year
    before_birthday = (as_of.month, as_of.day) < (born.month, born.day)
    return as_of.year - born.year - (1 if before_birthday else 0)


def youth_unit(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: youth units (ungdomsboliger) only go to citizens under the age limit."""
    years = age(citizen, ctx.as_of)
    born = citizen.birth_date.isoformat() if citizen.birth_date else str(citizen.birth_year)
    limit = ctx.policy.youth_age_limit
    if vacancy.kind == "youth" and years >= limit:
        return Check(
            "youth_unit",
            False,
            ctx.say(
                f"ungdomsbolig for borgere under {limit} år; borgeren er {years} år (født {born})",
                f"youth unit for citizens under {limit}; the citizen is {years} (born {born})",
            ),
        )
    return Check("youth_unit", True)


def unit_kind(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: transitional, elderly and skæv units only for those they are meant for."""
    p = ctx.policy
    years = age(citizen, ctx.as_of)
    if vacancy.kind == "transitional" and not p.allow_transitional:
        text = ctx.say(
            "udslusningsbolig uden permanent lejekontrakt; kommunen anviser ikke disse",
            "transitional unit (udslusningsbolig) without a permanent lease; the "
            "municipality does not offer these",
        )
        return Check("unit_kind", False, text)
    if vacancy.kind == "elderly" and years < p.elderly_min_age and not citizen.disability:
        text = ctx.say(
            f"ældrebolig (almenboligloven § 54) for borgere på mindst {p.elderly_min_age} år "
            f"eller med et handicap; borgeren er {years} år uden handicap",
            f"ældrebolig (almenboligloven § 54) for citizens aged {p.elderly_min_age} or more "
            f"or with a disability; the citizen is {years} without a disability",
        )
        return Check("unit_kind", False, text)
    if vacancy.kind == "skaev" and not citizen.skaev_target_group:
        text = ctx.say(
            "skæv bolig; borgeren er ikke vurderet til at være i målgruppen",
            "skæv bolig; staff have not marked the citizen as its target group",
        )
        return Check("unit_kind", False, text)
    return Check("unit_kind", True)


def _recent(day: date | None, as_of: date) -> bool:
    """On or after as_of, or fewer than 6 whole months before it (the law's 6 months)."""
    return day is not None and (day >= as_of or whole_months(day, as_of) < 6)


def _months(since: date | None, as_of: date) -> int:
    return -1 if since is None else whole_months(since, as_of)


def listed_area(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: almenboligloven § 59 stk. 6 (criteria 1-7) and stk. 7 (1-4 and 5)."""
    category = vacancy.area_category or ("udsat" if vacancy.listed_area else "none")
    if category == "none":
        return Check("listed_area", True)
    facts = citizen.area_facts or section59.NO_FACTS
    released = facts.released_from_prison_on
    if citizen.situation == 7 and citizen.deadline is not None:
        released = max(d for d in (released, citizen.deadline) if d is not None)
    cash = max(
        _months(citizen.kontanthjaelp_since, ctx.as_of),
        _months(facts.hjemrejseydelse_since, ctx.as_of),
    )
    common = [
        ("prison_release", _recent(released, ctx.as_of)),
        ("secure_institution", _recent(facts.secure_institution_released_on, ctx.as_of)),
        ("lease_breach", _recent(facts.lease_terminated_on, ctx.as_of)),
        ("citizenship", facts.non_eu_citizen),
    ]
    if category == "forebyggelse":
        stk = 7
        met = [
            *common,
            ("hjemrejseydelse", _months(facts.hjemrejseydelse_since, ctx.as_of) >= 6),
        ]
    else:
        stk = 6
        pension = facts.foertidspension or any(i.kind == "foertidspension" for i in citizen.income)
        met = [
            *common,
            ("cash_benefit", cash >= 6),
            ("foertidspension", pension),
            ("unemployment_benefit", _months(facts.dagpenge_since, ctx.as_of) >= 6),
        ]
    codes = [code for code, hit in met if hit]
    if not codes:
        return Check("listed_area", True)
    order = [c.code for c in section59.CRITERIA]
    codes.sort(key=order.index)
    return Check(
        "listed_area",
        False,
        section59.reason(stk, category, codes, section59.facts(citizen, ctx.as_of), ctx.language),
    )


def support_reach(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: a team of the citizen's method must reach the home, when the municipality
    lists teams of that method."""
    mine = [
        t
        for t in ctx.teams
        if t.municipality_code == citizen.municipality_code and t.method == citizen.support
    ]
    if not mine:
        return Check("support_reach", True)
    reaches = any(
        t.municipality_code == vacancy.municipality_code
        and (not t.areas or vacancy.area in t.areas)
        for t in mine
    )
    if reaches:
        return Check("support_reach", True)
    method = citizen.support
    return Check(
        "support_reach",
        False,
        ctx.say(
            f"borgeren har brug for {method}-støtte; intet {method}-team i kommunen dækker "
            f"{vacancy.area}",
            f"the citizen needs {method} support; no {method} team of the municipality "
            f"reaches {vacancy.area}",
        ),
    )


def avoided_area(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: never offer a home in an area the citizen has asked to avoid.

    DOMAIN.md section 1 (Housing First: a home that fits the person, e.g. away from a
    former drug scene); the citizen's ``preferences.avoid_areas``.
    """
    if vacancy.area in citizen.preferences.avoid_areas:
        return Check(
            "avoided_area",
            False,
            ctx.say(
                f"borgeren har bedt om ikke at bo i {vacancy.area}",
                f"the citizen asked to avoid {vacancy.area}",
            ),
        )
    return Check("avoided_area", True)


def available_by_deadline(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the home is available by the citizen's release or discharge deadline.

    Applies only when the municipality sets ``require_available_by_deadline`` and the
    citizen has a ``deadline`` (situations 7 and 8, DOMAIN.md section 4).
    """
    deadline = citizen.deadline
    if (
        ctx.policy.require_available_by_deadline
        and deadline is not None
        and vacancy.available_from > deadline
    ):
        late = (vacancy.available_from - deadline).days
        return Check(
            "available_by_deadline",
            False,
            ctx.say(
                f"ledig fra {vacancy.available_from.isoformat()}, {late} dage efter borgerens "
                f"frist {deadline.isoformat()}",
                f"available from {vacancy.available_from.isoformat()}, {late} days after the "
                f"citizen's deadline {deadline.isoformat()}",
            ),
        )
    return Check("available_by_deadline", True)


def affordability_policy(policy: Policy) -> AffordabilityPolicy:
    """The affordability module's policy from a municipality's settings."""
    return AffordabilityPolicy(
        max_rent_share=policy.max_rent_share,
        min_left_per_adult_dkk=policy.min_left_per_adult_dkk,
        min_left_per_child_dkk=policy.min_left_per_child_dkk,
        boligydelse_caps_apply=policy.boligydelse_caps_apply,
        rent_share_rule=policy.rent_share_rule,
        reduction_end_rule=policy.reduction_end_rule,
    )


def affordability_household(
    citizen: Citizen, as_of: date, policy: Policy
) -> AffordabilityHousehold:
    """The citizen's household as the affordability module takes it: both incomes of
    DOMAIN.md 5 from the scalar :func:`matcher.income.household_incomes`."""
    kinds = {i.kind for i in citizen.income}
    incomes = household_incomes(
        citizen_income_items(citizen),
        year=as_of.year,
        local=citizen_tax_rates(citizen, policy, as_of.year),
    )
    return AffordabilityHousehold(
        adults=citizen.household.adults,
        children=citizen.household.children,
        monthly_income_dkk=citizen_income(citizen),
        housing_benefit_income_dkk=incomes.housing_benefit_income_dkk,
        disposable_income_dkk=incomes.disposable_dkk,
        wealth_dkk=citizen.wealth_dkk,
        pensioner="folkepension" in kinds,
        receives_foertidspension="foertidspension" in kinds,
        mobility_impaired=citizen.mobility_impaired,
        doegnhjaelp=citizen.doegnhjaelp,
        receives_seniorpension=citizen.seniorpension,
        foertidspension_before_2003=citizen.foertidspension_before_2003,
    )


def affordability_home(vacancy: Vacancy, as_of: date, *, with_reduction: bool = True) -> Home:
    """The vacancy as the affordability module takes it (utilities a conto: heating separate)."""
    reduction = effective_reduction(vacancy, as_of) if with_reduction else 0.0
    return Home(
        rent_dkk=vacancy.rent_dkk,
        utilities_dkk=vacancy.utilities_dkk,
        size_m2=vacancy.size_m2,
        rent_reduction_dkk=reduction,
        rent_reduction_until=vacancy.rent_reduction_until if reduction > 0 else None,
        heating="separate",
        municipal_allocation=vacancy.allocation == "municipal",
    )


def affordability(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the household can pay the home and keep enough to live on.

    The affordability module's verdict (DOMAIN.md section 5): gross rent at most
    ``max_rent_share`` of income, and at least ``min_left_per_adult_dkk`` per adult plus
    ``min_left_per_child_dkk`` per child left after the net housing cost (rent minus a
    current rent reduction plus utilities minus housing benefit). Rates of the ``as_of``
    year.
    """
    verdict = assess(
        affordability_household(citizen, ctx.as_of, ctx.policy),
        affordability_home(vacancy, ctx.as_of),
        year=ctx.as_of.year,
        as_of=ctx.as_of,
        policy=affordability_policy(ctx.policy),
    )
    return Check(
        "affordability",
        verdict.affordable,
        "" if verdict.affordable else summary_in(verdict, ctx.policy, ctx.language),
    )


def summary_in(verdict: Verdict, policy: Policy, language: str) -> str:
    """The scalar verdict's summary in ``language`` (``Verdict.summary`` is the English)."""
    if language != "da":
        return verdict.summary
    return summary_text(
        left_dkk=verdict.left_dkk,
        required_left_dkk=verdict.required_left_dkk,
        gross_rent_dkk=verdict.gross_rent_dkk,
        max_gross_rent_dkk=verdict.max_gross_rent_dkk,
        max_rent_share=policy.max_rent_share,
        rent_share_hard=policy.rent_share_rule == "hard",
        language="da",
    )


def affordable_after_reduction(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule (by default): a home with a temporary § 98 f reduction stays affordable
    after it ends. The scalar verdict's ``affordable_after_reduction``, judged on its own
    (also for a pair that is not affordable now), as the array rule does."""
    if ctx.policy.reduction_end_rule != "hard":
        return Check("affordable_after_reduction", True)
    home = affordability_home(vacancy, ctx.as_of)
    if home.rent_reduction_dkk <= 0 or home.rent_reduction_until is None:
        return Check("affordable_after_reduction", True)
    after = assess(
        affordability_household(citizen, ctx.as_of, ctx.policy),
        affordability_home(vacancy, ctx.as_of, with_reduction=False),
        year=ctx.as_of.year,
        as_of=ctx.as_of,
        policy=affordability_policy(ctx.policy),
    )
    if after.affordable:
        return Check("affordable_after_reduction", True)
    reduction = round_ore_to_dkk(hundredths(home.rent_reduction_dkk))
    until = home.rent_reduction_until
    after_day = until + timedelta(days=1)
    if ctx.language == "da":
        return Check(
            "affordable_after_reduction",
            False,
            f"den midlertidige huslejenedsættelse (almenboligloven § 98 f) på "
            f"{reduction:_} kr. slutter {until:%d.%m.%Y}; fra {after_day:%d.%m.%Y} er "
            f"huslejen {after.gross_rent_dkk:_} kr., og ".replace("_", ".")
            + summary_in(after, ctx.policy, "da"),
        )
    return Check(
        "affordable_after_reduction",
        False,
        f"the temporary rent reduction (almenboligloven § 98 f) of {reduction:,} kr. ends on "
        f"{until.isoformat()}; from {(until + timedelta(days=1)).isoformat()} the rent is "
        f"{after.gross_rent_dkk:,} kr. and {after.summary}",
    )


HARD_RULES = (
    allocation_right,
    household_fits,
    accessibility,
    pets,
    youth_unit,
    unit_kind,
    listed_area,
    support_reach,
    avoided_area,
    available_by_deadline,
    affordability,
    affordable_after_reduction,
)
"""The hard rules in funnel order: cheap rules first, affordability last."""
HARD_RULE_NAMES = tuple(rule.__name__ for rule in HARD_RULES)


def check_pair(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> list[Check]:
    """Every hard rule's verdict on one pair, in funnel order."""
    return [rule(citizen, vacancy, ctx) for rule in HARD_RULES]
