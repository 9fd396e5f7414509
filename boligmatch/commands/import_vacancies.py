"""`boligmatch import-vacancies FILE`: a housing association's list into the database."""

from __future__ import annotations

from pathlib import Path

import typer

from boligmatch.commands._common import fail, migrated_sessions
from inventory.importer import COLUMNS, ImportFailed, RowError, import_vacancy_list
from kernel.cli_messages import cli_language, count, say
from kernel.formats import number
from kernel.messages import Lang

_COLUMN_HELP = "\n".join(
    f"  {c.name}{'' if c.required else ' (optional)'}: {c.doc}" for c in COLUMNS
)


def row_error(error: RowError, lang: Lang) -> str:
    """One problem of the list: where (row, column as the file heads it) and what."""
    where = []
    if error.row is not None:
        where.append(say("import_row", row=error.row))
    column = error.column_label(lang)
    if column is not None:
        where.append(say("import_column", column=column))
    return f"{', '.join(where) or say('import_file')}: {error.text(lang)}"


def command(
    file: Path = typer.Argument(..., help="the vacancy list, .csv (UTF-8) or .xlsx"),
) -> None:
    """Import a vacancy list, all or nothing: any bad row means nothing is saved.

    Re-importing the same list updates the units and their open vacancies in place.
    """
    lang = cli_language()
    if not file.is_file():
        fail(say("no_such_file", file=file))
    sessions = migrated_sessions()
    try:
        with sessions() as session, session.begin():
            summary = import_vacancy_list(session, file.read_bytes(), file.name)
    except ImportFailed as failure:
        problems = count(failure.total, "problem", lang)
        rejected = say("import_rejected", file=file.name, problems=problems)
        typer.echo(say("error", message=rejected), err=True)
        for error in failure.errors:
            typer.echo(f"  {row_error(error, lang)}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        say(
            "imported",
            rows=count(summary.rows, "row", lang),
            file=file.name,
            units_new=number(summary.units_created, lang),
            units_updated=number(summary.units_updated, lang),
            vacancies_new=number(summary.vacancies_created, lang),
            vacancies_updated=number(summary.vacancies_updated, lang),
        )
    )


command.__doc__ = f"{command.__doc__}\n\nColumns:\n{_COLUMN_HELP}"
