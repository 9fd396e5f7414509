"""Settings from the environment (prefix ``BOLIGMATCH_``), validated by pydantic-settings.

Every number the law does not fix (answer deadlines, refusal policy, what must be
left to live on) is a per-municipality policy (:class:`kernel.policy.MunicipalityPolicy`,
whose matching rules are :class:`matcher.policy.Policy`) with a documented default
(DOMAIN.md sections 5 and 6), never a hidden constant in the code.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.policy import MunicipalityPolicy

DEVELOPMENT_SECRET = "development-only-secret-change-me"


# --- sign-in, web sessions and rate limits (api/oidc.py, api/web/session.py, api/ratelimit.py)


SignInRole = Literal["staff", "association", "planner"]
SIGN_IN_ROLES: tuple[SignInRole, SignInRole, SignInRole] = ("staff", "association", "planner")


class OidcSettings(BaseModel):
    """How the web pages sign people in with OpenID Connect (authorization code + PKCE).

    Set ``BOLIGMATCH_OIDC__ISSUER`` and ``BOLIGMATCH_OIDC__CLIENT_ID`` (and, for a
    confidential client, ``BOLIGMATCH_OIDC__CLIENT_SECRET``) to switch it on; the
    provider's endpoints and keys come from ``{issuer}/.well-known/openid-configuration``.
    Which role, municipality and association a person has is read from the ID token's
    claims named here, so a municipality's identity provider (or a federation broker in
    front of several) can say it in its own words: ``role_values`` maps the claim's
    values (a string, or a list such as group names) to boligmatch's roles.
    """

    model_config = ConfigDict(extra="forbid")

    issuer: str | None = Field(None, description="the provider's issuer URL")
    client_id: str | None = None
    client_secret: str | None = Field(None, description="empty for a public client (PKCE)")
    scopes: str = Field("openid profile email", description="space-separated scopes")
    redirect_url: str | None = Field(
        None, description="the callback URL as the provider knows it (default: from the request)"
    )
    subject_claim: str = Field("sub", description="the claim that names the person")
    role_claim: str = Field("boligmatch_role", description="the claim that holds the role")
    municipality_claim: str = Field("municipality_code", description="staff's municipality")
    association_claim: str = Field("association_id", description="association staff's id")
    role_values: dict[str, SignInRole] = Field(
        default_factory=lambda: {
            "staff": SIGN_IN_ROLES[0],
            "association": SIGN_IN_ROLES[1],
            "planner": SIGN_IN_ROLES[2],
        },
        description="role-claim value -> role; values not listed give no role",
    )
    trusted_municipalities: list[str] = Field(
        default_factory=list,
        description="municipality codes this provider may vouch for (empty: any)",
    )
    timeout_seconds: float = Field(10, gt=0, le=60, description="calls to the provider")

    @property
    def configured(self) -> bool:
        """OIDC sign-in is offered."""
        return bool(self.issuer and self.client_id)

    @model_validator(mode="after")
    def _issuer_and_client_together(self) -> OidcSettings:
        if bool(self.issuer) != bool(self.client_id):
            raise ValueError("BOLIGMATCH_OIDC__ISSUER and BOLIGMATCH_OIDC__CLIENT_ID go together")
        return self


class RateLimits(BaseModel):
    """Requests per minute per credential; 0 switches a limit off.

    Kept in each server process's memory: with N worker processes a credential can
    make up to N times the limit. ``burst`` requests may come at once; after that
    they are admitted at the per-minute rate.
    """

    model_config = ConfigDict(extra="forbid")

    sign_in_per_minute: int = Field(10, ge=0, description="sign-in attempts per address")
    sign_in_burst: int = Field(10, ge=1)
    writes_per_minute: int = Field(120, ge=0, description="changing requests per credential")
    writes_burst: int = Field(60, ge=1)


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
    database_url: str = Field("sqlite:///var/boligmatch.db", repr=False)  # may hold a password
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
    # sign-in, sessions, idempotency waits and rate limits
    oidc: OidcSettings = OidcSettings()
    web_session_minutes: int = Field(
        8 * 60, ge=1, le=7 * 24 * 60, description="how long a web sign-in lasts"
    )
    idempotency_wait_seconds: float = Field(
        30, gt=0, le=600, description="how long a retry waits for the first request to finish"
    )
    idempotency_lease_seconds: int = Field(
        600, ge=10, description="after this, an unfinished claim is presumed dead and taken over"
    )
    rate_limits: RateLimits = RateLimits()
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
