"""`boligmatch shortfall` and `boligmatch simulate` from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from boligmatch.cli import _register, app
from boligmatch.loading import load_world
from kernel.db import make_engine
from kernel.settings import get_settings
from synthetic.population import generate

_register()


@pytest.fixture
def configured(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The command line pointed at the test database (with a small Odense world)."""
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        load_world(session, generate(seed=3, n_citizens=8, n_vacancies=5), cpr_secret="x" * 40)
    engine.dispose()
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


@pytest.mark.postgres
def test_shortfall_json_lists_all_98(configured: str, tmp_path: Path) -> None:
    csv_path, png_path = tmp_path / "s.csv", tmp_path / "s.png"
    run = CliRunner().invoke(
        app,
        ["shortfall", "--json", "--as-of", "2026-11-02", "--csv", str(csv_path), "--png",
         str(png_path)],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    rows = document["municipalities"]
    assert len(rows) == 98
    assert sum(r["homeless_2024"] for r in rows) == 5989
    odense = next(r for r in rows if r["code"] == "461")
    assert odense["demand_source"] == "live" and odense["queue"] == 8
    assert len(pd.read_csv(csv_path, dtype={"code": str})) == 98
    assert png_path.read_bytes().startswith(b"\x89PNG")


@pytest.mark.postgres
def test_shortfall_table_and_bands(configured: str) -> None:
    run = CliRunner().invoke(app, ["shortfall", "-m", "461", "--bands", "--as-of", "2026-11-02"])
    assert run.exit_code == 0, run.output
    assert "Odense" in run.stdout and "under 3.500 kr." in run.stdout
    bad = CliRunner().invoke(app, ["shortfall", "-m", "999"])
    assert bad.exit_code == 2 and "999" in bad.stderr


def test_shortfall_without_database() -> None:
    run = CliRunner().invoke(app, ["shortfall", "--no-database", "-m", "101", "--json"])
    assert run.exit_code == 0, run.output
    (row,) = json.loads(run.stdout)["municipalities"]
    assert (row["homeless_2022"], row["homeless_2024"]) == (1370, 1387)
    assert row["yearly_demand"] == 1387 * 2.5


def test_simulate_writes_parquet_and_compares_policies(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    run = CliRunner().invoke(
        app,
        ["simulate", "-m", "563", "-m", "329", "--months", "2", "--serial", "--no-progress",
         "--template-pool", "32",
         "--out", str(out), "--json", "--by", "benefit_group", "--png", str(tmp_path / "s.png")],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    assert [r["scenario"] for r in document["summary"]] == ["fcfs", "greedy", "optimiser"]
    assert document["run"]["municipalities"] == ["329", "563"]
    citizens = pd.read_parquet(out / "citizens.parquet")
    assert set(citizens["policy"]) == {"optimiser", "greedy", "fcfs"}
    assert (tmp_path / "s.png").read_bytes().startswith(b"\x89PNG")
    assert {"benefit_group", "median_days"} <= set(document["by"][0])


def test_simulate_rejects_bad_input() -> None:
    run = CliRunner().invoke(app, ["simulate", "--policy", "lottery", "--serial"])
    assert run.exit_code == 2 and "lottery" in run.stderr
    run = CliRunner().invoke(app, ["simulate", "--allocation-share", "2", "--serial"])
    assert run.exit_code == 2 and "allocation_share" in run.stderr
