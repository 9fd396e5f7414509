"""Per-municipality policy settings and score weights, with their documented defaults.

There is no national points system for homeless citizens and no national rule for what a
household must have left to live on (DOMAIN.md sections 4 and 5), so every number the
matcher uses to rule a pair out or to weigh it is a setting here, shown in the schema and
in every explanation, never a hidden constant. This is the one model of those rules and
the one set of their defaults: the affordability module's settings
(:class:`matcher.affordability.AffordabilityPolicy`), a municipality's settings
(:class:`kernel.policy.MunicipalityPolicy`, which holds a ``Policy`` as ``matching``) and
the planners' scenario levers (:class:`planning.scenarios.Scenario`) all take theirs
from here.

A problem document carries a default ``policy`` for every municipality, optional
``municipality_policies`` keyed by municipality code (a municipality's entry replaces the
default policy as a whole; fields it leaves out take the defaults below), and ``weights``
used by every policy that does not carry its own.

"House as many citizens as possible first" is the default: with ``weights.housed`` left
``null`` every feasible pair gets a *housed bonus* larger than the score any other parts
could ever add up to over a whole component (see :func:`housed_bonus`), so no plan that
houses fewer citizens can beat one that houses more. Set ``housed`` to an integer to weigh
housing one more citizen explicitly against urgency and fit (``0`` = pure best-fit).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SituationPoints(BaseModel):
    """Urgency points for each homelessness situation (the national definition, VIVE).

    Defaults are a transparent starting point, not law (issue 12 revisited them against
    DOMAIN.md section 4): the street and night shelters first; shelters, hotels, staying
    with others and release or discharge without a home level with each other, because
    sofa-surfing is as burdened as shelter life and young people are over-represented
    there (the earlier default ranked it 50 points below a shelter); transitional units
    and "other" last. The spread between the highest and the lowest is kept at 200 so
    that the time parts (:class:`Weights`) can outweigh it.
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    street: int = Field(400, ge=0, le=100_000, description="Situation 1: living on the street.")
    night_shelter: int = Field(350, ge=0, le=100_000, description="Situation 2: night shelter.")
    shelter: int = Field(
        300, ge=0, le=100_000, description="Situation 3: shelter or hostel (servicelov § 110)."
    )
    hotel: int = Field(
        300, ge=0, le=100_000, description="Situation 4: hotel or hostel because homeless."
    )
    with_others: int = Field(
        300,
        ge=0,
        le=100_000,
        description=(
            "Situation 5: staying temporarily with family or friends without a lease "
            "(sofa-surfing: as burdened as shelter life, DOMAIN.md 4)."
        ),
    )
    transitional: int = Field(
        200,
        ge=0,
        le=100_000,
        description="Situation 6: transitional unit without a permanent lease.",
    )
    prison_release: int = Field(
        300,
        ge=0,
        le=100_000,
        description="Situation 7: to be released from prison within a month without housing.",
    )
    hospital_discharge: int = Field(
        300,
        ge=0,
        le=100_000,
        description="Situation 8: to be discharged from hospital or treatment within a month.",
    )
    other: int = Field(200, ge=0, le=100_000, description="Situation 9: other.")

    def as_list(self) -> list[int]:
        """Points indexed by situation number minus one (situation 1 first)."""
        return [
            self.street,
            self.night_shelter,
            self.shelter,
            self.hotel,
            self.with_others,
            self.transitional,
            self.prison_release,
            self.hospital_discharge,
            self.other,
        ]


