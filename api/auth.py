"""Who is calling, and may they: bearer JWTs for people, API keys for associations' systems.

Every ``/api/v1`` route declares the roles it admits with one of the typed aliases
below (``StaffUser``, ``AssociationOrStaff``, ...). Missing or invalid credentials
answer 401 with ``WWW-Authenticate: Bearer``; a valid caller of the wrong role
gets 403. Scoping to the caller's own municipality or association is the service
functions' job, with the `Principal` passed to them. Changing requests are counted
per credential (:mod:`api.ratelimit`) once the caller is known.

People sign in to the web pages with OpenID Connect (:mod:`api.oidc`); the tokens
made here (``boligmatch token``) are for operators and scripts using the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.errors import ProblemError
from api.models import ApiKey
from api.ratelimit import check_write
from inventory.models import HousingAssociation
from kernel.db import utcnow
from kernel.errors import either
from kernel.settings import get_settings

JWT_ALGORITHM = "HS256"
API_KEY_PREFIX = "bm_"


class Role(StrEnum):
    staff = "staff"
    association = "association"
    planner = "planner"
    admin = "admin"


# The roles in Danish words, for the 403's detail ("Det kræver rollen planlægger ...").
ROLE_DA: dict[Role, str] = {
    Role.staff: "anvisningsmedarbejder",
    Role.association: "boligorganisation",
    Role.planner: "planlægger",
    Role.admin: "administrator",
}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``subject`` is what the audit trail and logs record."""

    subject: str
    role: Role
    municipality_code: str | None = None
    association_id: int | None = None

    @property
    def scope(self) -> str:
        """What the caller acts for: ``municipality:<code>``, ``association:<id>`` or ``""``.

        Idempotency keys and rate limits are kept per subject *and* scope, so the same
        person signed in for two municipalities is two callers.
        """
        if self.municipality_code is not None:
            return f"municipality:{self.municipality_code}"
        if self.association_id is not None:
            return f"association:{self.association_id}"
        return ""

    @property
    def credential(self) -> str:
        """The key rate limits count by: subject and scope."""
        return f"{self.subject}|{self.scope}"


def _unauthorized(key: str) -> ProblemError:
    """The 401 problem; ``key`` names its detail in :mod:`kernel.messages`."""
    return ProblemError(
        401,
        "unauthorized",
        "Unauthorized",
        key=key,
        headers={"WWW-Authenticate": 'Bearer realm="boligmatch"'},
    )


# --- tokens -----------------------------------------------------------------------------


class TokenScopeMissing(ValueError):
    """A token without the scope its role needs; ``key`` names the sentence in the command
    line's catalogue (``kernel.cli_messages``), so the CLI says it in its language."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def issue_token(
    *,
    subject: str,
    role: Role,
    municipality_code: str | None = None,
    association_id: int | None = None,
    ttl_minutes: int | None = None,
) -> str:
    """A signed HS256 JWT for ``subject`` in ``role`` (staff need a municipality,
    associations an association id, so scoping can never fall back to "everything")."""
    role = Role(role)
    if role is Role.staff and not municipality_code:
        raise TokenScopeMissing(
            "staff_needs_municipality", "a staff token must carry a municipality code"
        )
    if role is Role.association and association_id is None:
        raise TokenScopeMissing(
            "association_needs_id", "an association token must carry an association id"
        )
    settings = get_settings()
    now = dt.datetime.now(dt.UTC)
    ttl = ttl_minutes if ttl_minutes is not None else settings.jwt_ttl_minutes
    claims: dict[str, object] = {
        "sub": subject,
        "role": role.value,
        "iat": now,
        "exp": now + dt.timedelta(minutes=ttl),
    }
    if municipality_code is not None:
        claims["mun"] = municipality_code
    if association_id is not None:
        claims["assoc"] = association_id
    return jwt.encode(claims, settings.jwt_secret, algorithm=JWT_ALGORITHM)


def principal_from_token(token: str) -> Principal:
    """Verify a JWT and turn its claims into a `Principal` (401 problem if anything is off)."""
    try:
        claims = jwt.decode(
            token,
            get_settings().jwt_secret,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["sub", "role", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized(key="token_expired") from None
    except jwt.PyJWTError:
        raise _unauthorized(key="token_invalid") from None
    try:
        role = Role(claims["role"])
    except ValueError:
        raise _unauthorized(key="token_unknown_role") from None
    municipality = claims.get("mun")
    association = claims.get("assoc")
    if role is Role.staff and not isinstance(municipality, str):
        raise _unauthorized(key="staff_token_without_municipality")
    if role is Role.association and not isinstance(association, int):
        raise _unauthorized(key="association_token_without_association")
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        municipality_code=municipality if isinstance(municipality, str) else None,
        association_id=association if isinstance(association, int) else None,
    )


# --- API keys ---------------------------------------------------------------------------


def hash_api_key(key: str) -> str:
    """SHA-256 (hex) of a key: keys are long random strings, so no salt or KDF is needed."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, *, association: str, name: str | None = None) -> str:
    """Store a new key for the association named ``association``; return it (shown once)."""
    owner = session.scalar(select(HousingAssociation).where(HousingAssociation.name == association))
    if owner is None:
        raise LookupError(f"no housing association named {association!r}")
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiKey(
            association_id=owner.id,
            name=name or f"{association} system",
            prefix=prefix,
            key_hash=hash_api_key(key),
        )
    )
    session.flush()
    return key


