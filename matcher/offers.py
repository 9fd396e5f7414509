"""Assignments and ranked offers: who to offer each home, and who next if they decline.

Per vacancy the citizen the plan assigns comes first; then the alternates, ranked by how
little the plan is forecast to lose if they get the home instead (the pair's reduced cost,
:func:`matcher.solver.dual_prices`), then by score, then by id. Per citizen, their
feasible homes are ranked the same way. The ranking is labelled a forecast: the loss is a
lower bound from the LP duals, and when an offer is declined the right answer is a
re-solve without that pair (:func:`matcher.api.resolve_without`).
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise, repeat
from typing import Any

import numpy as np

from matcher.columns import I64, B, lexorder
from matcher.deposit import deposit_loans_many
from matcher.errors import InputError
from matcher.rules import CITIZEN_PARTS
from matcher.scoring import AFFORD_FIELDS, PART_NAMES, ScoredProblem
from matcher.words import day, kr

_LABELS = {
    "housed": "housed",
    "situation": "situation",
    "time_homeless": "time homeless",
    "deadline": "deadline",
    "children": "children",
    "time_on_list": "time on list",
    "young": "young",
    "area_preference": "area preference",
    "distance": "distance",
    "stays_affordable": "stays affordable",
    "support_fit": "support fit",
    "move_in": "move-in",
}
_LABELS_DA = {
    "housed": "anvist",
    "situation": "situation",
    "time_homeless": "tid som hjemløs",
    "deadline": "frist",
    "children": "børn",
    "time_on_list": "ventetid",
    "young": "ung",
    "area_preference": "ønsket område",
    "distance": "afstand",
    "stays_affordable": "forbliver betalbar",
    "support_fit": "bostøtte passer",
    "move_in": "indflytning",
}
"""The score parts' names for people, by language; the housed bonus is never shown in
words (it only makes the plan house as many as possible, :mod:`matcher.policy`)."""


def commas(values: list[int], language: str = "en") -> list[str]:
    """``f"{value:,}"`` of each value (Danish: ``.`` between thousands), each distinct once.

    Grouped formatting costs several times ``str``; the texts repeat few distinct values.
    """
    if language == "da":
        text = {value: f"{value:,}".replace(",", ".") for value in set(values)}
    else:
        text = {value: f"{value:,}" for value in set(values)}
    return list(map(text.__getitem__, values))


def breakdown_rows(
    scored: ScoredProblem, rows: I64, names: tuple[str, ...] = PART_NAMES
) -> list[list[int]]:
    """The breakdowns of many pairs at once, as lists in ``names`` order."""
    if rows.size == 0:
        return []
    matrix: list[list[int]] = np.stack([scored.parts[n][rows] for n in names], 1).tolist()
    return matrix


_SORTED_PARTS = tuple(sorted(PART_NAMES))
"""The parts in key order: many breakdowns built in the order the result is written in."""


_N_CITIZEN_PARTS = 1 + len(CITIZEN_PARTS)
_AFFORDABLE_TEXT = {
    "en": (
        " Affordable: gross rent {} kr., housing benefit {} kr., net housing cost {} kr., "
        "{} kr. left a month after tax ({} kr. required)."
    ),
    "da": (
        " Kan betales: bruttohusleje {} kr., boligstøtte {} kr., nettoboligudgift {} kr., "
        "{} kr. tilbage om måneden efter skat ({} kr. krævet)."
    ),
}
"""A candidate's affordability numbers (:data:`AFFORD_FIELDS` order), already in words
(:func:`commas`), by language."""
_HEAD_NAMES = PART_NAMES[1:_N_CITIZEN_PARTS]
"""The citizen-only parts a text names (the housed bonus left out)."""
_PAIR_NAMES = PART_NAMES[_N_CITIZEN_PARTS:]
_TEXTS = {
    "en": {
        "points": "points: {}",
        "no_points": "no points",
        "assigned": "The plan gives this home to {citizen} ({words}).{money}",
        "if_declines": "if {holder} declines",
        "nobody": "the plan assigns no one",
        "planned": "the plan houses this citizen in {vacancy}",
        "not_planned": "the plan does not house this citizen",
        "loss_none": "the plan loses nothing if this citizen gets the home",
        "loss_home": "the plan would house one citizen fewer if this citizen gets the home",
        "loss": "the plan loses at least {loss} points if this citizen gets the home",
        "alternate": "Alternate ({first}); forecast: {loss}; {where} ({words}).{money}",
    },
    "da": {
        "points": "point: {}",
        "no_points": "ingen point",
        "assigned": "Planen giver denne bolig til {citizen} ({words}).{money}",
        "if_declines": "hvis {holder} siger nej",
        "nobody": "planen anviser ingen",
        "planned": "planen anviser borgeren {vacancy}",
        "not_planned": "planen anviser ikke borgeren en bolig",
        "loss_none": "planen mister intet, hvis borgeren får boligen",
        "loss_home": "planen ville anvise én borger færre, hvis borgeren får boligen",
        "loss": "planen mister mindst {loss} point, hvis borgeren får boligen",
        "alternate": "Suppleant ({first}); prognose: {loss}; {where} ({words}).{money}",
    },
}
"""The offers' sentences by language (CONTRACT.md: Danish by default)."""


