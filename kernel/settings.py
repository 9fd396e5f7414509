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


class Settings(BaseSettings):
    """Process-wide settings. ``BOLIGMATCH_ENVIRONMENT=production`` enforces real secrets.

    There are two environments only: ``development`` (default secrets allowed, but
    ``boligmatch serve`` then listens on loopback only) and ``production``. Tests run
    as development with real secrets. No secret is ever echoed: validation errors hide
    their input (``hide_input_in_errors``) and the secrets are left out of ``repr``.
    """

    model_config = SettingsConfigDict(
        env_prefix="BOLIGMATCH_", env_nested_delimiter="__", hide_input_in_errors=True
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = Field("sqlite:///var/kernel.db", repr=False)  # may hold a password
    cpr_hash_secret: str = Field(DEVELOPMENT_SECRET, repr=False)
    jwt_secret: str = Field(DEVELOPMENT_SECRET, repr=False)
    max_request_bytes: int = Field(
        10 * 1024 * 1024,
        ge=1024,
        description="[bytes] largest request body accepted (413 above it)",
    )
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

    @property
    def uses_default_secrets(self) -> bool:
        """True while a secret still has its published development value."""
        return DEVELOPMENT_SECRET in (self.cpr_hash_secret, self.jwt_secret)

    def policy_for(self, municipality_code: str) -> MunicipalityPolicy:
        """The municipality's own policy, or the default one."""
        return self.municipality_policies.get(municipality_code, self.default_policy)


@cache
def get_settings() -> Settings:
    """Settings read once per process (tests clear the cache to change them)."""
    return Settings()
