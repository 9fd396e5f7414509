"""A municipality's local rules: the matching policy plus the offer workflow's own settings.

The rules the matcher applies (affordability minimums, household fit, youth units,
listed areas, the deadline rule, score weights) are one model with one set of defaults:
:class:`matcher.policy.Policy`, the problem document's ``policy`` object (CONTRACT.md
section 4). A municipality's settings hold that model as ``matching`` and add what only
the offer workflow uses: the answer deadline and the refusal policy (DOMAIN.md section 6).

One default differs on purpose: staff's settings switch the deadline rule on
(:data:`SETTINGS_MATCHING_DEFAULTS`), while a bare problem document leaves it off, so that
``boligmatch solve`` on a hand-written file does not hide homes its author did not ask to.

The first spelling of these settings (``affordability: {...}``, ``youth_max_age``,
``deadline_rule``, see the README's ``BOLIGMATCH_MUNICIPALITY_POLICIES``) is still
accepted and read into ``matching``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.policy import Policy

if TYPE_CHECKING:  # imported when used: settings load without NumPy
    from matcher.affordability import AffordabilityPolicy

SETTINGS_MATCHING_DEFAULTS: dict[str, Any] = {"require_available_by_deadline": True}
"""Where a municipality's settings default differs from :class:`matcher.policy.Policy`."""

PROBLEM_POLICY_FIELDS = (
    "max_rent_share",
    "min_left_per_adult_dkk",
    "min_left_per_child_dkk",
    "youth_age_limit",
    "require_available_by_deadline",
)
"""The settings every match run's problem document states, set or not (other matching
settings appear there only when a municipality sets them)."""

_OLD_AFFORDABILITY = ("max_rent_share", "min_left_per_adult_dkk", "min_left_per_child_dkk")


class RefusalPolicy(BaseModel):
    """What happens when a citizen declines suitable offers (DOMAIN.md section 6).

    ``max_refusals`` declined offers are tolerated; the next one triggers ``action``:
    ``remove`` takes the case off the list (Albertslund's practice), ``review`` only
    flags it for a caseworker, ``none`` does nothing.
    """

    model_config = ConfigDict(extra="forbid")

    max_refusals: int = Field(2, ge=0)
    action: Literal["remove", "review", "none"] = "review"


def _settings_matching() -> Policy:
    return Policy(**SETTINGS_MATCHING_DEFAULTS)


class MoveInStepRule(BaseModel):
    """When one move-in step is due and who owns it (issue 15).

    ``days_from_move_in`` counts from the home's move-in date (negative: before it);
    a step is never due before ``min_days_after_acceptance`` days after the "yes".
    """

    model_config = ConfigDict(extra="forbid")

    days_from_move_in: int = Field(ge=-90, le=180)
    min_days_after_acceptance: int = Field(1, ge=0, le=60)
    owner: str = Field(min_length=1, max_length=80)


def _default_steps() -> dict[str, MoveInStepRule]:
    # Defaults for a Housing First move-in; each municipality can set its own.
    return {
        "lease_signed": MoveInStepRule(days_from_move_in=-7, owner="boligorganisation"),
        "deposit": MoveInStepRule(days_from_move_in=-5, owner="kommunen (borgerservice)"),
        "benefit_changed": MoveInStepRule(days_from_move_in=14, owner="kontaktperson"),
        "support_started": MoveInStepRule(days_from_move_in=0, owner="bostøtteteam"),
        "furniture": MoveInStepRule(days_from_move_in=-2, owner="kommunen (jobcenter)"),
        "moved_in": MoveInStepRule(days_from_move_in=0, owner="kontaktperson"),
    }


class AftercarePolicy(BaseModel):
    """From "yes" to a kept home: move-in steps, reminders, complaints, retention."""

    model_config = ConfigDict(extra="forbid")

    steps: dict[str, MoveInStepRule] = Field(default_factory=_default_steps)
    urgent_days: int = Field(
        7, ge=0, le=60, description="a late step is 'haster' when move-in is this close"
    )
    digest_days: int = Field(2, ge=0, le=30, description="digest: deadlines within N days")
    staff_email: str | None = Field(None, max_length=200, description="daily digest to")
    complaint_body: str = Field(
        "Ankestyrelsen",
        max_length=200,
        description="where a complaint goes if the municipality upholds its decision "
        "(UNCONFIRMED default: each municipality must set its own)",
    )
    complaint_weeks: int = Field(4, ge=1, le=52, description="weeks to complain")
    retention_days: int = Field(
        5 * 365, ge=30, description="days after closing before personal data is anonymised"
    )


class MunicipalityPolicy(BaseModel):
    """One municipality's local rules; the defaults apply where a municipality set none."""

    model_config = ConfigDict(extra="forbid")

    answer_deadline_days: int = Field(5, ge=1, le=60, description="days to answer an offer")
    refusal: RefusalPolicy = RefusalPolicy()
    matching: Policy = Field(
        default_factory=_settings_matching,
        description="the matcher's rules for this municipality (the problem's `policy`)",
    )
    aftercare: AftercarePolicy = AftercarePolicy()

    @model_validator(mode="before")
    @classmethod
    def _first_spelling(cls, data: Any) -> Any:
        """Read ``affordability``, ``youth_max_age`` and ``deadline_rule`` into ``matching``.

        ``youth_max_age`` was the oldest age admitted; ``youth_age_limit`` is the first
        age refused, hence the ``+ 1``. Naming one setting in both spellings is an error.
        """
        if not isinstance(data, dict):
            return data
        data = dict(data)
        given = data.get("matching", {})
        if isinstance(given, Policy):
            given = {name: getattr(given, name) for name in given.model_fields_set}
        if not isinstance(given, dict):
            return data
        matching: dict[str, Any] = {**SETTINGS_MATCHING_DEFAULTS, **given}
        old: dict[str, Any] = {}
        affordability = data.pop("affordability", None)
        if isinstance(affordability, dict):
            unknown = set(affordability) - set(_OLD_AFFORDABILITY)
            if unknown:
                raise ValueError(f"affordability: unknown setting(s) {sorted(unknown)}")
            old.update(affordability)
        elif affordability is not None:
            raise ValueError("affordability must be an object")
        if "youth_max_age" in data:
            youth_max_age = data.pop("youth_max_age")
            if isinstance(youth_max_age, str) and youth_max_age.strip().isdigit():
                youth_max_age = int(youth_max_age)  # from an environment variable
            if type(youth_max_age) is not int or youth_max_age < 18:
                raise ValueError("youth_max_age must be a whole number of years, at least 18")
            old["youth_age_limit"] = youth_max_age + 1
        if "deadline_rule" in data:
            old["require_available_by_deadline"] = data.pop("deadline_rule")
        both = sorted(set(old) & set(given))
        if both:
            raise ValueError(f"matching.{both[0]} is also given in its first spelling")
        # lax, unlike a problem document: nested environment variables arrive as text
        data["matching"] = Policy.model_validate({**matching, **old}, strict=False)
        return data

    @property
    def affordability(self) -> AffordabilityPolicy:
        """The affordability minimums as the affordability module takes them."""
        from matcher.affordability import AffordabilityPolicy

        return AffordabilityPolicy.of(self.matching)

    def problem_policy(self) -> dict[str, Any]:
        """The problem document's ``policy`` object for this municipality's match runs."""
        stated = {name: getattr(self.matching, name) for name in PROBLEM_POLICY_FIELDS}
        return stated | self.matching.model_dump(mode="json", exclude_unset=True)
