"""`boligmatch import-vacancies FILE`: a housing association's list into the database."""

from __future__ import annotations

from pathlib import Path

import typer

from boligmatch.commands._common import migrated_sessions
from inventory.importer import COLUMNS, ImportFailed, import_vacancy_list

_COLUMN_HELP = "\n".join(
    f"  {c.name}{'' if c.required else ' (optional)'}: {c.doc}" for c in COLUMNS
)


def command(
    file: Path = typer.Argument(..., help="the vacancy list, .csv (UTF-8) or .xlsx"),
) -> None:
    """Import a vacancy list, all or nothing: any bad row means nothing is saved.

    Re-importing the same list updates the units and their open vacancies in place.
    """
    if not file.is_file():
        typer.echo(f"error: {file}: no such file", err=True)
        raise typer.Exit(2)
    sessions = migrated_sessions()
    try:
        with sessions() as session, session.begin():
            summary = import_vacancy_list(session, file.read_bytes(), file.name)
    except ImportFailed as failure:
        typer.echo(f"error: {file.name}: {failure}", err=True)
        for error in failure.errors:
            typer.echo(f"  {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"imported {summary.rows} rows from {file.name}: "
        f"{summary.units_created} new units, {summary.units_updated} updated; "
        f"{summary.vacancies_created} new vacancies, {summary.vacancies_updated} updated"
    )


command.__doc__ = f"{command.__doc__}\n\nColumns:\n{_COLUMN_HELP}"
