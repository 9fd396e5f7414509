"""`boligmatch token`, `boligmatch api-key` and `boligmatch sessions`: credentials.

Tokens are for operators and scripts using the API (staff, planners,
administrators, association staff); people sign in to the web pages with OpenID
Connect instead (`api/oidc.py`). API keys are for housing associations' own systems
and are shown only once. `sessions revoke` ends a person's web sessions at once.
"""

from __future__ import annotations

import typer

from boligmatch.commands._common import fail, migrated_sessions
from kernel.cli_messages import cli_language, count, say

api_key_app = typer.Typer(help="Manage housing associations' API keys.", no_args_is_help=True)
sessions_app = typer.Typer(help="Manage web sign-in sessions.", no_args_is_help=True)


def token(
    role: str = typer.Option(..., "--role", help="staff, association, planner or admin"),
    subject: str = typer.Option(..., "--subject", help="who the token is for, e.g. an e-mail"),
    municipality: str | None = typer.Option(
        None, "--municipality", help="municipality code (required for staff), e.g. 461"
    ),
    association_id: int | None = typer.Option(
        None, "--association-id", help="housing association id (required for association)"
    ),
    ttl_minutes: int | None = typer.Option(None, "--ttl-minutes", min=1, help="lifetime"),
) -> None:
    """Print a signed bearer token (JWT) for the API (operators and scripts)."""
    from api.auth import Role, TokenScopeMissing, issue_token

    try:
        parsed = Role(role)
    except ValueError:
        fail(say("unknown_role", role=role, roles=", ".join(Role)))
    try:
        typer.echo(
            issue_token(
                subject=subject,
                role=parsed,
                municipality_code=municipality,
                association_id=association_id,
                ttl_minutes=ttl_minutes,
            )
        )
    except TokenScopeMissing as exc:  # issue_token's rule, in the user's language
        fail(say(exc.key))
    except ValueError as exc:
        fail(str(exc))


@api_key_app.command("create")
def create(
    association: str = typer.Option(..., "--association", help="the association's exact name"),
    name: str | None = typer.Option(None, "--name", help="what the key is for"),
) -> None:
    """Create an API key for an association's system; it is printed once, never stored."""
    from api.auth import create_api_key

    sessions = migrated_sessions()
    try:
        with sessions() as session, session.begin():
            key = create_api_key(session, association=association, name=name)
    except LookupError:
        fail(say("no_association", name=association), code=1)
    typer.echo(key)


@api_key_app.command("revoke")
def revoke(prefix: str = typer.Argument(..., help="the key's prefix (after 'bm_')")) -> None:
    """Revoke an API key at once."""
    from api.auth import revoke_api_key

    sessions = migrated_sessions()
    with sessions() as session, session.begin():
        found = revoke_api_key(session, prefix=prefix)
    if not found:
        fail(say("no_api_key", prefix=prefix), code=1)
    typer.echo(say("api_key_revoked", prefix=prefix))


@sessions_app.command("revoke")
def revoke_sessions(
    subject: str = typer.Option(..., "--subject", help="e.g. oidc:kim@odense.dk"),
) -> None:
    """Revoke every active web session of a person (e.g. when they leave)."""
    from api.web.session import revoke_sessions_of

    sessions = migrated_sessions()
    with sessions() as session, session.begin():
        revoked = revoke_sessions_of(session, subject)
    typer.echo(
        say("sessions_revoked", sessions=count(revoked, "session", cli_language()), subject=subject)
    )


def register(app: typer.Typer) -> None:
    """Attach `token` and the `api-key` and `sessions` groups to the main command line."""
    app.command("token")(token)
    app.add_typer(api_key_app, name="api-key")
    app.add_typer(sessions_app, name="sessions")