def principal_from_api_key(sessions: sessionmaker[Session], key: str) -> Principal:
    """Look an API key up by its prefix and compare hashes in constant time."""
    body = key.removeprefix(API_KEY_PREFIX)
    prefix, _, secret = body.partition("_")
    if not key.startswith(API_KEY_PREFIX) or not prefix or not secret:
        raise _unauthorized(key="api_key_invalid")
    with sessions() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if (
        row is None
        or row.revoked_at is not None
        or not hmac.compare_digest(row.key_hash, hash_api_key(key))
    ):
        raise _unauthorized(key="api_key_invalid")
    return Principal(
        subject=f"api-key:{row.prefix}", role=Role.association, association_id=row.association_id
    )


def revoke_api_key(session: Session, *, prefix: str) -> bool:
    """Mark a key revoked; True if it existed and was active."""
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


# --- the dependency ---------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="A JWT (`boligmatch token`) or an API key")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A housing association system's API key"
)


def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    """The caller, from ``X-API-Key`` or ``Authorization: Bearer`` (a JWT or a ``bm_`` key)."""
    if api_key:
        principal = principal_from_api_key(request.app.state.sessions, api_key)
    elif bearer is not None and bearer.credentials.startswith(API_KEY_PREFIX):
        principal = principal_from_api_key(request.app.state.sessions, bearer.credentials)
    elif bearer is not None:
        principal = principal_from_token(bearer.credentials)
    else:
        raise _unauthorized(key="credentials_missing")
    request.state.principal = principal  # for the request log line
    check_write(request, principal.credential)  # 429 when this credential writes too fast
    return principal


def require(*roles: Role) -> Callable[..., Principal]:
    """A dependency admitting only ``roles`` (401 without credentials, 403 for other roles)."""
    allowed = frozenset(roles)

    def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if principal.role not in allowed:
            roles_da = either([ROLE_DA[role] for role in sorted(allowed)])[0]
            roles = " or ".join(sorted(allowed))
            raise ProblemError(
                403,
                "forbidden",
                "Forbidden",
                key="role_required",
                values={"roles": roles, "roles_da": roles_da},
            )
        return principal

    dependency.__name__ = f"require_{'_or_'.join(sorted(allowed))}"
    return dependency


AnyUser = Annotated[Principal, Depends(authenticate)]
StaffUser = Annotated[Principal, Depends(require(Role.staff))]
AssociationUser = Annotated[Principal, Depends(require(Role.association))]
AssociationOrStaff = Annotated[Principal, Depends(require(Role.association, Role.staff))]
AssociationOrAdmin = Annotated[Principal, Depends(require(Role.association, Role.admin))]
PlannerUser = Annotated[Principal, Depends(require(Role.planner, Role.admin))]
AdminUser = Annotated[Principal, Depends(require(Role.admin))]
