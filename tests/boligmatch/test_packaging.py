"""The wheel carries what a non-editable install needs: migrations, templates, data files.

Built from the working tree with pip, unpacked, and used from a fresh process whose import
path starts at the unpacked wheel, so nothing is read from the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("boligmatch-*.whl")
    return built


def test_wheel_holds_migrations_templates_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "boligmatch/migrations/env.py" in names
    assert "boligmatch/migrations/alembic.ini" in names
    assert any(n.startswith("boligmatch/migrations/versions/0001_") for n in names)
    assert "kernel/data/vive_homelessness_by_municipality.csv" in names
    assert "matcher/schema/problem.schema.json" in names
    assert any(n.startswith("api/web/templates/") for n in names)
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


def test_installed_wheel_migrates_a_new_database(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    database = tmp_path / "fresh.db"
    code = (
        "import boligmatch.migrate as m, sys;"
        f"assert m.__file__.startswith({str(site)!r}), m.__file__;"
        f"m.upgrade('sqlite:///{database}')"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env)
    tables = set(inspect(create_engine(f"sqlite:///{database}")).get_table_names())
    assert {"vacancies", "citizen_cases", "offers", "audit_events", "alembic_version"} <= tables
