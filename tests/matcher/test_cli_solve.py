"""`boligmatch solve`: JSON output, the readable table, and errors naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from matcher_testkit import citizen, problem, vacancy
from typer.testing import CliRunner

from boligmatch.commands.solve import command

app = typer.Typer()
app.command()(command)


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_json_output_is_the_result_document(tmp_path: Path) -> None:
    path = write(tmp_path, problem([citizen("A"), citizen("B")], [vacancy("V1")]))
    run = CliRunner().invoke(app, [str(path), "--json"])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert result["format"] == "boligmatch.result/1"
    assert len(result["assignments"]) == 1 and "pairs" not in result
    again = CliRunner().invoke(app, [str(path), "--json"])
    assert again.stdout == run.stdout


def test_explain_adds_pairs(tmp_path: Path) -> None:
    path = write(tmp_path, problem([citizen("A")], [vacancy("V1"), vacancy("V2")]))
    run = CliRunner().invoke(app, [str(path), "--json", "--explain"])
    assert len(json.loads(run.stdout)["pairs"]) == 2


def test_generated_demo_municipality_solves(tmp_path: Path) -> None:
    from synthetic.population import generate_problem

    path = write(tmp_path, generate_problem(seed=2, n_citizens=120, n_vacancies=40))
    run = CliRunner().invoke(app, [str(path)])
    assert run.exit_code == 0, run.output
    assert "status optimal" in run.stdout and "borgere uden bolig, efter grund" in run.stdout


def test_bad_field_is_named_on_stderr(tmp_path: Path) -> None:
    document = problem([citizen("A", household={"adults": 0, "children": 0})], [vacancy()])
    run = CliRunner().invoke(app, [str(write(tmp_path, document)), "--json"])
    assert run.exit_code == 2
    assert "citizens[0].household.adults" in run.stderr
    assert run.stdout == ""


def test_bad_json_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    run = CliRunner().invoke(app, [str(path)])
    assert run.exit_code == 2 and "fejl:" in run.stderr and "ikke gyldig JSON" in run.stderr
    run = CliRunner().invoke(app, [str(tmp_path / "missing.json")])
    assert run.exit_code == 2 and "kan ikke læses" in run.stderr
