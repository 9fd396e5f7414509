"""Sign-in with OpenID Connect: authorization code flow with PKCE, via Authlib.

Municipal staff (and associations' and planners' people) sign in at their own
organisation's identity provider. The flow:

1. ``GET /login/oidc`` makes a ``state``, a ``nonce`` and a PKCE ``code_verifier``
   (S256 challenge), keeps them in a short-lived, signed, HttpOnly cookie
   (``bm_oidc``, 10 minutes) and sends the browser to the provider.
2. The provider sends the browser back to ``GET /login/oidc/callback`` with a code.
   The state must match the cookie's; the code is exchanged (with the verifier) for
   tokens at the provider's token endpoint, and the ID token's signature (the
   provider's published keys), issuer, audience, expiry and nonce are checked by
   Authlib.
3. The ID token's claims are mapped to a :class:`~api.auth.Principal` by
   :func:`principal_from_claims` (claim names and role values are settings, see
   :class:`kernel.settings.OidcSettings`); a person whose claims give no known role,
   or a staff member without a valid municipality, is refused. A server-side session
   is then started (:mod:`api.web.session`).

The pending-login cookie holds only the flow's one-time values (state, nonce,
verifier, where to go next), signed so it cannot be forged; it is not a credential.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from typing import Any

import jwt
from authlib.integrations.base_client import FrameworkIntegration, OAuthError
from authlib.integrations.base_client.sync_app import BaseApp, OAuth2Mixin
from authlib.integrations.base_client.sync_openid import OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from joserfc.errors import JoseError

from api.auth import Principal, Role
from kernel.settings import OidcSettings, get_settings

PENDING_COOKIE = "bm_oidc"
PENDING_MINUTES = 10
_PENDING_AUDIENCE = "boligmatch:oidc-pending"
_MUNICIPALITY_CODE = re.compile(r"^\d{3}$")


class SignInRefused(Exception):
    """The provider vouched for someone boligmatch has no place for (shown, not logged)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # an i18n key for the sign-in page


class _Provider(OAuth2Mixin, OpenIDMixin, BaseApp):  # type: ignore[misc]
    """Authlib's synchronous OAuth 2 + OpenID client app (as its Flask integration builds it)."""

    client_cls = OAuth2Session


_providers: dict[tuple[str, str, str | None, str, float], _Provider] = {}
_providers_lock = threading.Lock()


def provider(config: OidcSettings) -> _Provider:
    """The client for ``config``; it caches the provider's metadata and keys."""
    assert config.issuer and config.client_id
    key = (
        config.issuer,
        config.client_id,
        config.client_secret,
        config.scopes,
        config.timeout_seconds,
    )
    with _providers_lock:
        found = _providers.get(key)
        if found is None:
            found = _providers[key] = _Provider(
                FrameworkIntegration("boligmatch"),
                name="boligmatch",
                client_id=config.client_id,
                client_secret=config.client_secret,
                server_metadata_url=(
                    f"{config.issuer.rstrip('/')}/.well-known/openid-configuration"
                ),
                client_kwargs={
                    "scope": config.scopes,
                    "code_challenge_method": "S256",
                    "timeout": config.timeout_seconds,
                },
            )
        return found


@dataclass(frozen=True)
class PendingLogin:
    """The one-time values of a sign-in in progress, kept in the signed ``bm_oidc`` cookie."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_url: str | None

    def seal(self) -> str:
        """Sign (HS256 with the app's secret) with a 10-minute expiry."""
        now = dt.datetime.now(dt.UTC)
        return jwt.encode(
            {
                "aud": _PENDING_AUDIENCE,
                "exp": now + dt.timedelta(minutes=PENDING_MINUTES),
                "state": self.state,
                "nonce": self.nonce,
                "verifier": self.code_verifier,
                "redirect_uri": self.redirect_uri,
                "next": self.next_url,
            },
            get_settings().jwt_secret,
            algorithm="HS256",
        )

    @classmethod
    def unseal(cls, sealed: str | None) -> PendingLogin | None:
        """The pending login, or None if the cookie is missing, forged or too old."""
        if not sealed:
            return None
        try:
            data = jwt.decode(
                sealed,
                get_settings().jwt_secret,
                algorithms=["HS256"],
                audience=_PENDING_AUDIENCE,
                options={"require": ["exp", "aud"]},
            )
            return cls(
                state=str(data["state"]),
                nonce=str(data["nonce"]),
                code_verifier=str(data["verifier"]),
                redirect_uri=str(data["redirect_uri"]),
                next_url=data.get("next") if isinstance(data.get("next"), str) else None,
            )
        except (jwt.PyJWTError, KeyError):
            return None


def begin(
    config: OidcSettings, redirect_uri: str, next_url: str | None
) -> tuple[str, PendingLogin]:
    """The provider's authorization URL (code flow, PKCE S256, nonce) and what to keep."""
    made: dict[str, Any] = provider(config).create_authorization_url(redirect_uri=redirect_uri)
    pending = PendingLogin(
        state=made["state"],
        nonce=made["nonce"],
        code_verifier=made["code_verifier"],
        redirect_uri=redirect_uri,
        next_url=next_url,
    )
    return str(made["url"]), pending


def finish(config: OidcSettings, pending: PendingLogin, code: str) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the verified ID token's claims."""
    client = provider(config)
    try:
        token = client.fetch_access_token(
            redirect_uri=pending.redirect_uri, code=code, code_verifier=pending.code_verifier
        )
        claims = client.parse_id_token(token, nonce=pending.nonce)
    except (OAuthError, JoseError, ValueError) as error:
        raise SignInRefused("oidc_failed") from error
    if claims is None:
        raise SignInRefused("oidc_failed")  # no ID token: not an OpenID Connect answer
    return dict(claims)


def _values(claim: object) -> list[str]:
    if isinstance(claim, str):
        return claim.split()
    if isinstance(claim, list | tuple):
        return [str(value) for value in claim]
    return []


def principal_from_claims(claims: dict[str, Any], config: OidcSettings) -> Principal:
    """The boligmatch principal an ID token's claims name; `SignInRefused` if none.

    The role claim may be one value or a list (e.g. groups); exactly one boligmatch
    role must follow from it. Staff need a municipality code (and one this provider
    is trusted for), association staff an association id.
    """
    subject_value = claims.get(config.subject_claim)
    if not isinstance(subject_value, str | int) or not str(subject_value):
        raise SignInRefused("oidc_no_subject")
    roles = {
        config.role_values[value]
        for value in _values(claims.get(config.role_claim))
        if value in config.role_values
    }
    if len(roles) != 1:
        raise SignInRefused("oidc_no_role" if not roles else "oidc_many_roles")
    role = Role(roles.pop())
    subject = f"oidc:{subject_value}"[:120]
    if role is Role.staff:
        code = claims.get(config.municipality_claim)
        code = str(code) if isinstance(code, str | int) else ""
        if not _MUNICIPALITY_CODE.match(code):
            raise SignInRefused("oidc_no_municipality")
        if config.trusted_municipalities and code not in config.trusted_municipalities:
            raise SignInRefused("oidc_untrusted_municipality")
        return Principal(subject=subject, role=role, municipality_code=code)
    if role is Role.association:
        raw = claims.get(config.association_claim)
        text = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
        if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**31:
            raise SignInRefused("oidc_no_association")
        return Principal(subject=subject, role=role, association_id=int(text))
    return Principal(subject=subject, role=role)


__all__ = [
    "PENDING_COOKIE",
    "PendingLogin",
    "SignInRefused",
    "begin",
    "finish",
    "principal_from_claims",
    "provider",
]
