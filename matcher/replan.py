"""Re-plans from an earlier plan's verdicts: a decline's re-offer without re-judging pairs.

Between two plans of a municipality the common change is small: a citizen who declined
comes back with the home they declined (both were out of the problem while the offer was
open), others are still answering offers, one home was let, and one more pair is
excluded. Every hard rule is a function of its citizen, its home and the problem's
settings alone, so the verdicts on the pairs of a problem whose rows all appear, equal,
in an earlier problem with the same settings are the earlier verdicts. :class:`Replanner`
keeps the hard rules' verdicts of the last problem it judged in full (its *base*) and,
for a later problem that is such a subset, reads them instead of judging the pairs
again; everything after the hard rules (the housed bonus, the soft rules' points, the
exclusions, the flow, the offers) is computed as in a fresh solve, by the same code
(:func:`matcher.scoring.scored_from`). The result is byte for byte a fresh solve's; the
agreement tests compare the two on generated problems and histories.

Rows are compared as canonical JSON bytes (sorted keys), not as parsed models, so a
changed row never hits: ``1`` and ``1.0`` differ, as do a reordered list.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from matcher.columns import I64, Columns, build_columns
from matcher.problem import Citizen, Problem, Vacancy, parse_problem
from matcher.rules import CHEAP_RULES
from matcher.scoring import (
    Component,
    HardVerdicts,
    ScoredProblem,
    find_components,
    joined_blocks,
    judge_hard_rules,
    scored_from,
)

_ROWS = ("citizens", "vacancies")


def _canonical(value: Any) -> bytes | None:
    """The value's JSON bytes with sorted keys, or None when orjson cannot write it."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None


@dataclass(frozen=True)
class Base:
    """A problem judged in full: its rows' bytes and models, and its hard verdicts."""

    settings: bytes
    citizens: Mapping[str, tuple[bytes, Citizen]]
    vacancies: Mapping[str, tuple[bytes, Vacancy]]
    problem: Problem
    hard: HardVerdicts
    citizen_at: Mapping[str, int]
    vacancy_at: Mapping[str, int]
    pair_keys: I64  # the verdicts' pairs as c * n_vacancies + v, ascending
    pair_order: I64  # positions in ``hard.pc`` of ``pair_keys``
    component_of_citizen: I64
    position_in_component: I64  # of each citizen in its component's ``passed`` rows
    position_of_vacancy: I64  # of each vacancy in its component's ``passed`` columns


def _rows(document: Mapping[str, Any], section: str) -> list[tuple[str, bytes]] | None:
    """``(id, bytes)`` of each row of a section, or None if a row is not a plain object."""
    rows = document.get(section)
    if not isinstance(rows, list):
        return None
    out = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            return None
        text = _canonical(row)
        if text is None:
            return None
        out.append((row["id"], text))
    return out


@dataclass(frozen=True)
class Fingerprint:
    """A document's settings and rows as canonical bytes: what a base is compared by."""

    settings: bytes
    citizens: list[tuple[str, bytes]]
    vacancies: list[tuple[str, bytes]]


def fingerprint(document: Mapping[str, Any]) -> Fingerprint | None:
    """The document's :class:`Fingerprint`, or None if orjson cannot write a part of it
    or a row is not an object with a text ``id`` (the full parse words the error)."""
    settings = _canonical({k: v for k, v in document.items() if k not in _ROWS})
    citizens = _rows(document, "citizens")
    vacancies = _rows(document, "vacancies")
    if settings is None or citizens is None or vacancies is None:
        return None
    return Fingerprint(settings, citizens, vacancies)


def make_base(
    prints: Fingerprint,
    problem: Problem,
    cols: Columns,
    components: list[Component],
    hard: HardVerdicts,
) -> Base:
    """What a re-plan reads of ``problem`` (parsed from the fingerprinted document),
    judged in full."""
    n_vacancies = max(cols.n_vacancies, 1)
    keys = hard.pc * n_vacancies + hard.pv
    order = np.argsort(keys, kind="stable")
    component_of = np.full(cols.n_citizens, -1, dtype=np.int64)
    in_component = np.zeros(cols.n_citizens, dtype=np.int64)
    vacancy_position = np.zeros(cols.n_vacancies, dtype=np.int64)
    for k, comp in enumerate(components):
        component_of[comp.citizens] = k
        in_component[comp.citizens] = np.arange(comp.citizens.size)
        vacancy_position[comp.vacancies] = np.arange(comp.vacancies.size)
    return Base(
        settings=prints.settings,
        citizens={
            cid: (text, model)
            for (cid, text), model in zip(prints.citizens, problem.citizens, strict=True)
        },
        vacancies={
            vid: (text, model)
            for (vid, text), model in zip(prints.vacancies, problem.vacancies, strict=True)
        },
        problem=problem,
        hard=hard,
        citizen_at={cid: i for i, cid in enumerate(cols.citizen_ids)},
        vacancy_at={vid: i for i, vid in enumerate(cols.vacancy_ids)},
        pair_keys=keys[order],
        pair_order=order,
        component_of_citizen=component_of,
        position_in_component=in_component,
        position_of_vacancy=vacancy_position,
    )


