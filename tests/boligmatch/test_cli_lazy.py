"""The command line imports a command's dependencies only when that command is used.

Each check runs a fresh interpreter and looks at ``sys.modules`` afterwards, because a
module imported anywhere in the test session would hide an eager import here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boligmatch import cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "pandas", "ortools", "numpy", "fastapi", "scipy")

# Commands whose own module needs a heavy library just to describe itself: their
# --help is allowed to load it (the top-level --help never does).
HEAVY_HELP = {
    "housing-benefit": "its help names the rate tables (matcher.rates imports numpy)",
    "import-vacancies": "its help lists the importer's columns (inventory.importer)",
    "simulate": "simulate.py imports pandas and planning.runner at module level",
}


def _loaded_after(code: str) -> list[str]:
    """The heavy top-level packages a fresh interpreter holds after running ``code``."""
    probe = (
        "import sys\n"
        f"{code}\n"
        f"print(__import__('json').dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(run.stdout.strip().splitlines()[-1])
    return loaded


def _run_help(*argv: str) -> str:
    return (
        "from boligmatch.cli import main\n"
        f"sys.argv = ['boligmatch', *{list(argv)!r}, '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )


def test_building_the_app_imports_no_heavy_library() -> None:
    code = (
        "import typer.main, boligmatch.cli\n"
        "boligmatch.cli._register()\n"
        "group = typer.main.get_command(boligmatch.cli.app)\n"
        "assert 'solve' in group.list_commands(None)"
    )
    assert _loaded_after(code) == []


def test_top_level_help_imports_no_heavy_library() -> None:
    assert _loaded_after(_run_help()) == []


def test_the_matcher_loads_pandas_only_for_side_constraints() -> None:
    """OR-Tools' CP-SAT module imports pandas; a plain solve (min-cost flow) does without."""
    assert "pandas" not in _loaded_after("import matcher.api")
    assert "pandas" in _loaded_after(
        "from matcher.solver import solve_cp_sat\n"
        "import numpy as np\n"
        "e = np.zeros(0, dtype=np.int64)\n"
        "solve_cp_sat(e, e, e, [], np.zeros(0, dtype=bool), time_limit_s=1.0)"
    )


@pytest.mark.parametrize("entry", cli.COMMANDS, ids=lambda e: e.name)
def test_a_commands_help_imports_only_what_it_describes(entry: cli.LazyCommand) -> None:
    loaded = _loaded_after(_run_help(entry.name))
    if loaded and entry.name in HEAVY_HELP:
        pytest.skip(f"{HEAVY_HELP[entry.name]}: {loaded}")
    assert loaded == [], f"`boligmatch {entry.name} --help` imported {loaded}"


def test_the_listing_matches_what_the_modules_define() -> None:
    """Every command a module defines is listed, with its docstring's first paragraph."""
    listed = {entry.name: entry for entry in cli.COMMANDS}
    defined: dict[str, str] = {}
    for module in dict.fromkeys(entry.module for entry in cli.COMMANDS):
        for name, command in cli.commands_of_module(module).items():
            first = (command.help or "").strip().split("\n\n")[0]
            defined[name] = " ".join(first.split())
    assert set(defined) == set(listed)
    for name, help_text in defined.items():
        assert listed[name].short_help == help_text, name


def test_a_lazy_command_runs_and_a_typo_is_suggested() -> None:
    cli._register()
    cli._register()  # idempotent: tests and main() both call it
    runner = CliRunner()
    args = ["--income-dkk", "12000", "--rent-dkk", "5000", "--area-m2", "60", "--json"]
    ran = runner.invoke(cli.app, ["housing-benefit", *args])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output)["monthly_benefit_dkk"] > 0
    typo = runner.invoke(cli.app, ["solv"])
    assert typo.exit_code == 2
    assert "solve" in typo.output
