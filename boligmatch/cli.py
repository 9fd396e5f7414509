"""The `boligmatch` command line (CONTRACT.md section 3).

Each command lives in its own module under `boligmatch.commands` so that the command
line stays a thin layer over the packages. This file names the commands without
importing their modules: a module is imported only when its command runs or its own
``--help`` is asked for, so ``boligmatch --help`` and a cron job's ``expire-offers`` do
not pay for SQLAlchemy, pandas, OR-Tools and every other command's dependencies
(issue 16). The one-line help shown in ``boligmatch --help`` is therefore written here;
``tests/boligmatch/test_cli_lazy.py`` checks it against each command's own docstring.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """A command known by name, module and one-line help until it is run."""

    name: str
    module: str
    short_help: str


COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand(
        "demo",
        "boligmatch.commands.demo",
        "Create the embedded database, load the demo municipality, match, print offers.",
    ),
    LazyCommand(
        "serve",
        "boligmatch.commands.serve",
        "Serve the API (and web pages) on http://HOST:PORT; the database is migrated first.",
    ),
    LazyCommand(
        "migrate",
        "boligmatch.commands.migrate",
        "Run the Alembic migrations (a separate deployment step) and load the municipalities.",
    ),
    LazyCommand(
        "solve",
        "boligmatch.commands.solve",
        "Solve a problem file: assignments, ranked offers and reasons, no database.",
    ),
    LazyCommand(
        "import-vacancies",
        "boligmatch.commands.import_vacancies",
        "Import a vacancy list, all or nothing: any bad row means nothing is saved.",
    ),
    LazyCommand(
        "housing-benefit",
        "boligmatch.commands.housing_benefit",
        "Estimate housing benefit (boligsikring, or boligydelse with --pensioner) under lov "
        "om individuel boligstøtte.",
    ),
    LazyCommand(
        "shortfall",
        "boligmatch.commands.shortfall",
        "The planner's shortfall table: VIVE counts, yearly demand, affordable supply, gap.",
    ),
    LazyCommand(
        "simulate",
        "boligmatch.commands.simulate",
        "Simulate months of arrivals, vacancies, offers and declines; compare policies.",
    ),
    LazyCommand(
        "expire-offers",
        "boligmatch.commands.expire_offers",
        "Expire sent offers whose answer deadline has passed and propose the next citizens.",
    ),
    LazyCommand(
        "send-notices",
        "boligmatch.commands.send_notices",
        "Send due notices from the outbox (e-mail over SMTP, the day's print batch).",
    ),
    LazyCommand(
        "purge-personal-data",
        "boligmatch.commands.purge_personal_data",
        "Anonymise the personal data of cases closed longer than the retention period.",
    ),
    LazyCommand(
        "token",
        "boligmatch.commands.auth",
        "Print a signed bearer token (JWT) for the API (operators and scripts).",
    ),
    LazyCommand("api-key", "boligmatch.commands.auth", "Manage housing associations' API keys."),
    LazyCommand("sessions", "boligmatch.commands.auth", "Manage web sign-in sessions."),
)
"""Every command in the order ``--help`` lists them."""

_registered: dict[str, LazyCommand] = {}


def commands_of_module(module_name: str) -> dict[str, Any]:
    """Import one command module and build the click commands it defines, by name.

    A module either has ``command`` (one command, named by :data:`COMMANDS`) or
    ``register(app)``, which attaches several commands or groups to a Typer app. Both
    are attached to a scratch app with the main app's settings, then converted.
    """
    module = importlib.import_module(module_name)
    scratch = typer.Typer(rich_markup_mode=app.rich_markup_mode)
    register = getattr(module, "register", None)
    if register is not None:
        register(scratch)
    else:
        (name,) = (c.name for c in COMMANDS if c.module == module_name)
        scratch.command(name)(module.command)
    return dict(typer.main.get_group(scratch).commands)


class _Placeholder(TyperCommand):
    """Stands in for a command in listings until it is resolved to run."""


class LazyGroup(TyperGroup):
    """The top-level group: lists commands from :data:`COMMANDS`, imports them on use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for entry in _registered.values():
            self.commands.setdefault(
                entry.name, _Placeholder(name=entry.name, help=entry.short_help)
            )

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        """Resolve as usual, then swap a placeholder for the real command."""
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Placeholder):
            command = self.load(name)
        return name, command, rest

    def load(self, name: str) -> Any:
        """The real command ``name`` (importing its module), kept for later calls."""
        for built_name, built in commands_of_module(_registered[name].module).items():
            if built_name in _registered:
                self.commands[built_name] = built
        return self.commands[name]


app = typer.Typer(
    name="boligmatch",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def _root() -> None:
    """Housing-stock matching for Danish Housing First municipalities."""


def _register() -> None:
    """Name every command of :data:`COMMANDS` on the app (idempotent; imports none)."""
    _registered.update((entry.name, entry) for entry in COMMANDS)


def main() -> None:
    """Entry point of the `boligmatch` console script."""
    _register()
    app()