_WAIT_AT = _HEAD_NAMES.index("time_on_list")
_WAITED = {
    "en": (" ({months} month{s} on the list", ", over the limit of {limit})", ")"),
    "da": (" ({months} md. på listen", ", over kommunens grænse på {limit} md.)", ")"),
}


def _waited_words(scored: ScoredProblem, citizens: I64, language: str) -> list[str]:
    """What the time-on-list points stand for, per citizen: the whole months waited, and
    whether that is beyond the municipality's longest acceptable wait (the overdue rule).

    So a text reads "ventetid 3.181 (21 md. på listen, over kommunens grænse på 18 md.)"
    rather than a bare number of points."""
    cols = scored.cols
    months = (np.maximum(cols.waiting_days[citizens], 0) // 30).tolist()
    limits = np.broadcast_to(
        cols.weight_values(citizens, "overdue_after_months"), citizens.shape
    ).tolist()
    opening, overdue, closing = _WAITED[language]
    return [
        opening.format(months=m, s="" if m == 1 else "s")
        + (overdue.format(limit=limit) if 0 < limit <= m else closing)
        for m, limit in zip(months, limits, strict=True)
    ]


def part_labels(language: str) -> dict[str, str]:
    """The score parts' names for people in ``language``."""
    return _LABELS_DA if language == "da" else _LABELS


def money_rows(
    scored: ScoredProblem, rows: I64, *, words: bool = True
) -> tuple[list[Any], list[list[str]], list[str]]:
    """Per feasible pair ``rows``: the ``money`` object, the ``flags`` and the words added
    to the offer text (rent-share assessment, § 98 f end date and rent, deposit; empty
    without ``words``, for a caller that states the money as data only).

    A deposit object is shared between pairs with the same deposit verdict (objects are
    written, never changed).
    """
    cols = scored.cols
    da = cols.language == "da"
    a = scored.afford
    pc, pv = scored.pc[rows], scored.pv[rows]
    try:
        deposit = deposit_loans_many(
            deposit_dkk=cols.deposit[pv],
            monthly_income_dkk=cols.hb_income[pc],
            children=cols.children[pc],
            year=cols.as_of.year,
        )
        deposit_columns: list[list[Any]] | None = [
            deposit.deposit_dkk.tolist(),
            deposit.income_limit_dkk.tolist(),
            deposit.loan_dkk.tolist(),
            deposit.qualifies.tolist(),
            deposit.pay_dkk.tolist(),
            deposit.yearly_income_dkk.tolist(),
        ]
    except InputError:  # no deposit-loan limits for the year: the offer says nothing of a loan
        deposit_columns = None
    money_names = ("gross_rent_dkk", "housing_benefit_dkk", "left_dkk", "max_gross_rent_dkk",
                   "needs_assessment", "net_housing_cost_dkk", "required_left_dkk")  # fmt: skip
    after_names = ("affordable_after", "housing_benefit_after_dkk", "left_after_dkk",
                   "rent_after_dkk")  # fmt: skip
    income = [round(x) for x in cols.income.tolist()]
    disposable = cols.disposable.tolist()
    until = [v.rent_reduction_until for v in cols.vacancies]
    rows_after = a["affordable_after"][rows] >= 0
    plain = ~rows_after & (a["needs_assessment"][rows] == 0)
    money: list[Any] = [None] * rows.size
    flags: list[list[str]] = [_NO_FLAGS] * rows.size
    texts: list[str] = [""] * rows.size
    # the common case (no flag, no reduction): the object built directly, the deposit
    # sentence from the few distinct deposit verdicts
    deposit_objects: dict[Any, tuple[dict[str, Any] | None, str]] = {}
    deposit_rows = zip(*deposit_columns, strict=True) if deposit_columns else None
    money_rows_ = zip(*(a[n][rows].tolist() for n in money_names), strict=True)
    for k, (c, numbers, is_plain) in enumerate(
        zip(pc.tolist(), money_rows_, plain.tolist(), strict=True)
    ):
        dep = next(deposit_rows) if deposit_rows is not None else None
        if not is_plain:
            continue
        hit = deposit_objects.get(dep)
        if hit is None:
            hit = deposit_objects[dep] = _deposit_object(dep, da, words)
        gross, benefit, left, max_gross, _, net, required = numbers
        money[k] = {
            "deposit": hit[0],
            "disposable_income_dkk": disposable[c],
            "gross_rent_dkk": gross,
            "housing_benefit_dkk": benefit,
            "income_dkk": income[c],
            "left_dkk": left,
            "max_gross_rent_dkk": max_gross,
            "needs_assessment": False,
            "net_housing_cost_dkk": net,
            "reduction": None,
            "required_left_dkk": required,
        }
        texts[k] = hit[1]
    # the rest (a flag or a § 98 f reduction to state): one entry each
    rest = np.flatnonzero(~plain)
    rest_rows = rows[rest]
    for k, c, v, numbers, after_numbers, has_after in zip(
        rest.tolist(),
        pc[rest].tolist(),
        pv[rest].tolist(),
        zip(*(a[n][rest_rows].tolist() for n in money_names), strict=True),
        zip(*(a[n][rest_rows].tolist() for n in after_names), strict=True),
        rows_after[rest].tolist(),
        strict=True,
    ):
        after = after_numbers if has_after else None
        dep = tuple(column[k] for column in deposit_columns) if deposit_columns else None
        money[k], flags[k], texts[k] = _money_entry(
            income[c], disposable[c], numbers, after, dep, until[v] if after else None, da, words
        )
    return money, flags, texts


_NO_FLAGS: list[str] = []
"""The flags of an offer without any (one shared, never changed, list)."""


def _deposit_object(
    deposit: tuple[Any, ...] | None, da: bool = False, words: bool = True
) -> tuple[Any, str]:
    """A deposit verdict as the ``money.deposit`` object and its sentence.

    The limits' source is stated once per result (``stats.deposit_limits_source``), not in
    each of the thousands of objects.
    """
    if deposit is None:
        return None, ""
    amount, limit, loan, qualifies, pay, yearly = deposit
    object_ = {
        "deposit_dkk": amount,
        "income_limit_dkk": limit,
        "loan_dkk": loan,
        "loan_qualifies": qualifies,
        "pay_dkk": pay,
        "yearly_income_dkk": yearly,
    }
    if not words:
        return object_, ""
    if amount == 0:
        return object_, (" Intet indskud." if da else " No deposit.")
    if da:
        if qualifies:
            return object_, (
                f" Indskud {kr(amount, da)} kr.: kommunen skal låne borgeren det "
                f"(beboerindskudslån, boligstøtteloven § 56; indkomst {kr(yearly, da)} kr. om "
                f"året under grænsen på {kr(limit, da)} kr.)."
            )
        return object_, (
            f" Indskud {kr(amount, da)} kr.: borgeren betaler selv (indkomst "
            f"{kr(yearly, da)} kr. om året er over grænsen for beboerindskudslån på "
            f"{kr(limit, da)} kr., boligstøtteloven § 56)."
        )
    if qualifies:
        return object_, (
            f" Deposit {amount:,} kr.: the municipality must lend it (beboerindskudslån, "
            f"boligstøtteloven § 56; income {yearly:,} kr./year within {limit:,})."
        )
    return object_, (
        f" Deposit {amount:,} kr.: the citizen pays it (income {yearly:,} kr./year is "
        f"above the beboerindskudslån limit of {limit:,}, boligstøtteloven § 56)."
    )


def _money_entry(
    income: int,
    disposable: int,
    numbers: tuple[int, ...],
    after: tuple[int, ...] | None,
    deposit: tuple[Any, ...] | None,
    until: Any,
    da: bool = False,
    words: bool = True,
) -> tuple[dict[str, Any], list[str], str]:
    """One pair's ``money`` object (keys in sorted order), flags and words (none without
    ``words``)."""
    gross, benefit, left, max_gross, assess, net, required = numbers
    flags: list[str] = []
    text = ""
    if assess:
        flags.append("needs_assessment")
    if assess and words:
        text += (
            (
                f" Kræver en samlet vurdering: huslejen {kr(gross, da)} kr. er over halvdelen "
                f"af indkomsten ({kr(max_gross, da)} kr. af {kr(income, da)} kr.; "
                "boligstøtteloven § 15)."
            )
            if da
            else (
                f" Needs assessment: rent {gross:,} kr. is above half of income "
                f"({max_gross:,} kr. of {income:,} kr.; boligstøtteloven § 15)."
            )
        )
    reduction: dict[str, Any] | None = None
    if after is not None:
        ok_after, benefit_after, left_after, rent_after = after
        from_day = (until + _ONE_DAY).isoformat()
        reduction = {
            "affordable_after": bool(ok_after),
            "housing_benefit_after_dkk": benefit_after,
            "left_after_dkk": left_after,
            "rent_after_dkk": rent_after,
            "unaffordable_from": None if ok_after else from_day,
            "until": until.isoformat(),
        }
        if not words:
            pass
        elif da:
            text += (
                f" Huslejenedsættelsen (almenboligloven § 98 f) ophører {day(until, da)}: fra "
                f"{day(until + _ONE_DAY, da)} er huslejen {kr(rent_after, da)} kr., "
                f"boligstøtten {kr(benefit_after, da)} kr. og der er {kr(left_after, da)} kr. "
                "tilbage om måneden: "
                + ("kan stadig betales." if ok_after else "kan ikke betales.")
            )
        else:
            text += (
                f" The rent reduction (almenboligloven § 98 f) ends on {until.isoformat()}: "
                f"from {from_day} the rent is {rent_after:,} kr., housing benefit "
                f"{benefit_after:,} kr., {left_after:,} kr. left a month: "
                + ("still affordable." if ok_after else "not affordable.")
            )
        if not ok_after:
            flags.append("unaffordable_after_reduction")
    deposit_object, deposit_text = _deposit_object(deposit, da, words)
    text += deposit_text
    entry = {
        "deposit": deposit_object,
        "disposable_income_dkk": disposable,
        "gross_rent_dkk": gross,
        "housing_benefit_dkk": benefit,
        "income_dkk": income,
        "left_dkk": left,
        "max_gross_rent_dkk": max_gross,
        "needs_assessment": bool(assess),
        "net_housing_cost_dkk": net,
        "reduction": reduction,
        "required_left_dkk": required,
    }
    return entry, flags, text


_ONE_DAY = timedelta(days=1)


def home_of(scored: ScoredProblem, matched: B) -> I64:
    """Each citizen's assigned vacancy index, or -1."""
    home = np.full(scored.cols.n_citizens, -1, dtype=np.int64)
    home[scored.pc[matched]] = scored.pv[matched]
    return home


def citizen_order(scored: ScoredProblem, matched: B, loss: I64) -> I64:
    """Pairs by citizen; the assigned home first, then by loss, score (high first), then the
    earliest move-in, then home (id order)."""
    pv = scored.pv
    return lexorder(pv, scored.cols.available_days[pv], -scored.score, loss, ~matched, scored.pc)


def assignments(
    scored: ScoredProblem, matched: B, solver_of_pair: list[str]
) -> list[dict[str, Any]]:
    """The plan's pairs sorted by citizen id, each with its score and breakdown."""
    cols = scored.cols
    rows = np.flatnonzero(matched)
    money, flags, _ = money_rows(scored, rows, words=False)
    out = []
    for k, c, v, score, parts, pair_money, pair_flags in zip(
        rows.tolist(),
        scored.pc[rows].tolist(),
        scored.pv[rows].tolist(),
        scored.score[rows].tolist(),
        breakdown_rows(scored, rows),
        money,
        flags,
        strict=True,
    ):
        out.append(
            {
                "breakdown": dict(zip(PART_NAMES, parts, strict=True)),
                "citizen": cols.citizen_ids[c],
                "flags": pair_flags,
                "money": pair_money,
                "score": score,
                "solver": solver_of_pair[k],
                "vacancy": cols.vacancy_ids[v],
            }
        )
    return out


def _first_per_group(group: I64, order: I64, limit: int) -> tuple[I64, I64]:
    """Within ``order`` (sorted by ``group``), the rows ranked below ``limit`` and their rank."""
    g = group[order]
    new = np.r_[True, g[1:] != g[:-1]] if g.size else np.zeros(0, dtype=np.bool_)
    starts = np.flatnonzero(new)
    rank = np.arange(g.size) - np.repeat(starts, np.diff(np.r_[starts, g.size]))
    keep = rank < limit
    return order[keep], rank[keep]


def _split(items: list[Any], group: I64, n_groups: int) -> list[list[Any]]:
    """``items`` (sorted by ``group``) as one list per group index 0..n_groups-1."""
    bounds = np.searchsorted(group, np.arange(n_groups + 1)).tolist()
    return [items[a:b] for a, b in pairwise(bounds)]


def vacancy_offers(
    scored: ScoredProblem, matched: B, loss: I64, *, max_alternates: int
) -> list[dict[str, Any]]:
    """Per vacancy (sorted by id): the assigned citizen, then up to ``max_alternates``."""
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    home = home_of(scored, matched)
    holder_array = np.full(cols.n_vacancies, -1, dtype=np.int64)
    holder_array[pv[matched]] = pc[matched]
    holder = holder_array.tolist()
    order = lexorder(pc, -score, loss, ~matched, pv)
    rows, ranks = _first_per_group(pv, order, max_alternates + 1)
    citizen_ids, vacancy_ids = cols.citizen_ids, cols.vacancy_ids
    rows_c = pc[rows]
    # the citizen-only parts in words, once per citizen listed
    _, first, at = np.unique(rows_c, return_index=True, return_inverse=True)
    language = cols.language
    labels = part_labels(language)
    texts = _TEXTS[language]
    head_labels = [labels[n] for n in _HEAD_NAMES]
    pair_labels = [labels[n] for n in _PAIR_NAMES]
    head_parts = np.stack([scored.parts[n][rows[first]] for n in _HEAD_NAMES], 1)
    # each distinct number in words once (grouped formatting is slow)
    distinct = np.unique(head_parts).tolist()
    number = dict(zip(distinct, commas(distinct, language), strict=True))
    waited = _waited_words(scored, rows_c[first], language)
    heads = [
        ", ".join(
            [
                f"{label} {number[value]}{waited[i] if k == _WAIT_AT else ''}"
                for k, (label, value) in enumerate(zip(head_labels, head, strict=True))
                if value
            ]
        )
        for i, head in enumerate(head_parts.tolist())
    ]
    pair_parts = np.stack([scored.parts[n][rows] for n in _PAIR_NAMES], 1)
    # the pair parts in words, once per distinct combination (few: most are 0 or fixed)
    pair_keys = list(map(tuple, pair_parts.tolist()))
    tail_text = dict.fromkeys(pair_keys, "")
    for tail in tail_text:
        tail_text[tail] = ", ".join(
            [
                f"{label} {number}"
                for label, value, number in zip(
                    pair_labels, tail, commas(list(tail), language), strict=True
                )
                if value
            ]
        )
    affordable = list(
        map(
            _AFFORDABLE_TEXT[language].format,
            *(commas(scored.afford[n][rows].tolist(), language) for n in AFFORD_FIELDS),
        )
    )
    money, flags, money_texts = money_rows(scored, rows)
    affordable = [a + b for a, b in zip(affordable, money_texts, strict=True)]
    points_list = score[rows].tolist()
    lost_list = loss[rows].tolist()
    bonus_list = scored.bonus_by_muni[cols.c_muni[rows_c]].tolist()
    candidates = []
    for (
        breakdown,
        rank,
        c,
        v,
        points,
        lost,
        lost_text,
        bonus,
        assigned,
        planned,
        head,
        tail,
        money_text,
        pair_money,
        pair_flags,
    ) in zip(
        map(dict, map(zip, repeat(_SORTED_PARTS), breakdown_rows(scored, rows, _SORTED_PARTS))),
        (ranks + 1).tolist(),
        rows_c.tolist(),
        pv[rows].tolist(),
        points_list,
        lost_list,
        commas(lost_list, language),
        bonus_list,
        matched[rows].tolist(),
        home[rows_c].tolist(),
        map(heads.__getitem__, at.tolist()),
        map(tail_text.__getitem__, pair_keys),
        affordable,
        money,
        flags,
        strict=True,
    ):
        citizen = citizen_ids[c]
        named = f"{head}, {tail}" if head and tail else head or tail
        words = texts["points"].format(named) if named else texts["no_points"]
        if assigned:
            why = texts["assigned"].format(citizen=citizen, words=words, money=money_text)
        else:
            first_text = (
                texts["if_declines"].format(holder=citizen_ids[holder[v]])
                if holder[v] >= 0
                else texts["nobody"]
            )
            where = (
                texts["planned"].format(vacancy=vacancy_ids[planned])
                if planned >= 0
                else texts["not_planned"]
            )
            if lost == 0:
                lost_words = texts["loss_none"]
            elif bonus and lost >= bonus:
                lost_words = texts["loss_home"]
            else:
                lost_words = texts["loss"].format(loss=lost_text)
            why = texts["alternate"].format(
                first=first_text, loss=lost_words, where=where, words=words, money=money_text
            )
        candidates.append(
            {
                "assigned": assigned,
                "breakdown": breakdown,
                "citizen": citizen,
                "flags": pair_flags,
                "loss": lost,
                "money": pair_money,
                "planned_vacancy": vacancy_ids[planned] if planned >= 0 else None,
                "rank": rank,
                "score": points,
                "why": why,
            }
        )
    per_vacancy = _split(candidates, pv[rows], cols.n_vacancies)
    feasible = np.bincount(pv, minlength=cols.n_vacancies).tolist()
    return [
        {"candidates": listed, "feasible_citizens": count, "vacancy": vacancy_id}
        for listed, count, vacancy_id in zip(per_vacancy, feasible, vacancy_ids, strict=True)
    ]


_OPTION_KEYS = ("assigned", "loss", "rank", "score", "vacancy")


def citizen_options(
    scored: ScoredProblem, matched: B, loss: I64, *, max_options: int, order: I64 | None = None
) -> list[dict[str, Any]]:
    """Per citizen (sorted by id): their assigned home first, then feasible homes by loss.

    ``order`` is :func:`citizen_order` when the caller has it already.
    """
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    if order is None:
        order = citizen_order(scored, matched, loss)
    rows, ranks = _first_per_group(pc, order, max_options)
    vacancy_ids = cols.vacancy_ids
    entries = list(
        map(
            dict,
            map(
                zip,
                repeat(_OPTION_KEYS),
                zip(
                    matched[rows].tolist(),
                    loss[rows].tolist(),
                    (ranks + 1).tolist(),
                    score[rows].tolist(),
                    map(vacancy_ids.__getitem__, pv[rows].tolist()),
                    strict=True,
                ),
            ),
        )
    )
    per_citizen = _split(entries, pc[rows], cols.n_citizens)
    feasible = np.bincount(pc, minlength=cols.n_citizens).tolist()
    return [
        {"citizen": citizen_id, "feasible_vacancies": count, "vacancies": listed}
        for citizen_id, count, listed in zip(cols.citizen_ids, feasible, per_citizen, strict=True)
    ]
