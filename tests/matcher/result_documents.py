"""Write the result documents of fixed problems, to compare two commits byte for byte.

A tool, not a test: the refactoring of the matcher core (issue 11) promised that
``boligmatch solve`` documents stay byte-identical except for new optional fields. Run it
once with the old tree on ``PYTHONPATH`` and once with the new one, then compare with
``--compare``, which drops the new optional fields (:data:`NEW_FIELDS`) from the new
documents first::

    git archive 15517a1 | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before python tests/matcher/result_documents.py write /tmp/docs-before
    PYTHONPATH=$PWD python tests/matcher/result_documents.py write /tmp/docs-after
    PYTHONPATH=$PWD python tests/matcher/result_documents.py compare /tmp/docs-before \
        /tmp/docs-after

The documents: generated municipal problems (one with ``--explain``'s ``pairs``), a
generated national problem, and the demo municipality's match run through the database
(its problem document too, which carries the municipality's policy from the settings).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

NEW_FIELDS = {
    ("offers", "candidates", "breakdown"),
    ("pairs", "failed"),
    ("unmatched", "detail"),
}
"""New optional fields as (section, ..., field) paths into the result document."""


def _solve(path: Path, document: dict[str, Any], *, explain: bool = False) -> None:
    from matcher.api import dumps_result, solve_problem

    path.write_text(dumps_result(solve_problem(document, explain=explain)), encoding="utf-8")


def write(out: Path) -> None:
    """Write every document into ``out``."""
    from synthetic.population import generate_problem

    out.mkdir(parents=True, exist_ok=True)
    small = generate_problem(seed=3, n_citizens=60, n_vacancies=25)
    _solve(out / "municipal-60x25-explain.json", small, explain=True)
    _solve(
        out / "municipal-1400x400.json", generate_problem(seed=1, n_citizens=1400, n_vacancies=400)
    )
    national = generate_problem(seed=2, n_citizens=6000, n_vacancies=2000, national=True)
    _solve(out / "national-6000x2000.json", national)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BOLIGMATCH_DATABASE_URL"] = f"sqlite:///{tmp}/demo.db"
        from boligmatch.commands._common import migrated_sessions
        from boligmatch.demo import run_demo
        from kernel.settings import get_settings

        get_settings.cache_clear()
        sessions = migrated_sessions()
        result = run_demo(sessions, echo=lambda _: None)
        from matcher.api import dumps_result

        (out / "demo-result.json").write_text(dumps_result(result), encoding="utf-8")
        from sqlalchemy import select

        from allocation.models import MatchRun

        with sessions() as session:
            run = session.scalars(select(MatchRun)).one()
            (out / "demo-problem.json").write_text(
                json.dumps(run.problem, ensure_ascii=False, sort_keys=True), encoding="utf-8"
            )


def _drop(node: Any, paths: set[tuple[str, ...]]) -> Any:
    """``node`` without the fields at ``paths`` (lists are walked through)."""
    if isinstance(node, list):
        return [_drop(item, paths) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if (key,) in paths:
            continue
        deeper = {p[1:] for p in paths if len(p) > 1 and p[0] == key}
        out[key] = _drop(value, deeper) if deeper else value
    return out


def compare(before: Path, after: Path) -> int:
    """0 when every document in ``after``, new fields dropped, equals ``before`` byte for byte."""
    from matcher.api import dumps_result

    failures = 0
    for old in sorted(before.glob("*.json")):
        new = after / old.name
        old_text = old.read_text(encoding="utf-8")
        new_doc = json.loads(new.read_text(encoding="utf-8"))
        if old.name.startswith("demo-problem"):
            stripped = json.dumps(new_doc, ensure_ascii=False, sort_keys=True)
        else:
            stripped = dumps_result(_drop(new_doc, NEW_FIELDS))
        same = stripped == old_text
        failures += not same
        print(f"{old.name}: {'identical' if same else 'DIFFERENT'} ({len(old_text):,} bytes)")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["write"]:
        write(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["compare"]:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        sys.exit(__doc__)
