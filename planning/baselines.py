"""Fair baselines for the simulation: first-come-first-served *with* an urgency track.

Real waiting lists are not a plain queue: municipalities give people with a release or
discharge deadline and families with children a track of their own (issue 17,
DOMAIN.md 4). :func:`fcfs_with_urgency_track` is that list: homes in the order they
become available, each to the eligible citizen first in line, where the line is

1. the urgency track: a release/discharge deadline (situations 7 and 8) within the
   municipality's ``deadline_window_days`` or passed, or children in the household;
2. then everyone else;

each in registration order (longest on the list first), ties by id. It works on the same
feasible pairs as the matcher's own baselines (:mod:`matcher.greedy`) and the optimiser,
so only the choice among them differs.
"""

from __future__ import annotations

import numpy as np

from matcher.columns import I64, B
from matcher.scoring import ScoredProblem

__all__ = ["fcfs_with_urgency_track", "urgency_track"]


def urgency_track(scored: ScoredProblem) -> B:
    """Per citizen: on the urgency track (a deadline in the window, or children)."""
    cols = scored.cols
    everyone = np.arange(cols.n_citizens, dtype=np.int64)
    window = np.asarray(cols.weight_values(everyone, "deadline_window_days"), dtype=np.int64)
    deadline = cols.has_deadline & (cols.deadline_days <= window)
    track: B = deadline | (cols.children > 0)
    return track


def fcfs_with_urgency_track(scored: ScoredProblem) -> B:
    """The matched pairs (a mask over ``scored``'s pairs) of the tracked queue."""
    cols = scored.cols
    pc, pv = scored.pc, scored.pv
    matched = np.zeros(scored.n_pairs, dtype=np.bool_)
    if scored.n_pairs == 0:
        return matched
    # line position: track first, then the longest waiting, then id order (= index)
    line: I64 = np.lexsort(
        (np.arange(cols.n_citizens), -cols.waiting_days, ~urgency_track(scored))
    ).argsort()
    order = np.lexsort((line[pc], pv))
    starts = np.searchsorted(pv[order], np.arange(cols.n_vacancies + 1)).tolist()
    vacancy_order = np.lexsort((np.arange(cols.n_vacancies), cols.available_days)).tolist()
    order_list, pc_list = order.tolist(), pc.tolist()
    taken = [False] * cols.n_citizens
    for v in vacancy_order:
        for k in order_list[starts[v] : starts[v + 1]]:
            c = pc_list[k]
            if not taken[c]:
                taken[c] = True
                matched[k] = True
                break
    return matched