def subset_problem(base: Base, prints: Fingerprint) -> Problem | None:
    """The fingerprinted document as a problem built from the base's models, if every row
    of it is a base row unchanged and its settings are the base's; otherwise None."""
    if prints.settings != base.settings:
        return None
    picked: dict[str, list[Any]] = {}
    for rows, known, section in (
        (prints.citizens, base.citizens, "citizens"),
        (prints.vacancies, base.vacancies, "vacancies"),
    ):
        models = []
        for row_id, text in rows:
            entry = known.get(row_id)
            if entry is None or entry[0] != text:
                return None
            models.append(entry[1])
        picked[section] = models
    if len({c.id for c in picked["citizens"]}) != len(picked["citizens"]) or len(
        {v.id for v in picked["vacancies"]}
    ) != len(picked["vacancies"]):
        return None  # a duplicate id: the full parse words the error
    return base.problem.model_copy(update=picked)


def derive_verdicts(base: Base, cols: Columns, components: list[Component]) -> HardVerdicts:
    """The hard verdicts of ``cols`` (a subset of the base's rows) read from the base's.

    Each of the subset's components lies inside one base component (components only
    split when rows leave), so its funnel is the base component's count of cheap rules
    passed over the subset's rows and columns, and its pairs the ones that passed all.
    """
    hard = base.hard
    n_cheap = len(CHEAP_RULES)
    to_base_c = np.asarray([base.citizen_at[c] for c in cols.citizen_ids], dtype=np.int64)
    to_base_v = np.asarray([base.vacancy_at[v] for v in cols.vacancy_ids], dtype=np.int64)
    funnel = np.zeros((cols.n_citizens, hard.funnel.shape[1]), dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    blocks: list[tuple[I64, I64]] = []
    for comp in components:
        cs, vs = comp.citizens, comp.vacancies
        funnel[cs, 0] = vs.size
        ci, vi = empty, empty
        if cs.size and vs.size:
            base_cs, base_vs = to_base_c[cs], to_base_v[vs]
            owner = base.component_of_citizen[base_cs]
            if (owner != owner[0]).any():
                raise AssertionError("a re-plan's component spans base components")
            passed = base.hard.passed[int(owner[0])][
                np.ix_(base.position_in_component[base_cs], base.position_of_vacancy[base_vs])
            ]
            # per row, how many homes passed exactly k rules; then "k or more" per stage
            exactly = np.bincount(
                (np.arange(cs.size)[:, None] * (n_cheap + 1) + passed).ravel(),
                minlength=cs.size * (n_cheap + 1),
            ).reshape(cs.size, n_cheap + 1)
            funnel[cs, 1 : n_cheap + 1] = np.cumsum(exactly[:, ::-1], axis=1)[:, ::-1][:, 1:]
            rows, columns = np.nonzero(passed == n_cheap)
            ci, vi = cs[rows], vs[columns]
        blocks.append((ci, vi))
    pc, pv, block = joined_blocks(blocks)
    keys = to_base_c[pc] * max(len(base.vacancy_at), 1) + to_base_v[pv]
    where = np.searchsorted(base.pair_keys, keys)
    if where.size and (where.max() >= base.pair_keys.size or (base.pair_keys[where] != keys).any()):
        raise AssertionError("a re-plan's pair has no verdict in its base")
    at = base.pair_order[where]
    money = {name: values[at] for name, values in hard.money.items()}
    return HardVerdicts(funnel, pc, pv, block, money, [])


class Replanner:
    """Scores one municipality's successive problems, re-using the verdicts of the last
    problem it judged in full when a new problem is a subset of it (module docstring).

    Thread-safe: the base is replaced whole, never changed. ``reused`` and ``judged``
    count the problems scored each way (for the benchmarks and tests).
    """

    def __init__(self) -> None:
        self._base: Base | None = None
        self._lock = threading.Lock()
        self.reused = 0
        self.judged = 0

    def score(
        self, document: Mapping[str, Any], *, exclude: Iterable[tuple[str, str]] = ()
    ) -> ScoredProblem:
        """The scored graph of ``document`` (as :func:`matcher.scoring.score_problem` of
        its parse) with ``exclude`` left out.

        Raises
        ------
        ProblemError
            As a fresh parse and scoring would.
        """
        base = self._base
        prints = fingerprint(document)
        problem = subset_problem(base, prints) if base and prints else None
        if base is not None and problem is not None:
            cols = build_columns(problem)
            components = find_components(cols)
            scored = scored_from(
                cols, components, derive_verdicts(base, cols, components), exclude=exclude
            )
            with self._lock:
                self.reused += 1
            return scored
        problem = parse_problem(dict(document))
        cols = build_columns(problem)
        components = find_components(cols)
        hard = judge_hard_rules(cols, components, keep_passed=True)
        scored = scored_from(cols, components, hard, exclude=exclude)
        new_base = make_base(prints, problem, cols, components, hard) if prints else None
        with self._lock:
            self.judged += 1
            if new_base is not None:
                self._base = new_base
        return scored
