"""Settings from the environment (prefix ``BOLIGMATCH_``), validated by pydantic-settings.

Every number the law does not fix (answer deadlines, refusal policy, what must be
left to live on) is a per-municipality policy (:class:`kernel.policy.MunicipalityPolicy`,
whose matching rules are :class:`matcher.policy.Policy`) with a documented default
(DOMAIN.md sections 5 and 6), never a hidden constant in the code.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.policy import MunicipalityPolicy

DEVELOPMENT_SECRET = "development-only-secret-change-me"


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
