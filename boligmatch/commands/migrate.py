"""`boligmatch migrate`: bring the configured database to the newest schema."""

from __future__ import annotations

import typer

from boligmatch.commands._common import migrated_sessions
from kernel.cli_messages import say


def command(
    revision: str = typer.Option("head", help="Alembic revision to migrate to"),
) -> None:
    """Run the Alembic migrations (a separate deployment step) and load the municipalities."""
    if revision != "head":
        from boligmatch.migrate import upgrade
        from kernel.settings import get_settings

        upgrade(get_settings().database_url, revision)
    else:
        migrated_sessions()
    typer.echo(say("migrated", revision=revision))
