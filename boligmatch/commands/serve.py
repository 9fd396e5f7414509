"""`boligmatch serve`: the web app and API on uvicorn (CONTRACT.md sections 1 and 5)."""

from __future__ import annotations

import ipaddress

import typer
from pydantic import ValidationError

from boligmatch.commands._common import fail, migrated_sessions
from kernel.cli_messages import say
from kernel.logging import configure_logging
from kernel.settings import Settings, get_settings


def is_loopback(host: str) -> bool:
    """True if ``host`` is reachable only from this machine (``localhost``, 127/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def settings_or_exit() -> Settings:
    """The settings, or a clean error naming the bad settings (never their values)."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            (f"BOLIGMATCH_{'__'.join(str(p) for p in e['loc']).upper()}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors(include_input=False, include_url=False, include_context=False)
        )
        fail(say("invalid_settings", problems=problems))


def command(
    host: str = typer.Option("127.0.0.1", "--host", help="interface to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
    migrate: bool = typer.Option(
        True,
        "--migrate/--no-migrate",
        help="migrate the database first (deployments run `boligmatch migrate` as its own step)",
    ),
) -> None:
    """Serve the API (and web pages) on http://HOST:PORT; the database is migrated first.

    In development with the published default secrets the server listens on loopback
    only: anyone who can reach it could otherwise sign tokens of their own.
    """
    settings = settings_or_exit()
    if settings.uses_default_secrets and not is_loopback(host):
        fail(say("default_secrets_exposed", host=host))

    import uvicorn

    from api.app import create_app

    configure_logging(settings.log_level)
    if migrate:
        migrated_sessions(settings.database_url)
    uvicorn.run(
        create_app(database_url=settings.database_url),
        host=host,
        port=port,
        log_config=None,  # keep our JSON, CPR-redacting handler
        access_log=False,  # the app logs one structured line per request itself
    )
