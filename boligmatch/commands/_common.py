"""Helpers shared by the commands: database sessions, error exits, help text."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from kernel.cli_messages import say, translator
from kernel.formats import number
from kernel.messages import Lang

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from planning.schemas import RentBand

EXIT_BAD_INPUT = 2
"""Exit code for bad input, the same as Typer's own usage errors."""
EXIT_FAILED = 1
"""Exit code for a command that could not do its work (the database failed)."""


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


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``fejl: message`` (``error:`` in English) on stderr and exit with ``code``.

    ``message`` is already in the command line's language (:mod:`kernel.cli_messages`).
    """
    typer.echo(say("error", message=message), err=True)
    raise typer.Exit(code=code)


def fail_failed(command: str, error: Exception) -> NoReturn:
    """A cron command's database failure: its name and the error's type and first words.

    The database driver's own words are passed on as they are (they are the operator's
    clue), after the command's name in the command line's language; exit :data:`EXIT_FAILED`.
    """
    problem = f"{type(error).__name__}: {error.args[0] if error.args else error}"
    typer.echo(say("command_failed", command=command, problem=problem), err=True)
    raise typer.Exit(EXIT_FAILED)


def day_or_today(today: str | None) -> dt.date:
    """The ``--today`` option as a date (Danish today when absent); exit 2 if malformed.

    The cron commands take the day as an option so a missed night can be replayed.
    """
    from kernel.calendar import today as danish_today

    try:
        return dt.date.fromisoformat(today) if today else danish_today()
    except ValueError:
        typer.echo(say("bad_today", value=today), err=True)
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


def band_label(band: RentBand, lang: Lang) -> str:
    """The band's rents for people: ``3.500-4.499 kr.`` (``3,500-4,499 kr.`` in English)."""
    lo, hi = band.min_rent_dkk, band.max_rent_dkk
    if lo is None and hi is not None:
        return say("band_below", hi=number(hi, lang))
    if hi is None and lo is not None:
        return say("band_from", lo=number(lo, lang))
    if lo is not None and hi is not None:
        return say("band_between", lo=number(lo, lang), hi=number(hi - 1, lang))
    return band.label


def band_line(band: RentBand, lang: Lang) -> str:
    """One rent band in a line: homes with a municipal right, lettings, groups affording."""
    return translator(lang)(
        "band_line",
        label=band_label(band, lang),
        units=number(band.municipal_right_units, lang).rjust(5),
        lettings=number(band.lettings_per_year, lang, 1).rjust(6),
        groups=band.groups_affording,
    )
