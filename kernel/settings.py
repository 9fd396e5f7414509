"""Settings from the environment (prefix ``BOLIGMATCH_``), validated by pydantic-settings.

Every number the law does not fix (answer deadlines, refusal policy, what must be
left to live on) is a per-municipality policy here with a documented default
(DOMAIN.md sections 5 and 6), never a hidden constant in the code.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"


class AffordabilityMinimums(BaseModel):
    """What a household must keep (DOMAIN.md section 5 defaults; no national rule exists)."""

    model_config = ConfigDict(extra="forbid")

    max_rent_share: float = Field(0.5, gt=0, le=1, description="gross rent / income, at most")
    min_left_per_adult_dkk: int = Field(3500, ge=0, description="[DKK/month] left per adult")
    min_left_per_child_dkk: int = Field(2000, ge=0, description="[DKK/month] left per child")


class RefusalPolicy(BaseModel):
    """What happens when a citizen declines suitable offers (DOMAIN.md section 6).

    ``max_refusals`` declined offers are tolerated; the next one triggers ``action``:
    ``remove`` takes the case off the list (Albertslund's practice), ``review`` only
    flags it for a caseworker, ``none`` does nothing.
    """

    model_config = ConfigDict(extra="forbid")

    max_refusals: int = Field(2, ge=0)
    action: Literal["remove", "review", "none"] = "review"


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
    affordability: AffordabilityMinimums = AffordabilityMinimums()
    youth_max_age: int = Field(29, ge=18, description="oldest age admitted to a youth unit")
    deadline_rule: bool = Field(
        True, description="a home must be available before a release/discharge deadline"
    )
    aftercare: AftercarePolicy = AftercarePolicy()


class NoticeSettings(BaseModel):
    """Where the outbox worker delivers (``BOLIGMATCH_NOTICES__SMTP_HOST`` etc.)."""

    model_config = ConfigDict(extra="forbid")

    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "boligmatch@localhost"
    smtp_timeout_seconds: float = Field(10.0, gt=0)
    smtp_starttls: bool = False
    print_folder: str = "var/print"
    max_attempts: int = Field(10, ge=1, le=100)
    backoff_seconds: int = Field(60, ge=1, description="first retry delay; doubles each time")
    max_backoff_seconds: int = Field(6 * 3600, ge=1)


class Settings(BaseSettings):
    """Process-wide settings. ``BOLIGMATCH_ENVIRONMENT=production`` enforces real secrets."""

    model_config = SettingsConfigDict(env_prefix="BOLIGMATCH_", env_nested_delimiter="__")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/kernel.db"
    cpr_hash_secret: str = DEVELOPMENT_SECRET
    jwt_secret: str = DEVELOPMENT_SECRET
    jwt_ttl_minutes: int = Field(8 * 60, ge=1)
    idempotency_retention_hours: int = Field(
        24,
        ge=1,
        le=24 * 90,
        description="how long a stored answer to an Idempotency-Key is replayed, then deleted",
    )
    log_level: str = "INFO"
    turnover_rate: float = Field(0.14, gt=0, lt=1, description="share of the stock let per year")
    default_policy: MunicipalityPolicy = MunicipalityPolicy()
    municipality_policies: dict[str, MunicipalityPolicy] = Field(default_factory=dict)
    notices: NoticeSettings = NoticeSettings()

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production":
            for name in ("cpr_hash_secret", "jwt_secret"):
                value = getattr(self, name)
                if value == DEVELOPMENT_SECRET or len(value) < 32:
                    raise ValueError(
                        f"BOLIGMATCH_{name.upper()} must be set to a secret of at least "
                        "32 characters outside development"
                    )
        return self

    def policy_for(self, municipality_code: str) -> MunicipalityPolicy:
        """The municipality's own policy, or the default one."""
        return self.municipality_policies.get(municipality_code, self.default_policy)


@cache
def get_settings() -> Settings:
    """Settings read once per process (tests clear the cache to change them)."""
    return Settings()
