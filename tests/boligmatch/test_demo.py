"""`boligmatch demo` end to end as a user runs it, and the CPR numbers it must never leak."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from synthetic.population import DEMO_AS_OF, generate

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from boligmatch.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_prints_ranked_offers_and_never_leaks_a_cpr_number(tmp_path: Path) -> None:
    database = tmp_path / "var" / "boligmatch.db"
    log = tmp_path / "log.txt"
    env = {
        **os.environ,
        "BOLIGMATCH_DATABASE_URL": f"sqlite:///{database}",
        "BOLIGMATCH_LOG_LEVEL": "DEBUG",
        "PYTHONPATH": str(ROOT),
    }
    first = _run(["demo"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    second = _run(["demo"], env, tmp_path)  # a second run reuses the loaded municipality
    assert second.returncode == 0, second.stderr
    out = first.stdout
    assert "Odense (461)" in out and DEMO_AS_OF.strftime("%d.%m.%Y") in out
    assert "status optimal" in out
    assert "Rangerede tilbud" in out and "C-461-" in out
    assert "under 3.500 kr.:" in out and "genudlejninger/år" in out
    assert "demokommunen var allerede indlæst" in second.stdout
    log.write_text(first.stdout + first.stderr + second.stdout + second.stderr)

    # Every citizen's CPR number, as the generator made it, in both spellings.
    world = generate(seed=461, as_of=DEMO_AS_OF)
    numbers = {c.cpr for c in world.citizens} | {f"{c.cpr[:6]}-{c.cpr[6:]}" for c in world.citizens}
    assert len(numbers) >= 190
    stored = database.read_bytes()
    for wal in database.parent.glob("*.db-*"):
        stored += wal.read_bytes()
    printed = log.read_text()
    for number in numbers:
        assert number.encode() not in stored
        assert number not in printed
