"""Greedy baselines over the same scored graph, to show what the exact solver gains.

* :func:`greedy_priority` is how US coordinated-entry systems (and many priority lists)
  work: take the vacancies hardest to fill first (fewest eligible citizens), and give each
  to the eligible citizen highest on the priority list (the citizen-only soft rules:
  urgency and time on the list).
* :func:`first_come_first_served` takes vacancies in the order they become available and
  gives each to the eligible citizen registered first.

Both use exactly the feasible pairs and scores of :func:`matcher.scoring.score_problem`,
so their housed count and total score compare directly with the optimum; the planners'
simulation uses them as the policies "greedy priority list" and "first come, first
served". Ties are broken by id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.columns import I64, B
from matcher.scoring import ScoredProblem


@dataclass(frozen=True)
class Plan:
    """A baseline's plan: which scored pairs it assigns, and its totals.

    Attributes
    ----------
    matched : bool array
        Over ``ScoredProblem`` pairs.
    housed : int [citizens]
    total_score : int [points]
    """

    matched: B
    housed: int
    total_score: int


def _assign(scored: ScoredProblem, vacancy_order: I64, candidate_key: I64) -> Plan:
    """Walk vacancies in ``vacancy_order``; each goes to its free candidate with the least key."""
    pc, pv = scored.pc, scored.pv
    order = np.lexsort((pc, candidate_key[pc], pv))
    starts = np.searchsorted(pv[order], np.arange(scored.cols.n_vacancies + 1)).tolist()
    order_list = order.tolist()
    pc_list = pc.tolist()
    taken = [False] * scored.cols.n_citizens
    matched = np.zeros(scored.n_pairs, dtype=np.bool_)
    for v in vacancy_order.tolist():
        for k in order_list[starts[v] : starts[v + 1]]:
            c = pc_list[k]
            if not taken[c]:
                taken[c] = True
                matched[k] = True
                break
    return Plan(matched, int(matched.sum()), int(scored.score[matched].sum()))


def greedy_priority(scored: ScoredProblem) -> Plan:
    """Hardest-to-fill vacancy first, to the highest-priority eligible citizen."""
    n_v = scored.cols.n_vacancies
    eligible = np.bincount(scored.pv, minlength=n_v)
    vacancies = np.arange(n_v, dtype=np.int64)
    order = np.lexsort((vacancies, eligible))
    return _assign(scored, order[eligible[order] > 0], -scored.priority)


def first_come_first_served(scored: ScoredProblem) -> Plan:
    """Vacancies by availability date, each to the eligible citizen registered first."""
    cols = scored.cols
    vacancies = np.arange(cols.n_vacancies, dtype=np.int64)
    order = np.lexsort((vacancies, cols.available_days))
    return _assign(scored, order, -cols.waiting_days)
