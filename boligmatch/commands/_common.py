"""Helpers shared by the commands: database sessions, error exits, help text."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

EXIT_BAD_INPUT = 2
"""Exit code for bad input, the same as Typer's own usage errors."""


def migrated_sessions(url: str | None = None) -> sessionmaker[Session]:
    """Sessions on the configured database, migrated to head with the municipalities loaded.

    Commands are the first thing a new user runs, so they bring the embedded SQLite
    database up to date themselves rather than failing on a missing table. The database
    modules are imported here, so that commands without a database (``solve``) do not
    load them for :func:`fail`.
    """
    from boligmatch.migrate import upgrade
    from inventory.reference_load import load_municipalities
    from kernel.db import make_engine, session_factory
    from kernel.settings import get_settings

    url = url or get_settings().database_url
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with sessions() as session, session.begin():
        load_municipalities(session)
    return sessions


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with :data:`EXIT_BAD_INPUT`."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=EXIT_BAD_INPUT)


def day_or_today(today: str | None) -> dt.date:
    """The ``--today`` option as a date (Danish today when absent); exit 2 if malformed.

    The cron commands take the day as an option so a missed night can be replayed.
    """
    from kernel.calendar import today as danish_today

    try:
        return dt.date.fromisoformat(today) if today else danish_today()
    except ValueError:
        typer.echo(f"--today: not an ISO date YYYY-MM-DD (got {today!r})", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def print_json(document: object) -> None:
    """Write ``document`` to stdout as indented JSON (a command's ``--json`` summary)."""
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


def reflow_help(command: Callable[..., Any]) -> None:
    """Join each paragraph of ``command``'s docstring into one line.

    Typer's help keeps the docstring's line breaks; joined, each paragraph wraps to the
    terminal instead of at the source's line length.
    """
    command.__doc__ = "\n\n".join(
        " ".join(line.strip() for line in part.splitlines())
        for part in inspect.cleandoc(command.__doc__ or "").split("\n\n")
    )
