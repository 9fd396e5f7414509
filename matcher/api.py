"""The matcher's entry points: solve a problem document, re-solve after a decline.

Plain data in, plain data out, no I/O: :func:`solve_problem` takes a parsed problem
document (CONTRACT.md section 4) and returns the result document; :func:`dumps_result`
serialises it canonically (sorted keys, fixed separators) so that the same input gives
the same bytes. Wall-clock timings never enter the document (they would break that);
:func:`solve_timed` returns them beside it.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import orjson

from matcher.columns import I64
from matcher.deposit import deposit_limits_source
from matcher.explain import unmatched
from matcher.offers import assignments, citizen_options, citizen_order, vacancy_offers
from matcher.problem import RESULT_FORMAT, Problem, ProblemError, loads_problem, parse_problem
from matcher.replan import Replanner
from matcher.scoring import ScoredProblem, score_problem
from matcher.solver import DEFAULT_TIME_LIMIT_S, ComponentSolution, solve_component
from matcher.verdicts import compact_verdicts, pair_verdicts

DEFAULT_MAX_ALTERNATES = 5
"""Alternates listed per vacancy after the assigned citizen."""
DEFAULT_MAX_OPTIONS = 5
"""Homes listed per citizen."""

LOSS_BASIS = (
    "forecast: reduced cost from the LP dual prices of the unconstrained optimum, a lower "
    "bound on the plan's loss; a decline is answered by a re-solve"
)


def _pairs_of(excluded: Iterable[Any]) -> set[tuple[str, str]]:
    pairs = set()
    for n, pair in enumerate(excluded):
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
        ):
            raise ProblemError(
                [(f"exclude[{n}]", f"must be a [citizen, vacancy] pair of ids (got {pair!r})")]
            )
        pairs.add((pair[0], pair[1]))
    return pairs


def solve_timed(
    document: str | bytes | dict[str, Any] | Problem,
    *,
    explain: bool = False,
    explain_compact: bool = False,
    exclude: Iterable[tuple[str, str]] = frozenset(),
    max_alternates: int = DEFAULT_MAX_ALTERNATES,
    max_options: int = DEFAULT_MAX_OPTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    cp_sat_workers: int = 1,
    replanner: Replanner | None = None,
) -> tuple[dict[str, Any], dict[str, float]]:
    """:func:`solve_problem`, also returning wall-clock seconds per stage.

    ``document`` may also be the problem's JSON text (:func:`loads_problem`); then
    ``json.JSONDecodeError`` is raised for text that is not JSON.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    with paused_gc():
        if replanner is not None and isinstance(document, dict):
            # parsing and scoring in one, from an earlier problem's verdicts when it can
            problem = None
            lap("parse")
            scored = replanner.score(document, exclude=_pairs_of(exclude))
        else:
            problem = (
                loads_problem(document)
                if isinstance(document, str | bytes)
                else parse_problem(document)
            )
            lap("parse")
            scored = score_problem(problem, exclude=_pairs_of(exclude))
        lap("feasibility_and_scoring")
        solutions = [
            solve_component(scored, comp, time_limit_s=time_limit_s, cp_sat_workers=cp_sat_workers)
            for comp in scored.components
        ]
        lap("solve")
        result = build_result(
            scored,
            solutions,
            explain=explain,
            explain_compact=explain_compact,
            max_alternates=max_alternates,
            max_options=max_options,
        )
        lap("offers_and_explanations")
        del problem, scored, solutions  # freed before the collector resumes (see paused_gc)
    return result, timings


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects (the result
    here; the allocation layer's problem documents too).

    The documents are trees without reference cycles; letting the collector rescan the
    growing heap every few hundred allocations would cost a third of the run. The
    collection that follows the pause scans every object made during it, long lists
    element by element, so callers drop their intermediates (the parsed problem, the
    scored graph) inside the block: on the national instance that collection fell from
    about 55 ms to 20 ms.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def solve_problem(
    doc: dict[str, Any] | Problem,
    *,
    explain: bool = False,
    explain_compact: bool = False,
    exclude: Iterable[tuple[str, str]] = frozenset(),
    max_alternates: int = DEFAULT_MAX_ALTERNATES,
    max_options: int = DEFAULT_MAX_OPTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    cp_sat_workers: int = 1,
    replanner: Replanner | None = None,
) -> dict[str, Any]:
    """Solve a problem document and return the result document.

    Parameters
    ----------
    doc : dict or Problem
        The problem document (``boligmatch.problem/1``), parsed from JSON, or a model.
    explain : bool
        Add the ``pairs`` section: every citizen-vacancy pair's verdict (grows as
        citizens x vacancies).
    explain_compact : bool
        Add the ``pairs_compact`` section: per citizen the hard-rule funnel, each rule's
        failed homes and the closest home out of reach (grows as citizens; for problems
        too large for ``pairs``).
    exclude : iterable of (citizen id, vacancy id)
        Pairs never to propose, e.g. declined offers.
    max_alternates, max_options : int
        Alternates listed per vacancy; homes listed per citizen.
    time_limit_s : float [deterministic seconds]
        CP-SAT's limit per component with binding side constraints.
    cp_sat_workers : int
        CP-SAT workers; 1 keeps the output byte-identical, ``os.cpu_count()`` may be
        faster on large constrained components.
    replanner : Replanner, optional
        Successive problems of one municipality: a problem whose rows all appear,
        unchanged, in the last one the replanner judged in full is scored from that
        one's hard-rule verdicts (:mod:`matcher.replan`); the result is the same.

    Raises
    ------
    ProblemError
        Bad input; each issue names the JSON path of the field and the problem.
    """
    return solve_timed(
        doc,
        explain=explain,
        explain_compact=explain_compact,
        exclude=exclude,
        max_alternates=max_alternates,
        max_options=max_options,
        time_limit_s=time_limit_s,
        cp_sat_workers=cp_sat_workers,
        replanner=replanner,
    )[0]


def resolve_without(
    problem: dict[str, Any] | Problem,
    result_or_none: dict[str, Any] | None,
    excluded_pairs: Iterable[tuple[str, str]],
    **options: Any,
) -> dict[str, Any]:
    """Re-solve after declines: the previous result's exclusions plus ``excluded_pairs``.

    The workflow calls this when a citizen declines (or does not answer): the pair is
    excluded and the plan re-solved exactly, which takes milliseconds for a
    municipality. Exclusions accumulate through ``result["excluded"]``.
    """
    previous: set[tuple[str, str]] = set()
    if result_or_none is not None:
        previous = _pairs_of(result_or_none.get("excluded", []))
    return solve_problem(problem, exclude=previous | _pairs_of(excluded_pairs), **options)


def build_result(
    scored: ScoredProblem,
    solutions: list[ComponentSolution],
    *,
    explain: bool,
    max_alternates: int,
    max_options: int,
    explain_compact: bool = False,
) -> dict[str, Any]:
    """Assemble the result document from the solved components."""
    cols = scored.cols
    matched = np.zeros(scored.n_pairs, dtype=np.bool_)
    relaxed = np.zeros(scored.n_pairs, dtype=np.bool_)
    loss: I64 = np.zeros(scored.n_pairs, dtype=np.int64)
    solver_of_pair = ["none"] * scored.n_pairs
    per_component = []
    for comp, solution in zip(scored.components, solutions, strict=True):
        span = slice(comp.start, comp.stop)
        matched[span] = solution.matched
        relaxed[span] = solution.relaxed_matched
        loss[span] = solution.loss
        solver_of_pair[span] = [solution.solver] * (comp.stop - comp.start)
        per_component.append(
            {
                "citizens": int(comp.citizens.size),
                "feasible_pairs": comp.stop - comp.start,
                "municipalities": [cols.municipality_codes[m] for m in comp.municipalities],
                "objective": solution.objective,
                "pairs_evaluated": comp.pairs_evaluated,
                "solver": solution.solver,
                "status": solution.status,
                "vacancies": int(comp.vacancies.size),
            }
        )
    by_citizen = citizen_order(scored, matched, loss)
    status = "OPTIMAL" if all(s.status == "OPTIMAL" for s in solutions) else "FEASIBLE"
    housed = int(matched.sum())
    result: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "as_of": cols.as_of.isoformat(),
        "status": status,
        "objective": int(scored.score[matched].sum()),
        "stats": {
            "citizens": cols.n_citizens,
            "vacancies": cols.n_vacancies,
            "components": len(scored.components),
            "components_cp_sat": sum(1 for s in solutions if s.solver == "cp_sat"),
            "pairs_evaluated": sum(c.pairs_evaluated for c in scored.components),
            "feasible_pairs": scored.n_pairs,
            "excluded_pairs": len(scored.excluded),
            "housed": housed,
            "unmatched": cols.n_citizens - housed,
            "vacancies_unfilled": cols.n_vacancies - housed,
            "housed_bonus": scored.housed_bonus,
            "loss_basis": LOSS_BASIS,
            "deposit_limits_source": deposit_limits_source(cols.as_of.year),
            "per_component": per_component,
        },
        "excluded": [list(pair) for pair in scored.excluded],
        "assignments": assignments(scored, matched, solver_of_pair),
        "offers": vacancy_offers(scored, matched, loss, max_alternates=max_alternates),
        "options": citizen_options(
            scored, matched, loss, max_options=max_options, order=by_citizen
        ),
        "unmatched": unmatched(scored, matched, loss, relaxed, order=by_citizen),
    }
    if explain:
        result["pairs"] = pair_verdicts(scored)
    if explain_compact:
        result["pairs_compact"] = compact_verdicts(scored)
    return result


