"""The `boligmatch` command line (CONTRACT.md section 3).

Each command lives in its own module under `boligmatch.commands` so that the
command line stays a thin layer over the packages; this file only registers them.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="boligmatch",
    help="Housing-stock matching for Danish Housing First municipalities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    """Import the command modules and attach their commands to the app."""
    from boligmatch.commands import (
        auth,
        demo,
        expire_offers,
        housing_benefit,
        import_vacancies,
        migrate,
        purge_personal_data,
        send_notices,
        serve,
        shortfall,
        simulate,
        solve,
    )

    app.command("demo")(demo.command)
    app.command("serve")(serve.command)
    app.command("migrate")(migrate.command)
    app.command("solve")(solve.command)
    app.command("import-vacancies")(import_vacancies.command)
    app.command("housing-benefit")(housing_benefit.command)
    app.command("shortfall")(shortfall.command)
    app.command("simulate")(simulate.command)
    app.command("expire-offers")(expire_offers.command)
    app.command("send-notices")(send_notices.command)
    app.command("purge-personal-data")(purge_personal_data.command)
    auth.register(app)


def main() -> None:
    """Entry point of the `boligmatch` console script."""
    _register()
    app()
