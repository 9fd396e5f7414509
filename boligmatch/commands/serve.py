"""`boligmatch serve`: the web app and API on uvicorn (CONTRACT.md sections 1 and 5)."""

from __future__ import annotations

import typer

from boligmatch.commands._common import migrated_sessions
from kernel.logging import configure_logging
from kernel.settings import get_settings


def command(
    host: str = typer.Option("127.0.0.1", "--host", help="interface to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
    migrate: bool = typer.Option(
        True,
        "--migrate/--no-migrate",
        help="migrate the database first (deployments run `boligmatch migrate` as its own step)",
    ),
) -> None:
    """Serve the API (and web pages) on http://HOST:PORT; the database is migrated first."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
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