def dumps_result(result: dict[str, Any]) -> str:
    """The canonical JSON text of a result: sorted keys, UTF-8, no spaces, newline.

    Byte for byte ``json.dumps(result, sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))`` plus a newline, written by orjson (a national result of
    17 MB in about 40 ms, against 130 ms for the key-sorting walk this replaced). orjson
    escapes strings as ``json`` does without ``ensure_ascii``, but writes some floats
    differently (``0.00001`` and ``1e16`` where ``json`` writes ``1e-05`` and
    ``1e+16``); every such float text contains a digit followed by ``e`` or ``0.0000``
    (checked on a million random floats), so a text with either pattern is written again
    by ``json`` (as is anything orjson
    refuses: non-str keys, other types, integers beyond 64 bits, lone surrogates).
    NaN and infinities never reach a result (the problem's models refuse them); orjson
    would write them as ``null``, where ``json`` writes the invalid token ``NaN``.
    """
    try:
        text = orjson.dumps(result, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        text = None
    if text is not None and not _may_differ(text):
        return text.decode() + "\n"
    return json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


_DIGITS_AND_E = bytes(
    0x30 if 0x30 <= i <= 0x39 else 0x65 if i in (0x45, 0x65) else 0x20 for i in range(256)
)
"""A byte table: digits to ``0``, ``e`` and ``E`` to ``e``, all else to a space."""


def _may_differ(text: bytes) -> bool:
    """True if ``text`` has a digit followed by ``e`` or ``E``, or ``0.0000``: where
    orjson's text of a float may differ from ``json``'s (see :func:`dumps_result`).

    Two plain byte searches (a regular expression took 0.17 s on a national result).
    """
    return text.translate(_DIGITS_AND_E).find(b"0e") >= 0 or text.find(b"0.0000") >= 0