class Weights(BaseModel):
    """Named integer weights of the soft rules [points].

    Every part of a pair's score is an integer number of points computed from one of
    these weights, so that scores are exact, comparable across runs and can be read out
    part by part to a citizen. Months are counted as whole 30-day periods.

    The defaults follow what the reform and the seeds prioritise (DOMAIN.md section 4,
    revisited in issue 12):

    * *end long-term homelessness*: 10 points per month homeless up to 720 (six years),
      so time homeless keeps counting long after the earlier cap of 240 (four years at 5);
    * *young people*: ``young_points`` for citizens under ``young_age_limit`` (youth
      homelessness rose sharply), beside sofa-surfing's higher situation points;
    * *waiting time must win eventually*: 10 points per month on the list up to 720.
      The two time parts together (up to 1,440) exceed the largest difference every
      other part can make between two citizens for the same home (situation spread 200
      + deadline 300 + children 150 + young 100 + area 120 + distance 100 + stays
      affordable 100 + support 200 + move-in 0, as the home is the same = 1,270), so no
      group waits without end; :meth:`time_outweighs_the_rest` checks a weight set.
      Those caps are reached after six years. A municipality that wants a firmer
      promise sets ``overdue_after_months``: from that month on the list a citizen gets
      ``overdue_points`` on top of the time-on-list points (by default one more than all
      other parts together), so an overdue citizen comes before everyone who is not, for
      any home they fit, and among the overdue the longest wait leads (issue 17). The
      points stay exact integers and show in the time-on-list part of the breakdown.
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    housed: int | None = Field(
        None,
        ge=0,
        le=10**12,
        description=(
            "Bonus for every citizen housed [points]. null (default) = 'house as many "
            "citizens as possible first': the bonus is set to the smallest power of ten "
            "above (largest possible sum of the other parts) x (most citizens any "
            "component could house), so no trade of one housed citizen for better scores "
            "elsewhere is ever worth it. An integer weighs housing explicitly against the "
            "other parts; 0 gives a pure best-fit plan."
        ),
    )
    situation: SituationPoints = Field(
        default_factory=SituationPoints,
        description="Urgency points for the homelessness situation (1-9).",
    )
    homeless_points_per_month: int = Field(
        10, ge=0, le=100_000, description="Urgency points per whole month homeless."
    )
    homeless_points_max: int = Field(
        720, ge=0, le=100_000, description="Cap on the time-homeless points."
    )
    deadline_points: int = Field(
        300,
        ge=0,
        le=100_000,
        description=(
            "Urgency points when a release/discharge deadline is today or past; they fall "
            "linearly to 0 at deadline_window_days before the deadline."
        ),
    )
    deadline_window_days: int = Field(
        60, ge=1, le=3650, description="Days before a deadline at which its points start."
    )
    child_points: int = Field(50, ge=0, le=100_000, description="Urgency points per child.")
    child_points_max: int = Field(150, ge=0, le=100_000, description="Cap on child points.")
    waiting_points_per_month: int = Field(
        10, ge=0, le=100_000, description="Points per whole month on the list (registered_on)."
    )
    waiting_points_max: int = Field(
        720, ge=0, le=100_000, description="Cap on the time-on-list points."
    )
    overdue_after_months: int | None = Field(
        None,
        ge=1,
        le=600,
        description=(
            "The municipality's longest acceptable wait [whole months on the list]: a "
            "citizen who has waited this long gets overdue_points on top of the time-on-"
            "list points, so they come before every citizen who has not, for any home "
            "they fit. null (default) = no such limit."
        ),
    )
    overdue_points: int | None = Field(
        None,
        ge=1,
        le=10**6,
        description=(
            "Points for an overdue citizen (see overdue_after_months). null (default) = "
            "automatic: one more than every other part can add up to, which puts an "
            "overdue citizen first; among the overdue, the other parts (longer waiting "
            "first) decide."
        ),
    )
    young_points: int = Field(
        100,
        ge=0,
        le=100_000,
        description="Urgency points for a citizen younger than young_age_limit (DOMAIN.md 4).",
    )
    young_age_limit: int = Field(
        25, ge=0, le=150, description="Age below which young_points apply [years]."
    )
    area_rank_points: list[int] = Field(
        default_factory=lambda: [120, 90, 60, 30],
        max_length=50,
        description=(
            "Points when the home's area is the citizen's 1st, 2nd, ... preferred area; "
            "areas ranked beyond this list and unlisted areas get 0."
        ),
    )
    distance_points: int = Field(
        100,
        ge=0,
        le=100_000,
        description=(
            "Points for a home at the citizen's preferred place; they fall linearly to 0 "
            "at distance_zero_km. Citizens without a preferred place get 0."
        ),
    )
    distance_zero_km: float = Field(
        10.0, gt=0, le=1000, description="Distance at which the distance points reach 0 [km]."
    )
    stays_affordable_points: int = Field(
        100,
        ge=0,
        le=100_000,
        description=(
            "Points when the home stays affordable without its temporary rent reduction "
            "(or has no temporary reduction)."
        ),
    )
    support_fit_points: int = Field(
        200,
        ge=0,
        le=100_000,
        description=(
            "Points when a citizen needing ACT or ICM support gets a home in an area a "
            "team of that method covers and has free places for (support_capacity)."
        ),
    )

    # --- move-in time (issue 12 item 6) ---
    move_in_points: int = Field(
        60,
        ge=0,
        le=100_000,
        description=(
            "Points for a home that can be moved into on as_of or earlier; they fall "
            "linearly to 0 at move_in_window_days after as_of (sooner is better: every day "
            "a home stands empty costs the municipality its rent, DOMAIN.md 3)."
        ),
    )
    move_in_window_days: int = Field(
        90, ge=1, le=3650, description="Days after as_of at which the move-in points reach 0."
    )

    def max_other_parts(self) -> int:
        """The largest score the parts other than ``housed`` can add up to for one pair."""
        return self._max_without_overdue() + self.overdue_bonus()

    def overdue_bonus(self) -> int:
        """The points an overdue citizen gets (0 when the municipality sets no limit)."""
        if self.overdue_after_months is None:
            return 0
        if self.overdue_points is not None:
            return self.overdue_points
        return self._max_without_overdue() + 1

    def _max_without_overdue(self) -> int:
        return (
            max(self.situation.as_list())
            + self.homeless_points_max
            + self.deadline_points
            + self.child_points_max
            + self.waiting_points_max
            + max(self.area_rank_points, default=0)
            + self.distance_points
            + self.stays_affordable_points
            + self.support_fit_points
            + self.move_in_points
            + self.young_points
        )

    def time_outweighs_the_rest(self) -> bool:
        """Whether the time parts at their caps outweigh every other difference for one home.

        The largest difference the other parts can make between two citizens competing
        for the same home (move-in time is the home's, so it cancels out): "waiting time
        must win eventually" (DOMAIN.md 4) holds when this is true.
        """
        situations = self.situation.as_list()
        rest = (
            max(situations)
            - min(situations)
            + self.deadline_points
            + self.child_points_max
            + self.young_points
            + max(self.area_rank_points, default=0)
            + self.distance_points
            + self.stays_affordable_points
            + self.support_fit_points
        )
        return self.homeless_points_max + self.waiting_points_max > rest


class Policy(BaseModel):
    """One municipality's settings for the hard rules and, optionally, its own weights."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    max_rent_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description=(
            "Largest share of household income the gross rent may take (DOMAIN.md 5: the "
            "level above which deposit loans and housing benefit may be refused)."
        ),
    )
    min_left_per_adult_dkk: int = Field(
        3500,
        ge=0,
        le=1_000_000,
        description="Money left per adult after the net housing cost [DKK/month] (DOMAIN.md 5).",
    )
    min_left_per_child_dkk: int = Field(
        2000,
        ge=0,
        le=1_000_000,
        description="Money left per child after the net housing cost [DKK/month] (DOMAIN.md 5).",
    )
    boligydelse_caps_apply: bool = Field(
        True,
        description=(
            "Whether boligydelse's maximum benefit and maximum housing expense apply to a "
            "home the municipality does not allocate. A home it allocates (allocation "
            "'municipal', every home the matcher offers) never has them: boligstøtteloven "
            "§ 14 stk. 4 nr. 2 and § 23 stk. 2 (DOMAIN.md 5)."
        ),
    )
    # --- money rules of issue 12 (DOMAIN.md 5) ---
    rent_share_rule: Literal["hard", "assessment"] = Field(
        "hard",
        description=(
            "What a gross rent above max_rent_share of gross income means. 'hard' (default): "
            "the home is not affordable. 'assessment': boligstøtteloven § 15 makes it a "
            "trigger for an overall assessment, not a refusal; the pair stays feasible if "
            "enough is left and the offer carries the flag 'needs_assessment'."
        ),
    )
    reduction_end_rule: Literal["hard", "warning"] = Field(
        "hard",
        description=(
            "A home with a temporary rent reduction (almenboligloven § 98 f) must stay "
            "affordable after the reduction ends: 'hard' (default) rules it out otherwise "
            "(rule affordable_after_reduction); 'warning' offers it with the flag "
            "'unaffordable_after_reduction'. Every offer states the end date and the rent after it."
        ),
    )
    kommuneskat_pct: float | None = Field(
        None,
        ge=0,
        le=40,
        description=(
            "This municipality's kommuneskat [%] for the citizens it acts for, overriding the "
            "shipped table (matcher/data, whose 2026 column rests on one transcription). "
            "null (default): the table's rate of the citizen's municipality_code, or the "
            "national average for a code the table does not hold."
        ),
    )
    max_persons_per_room: int = Field(
        2,
        ge=1,
        le=20,
        description="Household fit: persons may be at most rooms x this (no national rule).",
    )
    max_spare_rooms: int = Field(
        1,
        ge=0,
        le=20,
        description=(
            "Household fit: rooms may exceed persons by at most this many (common practice "
            "of housing associations: at least rooms - 1 persons)."
        ),
    )
    min_m2_per_person: float = Field(
        10.0,
        ge=0,
        le=1000,
        description="Household fit: the home must have at least this many m² per person.",
    )
    youth_age_limit: int = Field(
        30,
        ge=0,
        le=150,
        description=(
            "Youth units (ungdomsboliger) only for citizens younger than this; age is the "
            "as_of year minus the birth year."
        ),
    )
    listed_area_kontanthjaelp_months: int = Field(
        6,
        ge=1,
        le=120,
        description=(
            "Kept so that documents written before issue 12 still validate; the matcher "
            "no longer reads it: almenboligloven § 59 stk. 6 and 7 fix the 6 months. "
            "Planning's simulation still reads it as a lever."
        ),
    )
    # --- unit kinds (issue 12 item 5) ---
    allow_transitional: bool = Field(
        False,
        description=(
            "Offer transitional units (udslusningsboliger). Default false: they have no "
            "permanent lease, so a citizen living there is still homeless (DOMAIN.md 3)."
        ),
    )
    elderly_min_age: int = Field(
        65,
        ge=0,
        le=150,
        description=(
            "Ældreboliger (almenboligloven § 54) only for citizens at least this old, or "
            "with the disability flag; no national age, the municipality's own rule."
        ),
    )
    require_available_by_deadline: bool = Field(
        False,
        description=(
            "When true, a citizen with a deadline is only offered homes available on or before it."
        ),
    )
    weights: Weights | None = Field(
        None, description="This municipality's own weights; null = the document's weights."
    )


def auto_housed_bonus(weight_sets: list[Weights], largest_component: int) -> int:
    """The housed bonus that makes "house as many citizens as possible first" exact.

    Any matching of ``k + 1`` pairs beats any of ``k`` pairs when the bonus ``B`` exceeds
    ``k * S``, ``S`` being the largest sum of the other parts of one pair (over every
    weight set in force, so that one bonus serves the whole problem); ``k`` is below the
    most citizens a component can house. Rounding up to a power of ten keeps the number
    readable in explanations.

    Parameters
    ----------
    weight_sets : list of Weights
        Every weight set in force in the problem.
    largest_component : int [citizens]
        The largest ``min(citizens, vacancies)`` over the problem's components.
    """
    largest_other = max((w.max_other_parts() for w in weight_sets), default=0)
    needed = largest_other * max(largest_component, 1) + 1
    bonus = 10
    while bonus < needed:
        bonus *= 10
    return bonus


def housed_bonus(weights: Weights, auto_bonus: int) -> int:
    """The housed bonus in force for ``weights``: its explicit value or ``auto_bonus``."""
    return auto_bonus if weights.housed is None else weights.housed
