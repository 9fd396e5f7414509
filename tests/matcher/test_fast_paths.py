"""The fast paths agree with the straightforward ones they replace, value for value."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matcher_testkit import problems

from matcher.affordability import assess_indexed
from matcher.api import dumps_result, solve_problem
from matcher.columns import lexorder
from matcher.offers import commas
from matcher.problem import parse_problem
from matcher.rules import (
    CHEAP_RULES,
    assess_pairs,
    cheap_rule_masks,
    home_columns_of,
    household_columns_of,
)
from matcher.scoring import find_components, score_problem


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_citizens=8, max_vacancies=8))
def test_rule_masks_and_indexed_affordability_match_the_pairwise_paths(
    document: dict[str, Any],
) -> None:
    cols = score_problem(parse_problem(document)).cols
    for comp in find_components(cols):
        cs, vs = comp.citizens, comp.vacancies
        if cs.size == 0 or vs.size == 0:
            continue
        ci, vi = np.repeat(cs, vs.size), np.tile(vs, cs.size)
        masks = list(cheap_rule_masks(cols, cs, vs))
        assert len(masks) == len(CHEAP_RULES)
        for mask, rule in zip(masks, CHEAP_RULES, strict=True):
            assert mask.shape == (cs.size, vs.size)
            assert np.array_equal(mask.ravel(), np.asarray(rule(cols, ci, vi))), rule.name
        slow = assess_pairs(cols, ci, vi)
        households, homes = household_columns_of(cols), home_columns_of(cols)
        fast = assess_indexed(households, ci, homes, vi, year=cols.as_of.year)
        for name in slow.__dataclass_fields__:
            assert np.array_equal(getattr(slow, name), getattr(fast, name)), name


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_citizens=6, max_vacancies=6))
def test_dumps_result_is_json_dumps_with_sorted_keys(document: dict[str, Any]) -> None:
    result = solve_problem(document, explain=True)
    expected = json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert dumps_result(result) == expected + "\n"


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"b": 1, "a": [1, "x", None, True]},
        {"b": 1.5, "a": [1]},
        {"z": {"y": 1, "x": [{"b": 1, "a": 2}, {"a": 3}, {"c": {"e": 1, "d": 2}}]}, "a": None},
        {"a": [[{"b": 1, "a": 2}], [], (3, 4)], "c": ["é", "\u2028", '\x00\n"\\']},
        {"x": [[1, [{"b": 2, "a": 1}]], "s", {"k": {}}], "n": 2**70, "m": -(2**70)},
        {"b": [{"d": {"f": 1, "e": 2}}, {"d": None}, {"c": 1}], "a": (1, (2, {"y": 0, "x": 1}))},
        {"a": np.int64(3)},
        {"a": "\ud800"},
        # floats orjson writes in other forms: the text is written again by json
        {"b": [1e-05, 2.5e-07], "a": 0.5},
        {"a": 1e16, "b": -1.2345678901234568e17, "c": 1e22},
        {"a": "0.00001 in a text", "b": "1e5 in a text"},
    ],
)
def test_dumps_result_of_any_document(value: dict[str, Any]) -> None:
    """Byte for byte json.dumps, whichever serialiser wrote it."""
    original = json.loads(json.dumps(value, default=int)) if "a" in value else None
    try:
        expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except TypeError:
        with pytest.raises(TypeError):
            dumps_result(value)
        return
    assert dumps_result(value) == expected + "\n"
    if original is not None and not isinstance(value.get("a"), str):
        assert json.loads(json.dumps(value, default=int)) == original  # input left alone


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-(2**62), 2**62),
            st.integers(0, 3),
            st.booleans(),
            st.integers(-5, 5),
        ),
        max_size=40,
    )
)
def test_lexorder_is_lexsort(rows: list[tuple[int, int, bool, int]]) -> None:
    if not rows:
        assert lexorder(np.zeros(0, dtype=np.int64)).size == 0
        return
    a, b, c, d = (np.asarray(col) for col in zip(*rows, strict=True))
    for keys in ((a, b, c, d), (d, c, b), (b, c), (d,), (c, d, b, a)):
        assert np.array_equal(lexorder(*keys), np.lexsort(keys))


@given(st.lists(st.integers(-(10**12), 10**12) | st.integers(-5000, 5000), max_size=60))
def test_commas_is_grouped_format(values: list[int]) -> None:
    assert commas(values) == [f"{value:,}" for value in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=20))
def test_dumps_result_writes_every_float_as_json_does(values: list[float]) -> None:
    document = {"values": values, "text": "ø"}
    expected = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert dumps_result(document) == expected + "\n"


def test_problem_refuses_nan_and_infinity() -> None:
    """A result never holds NaN or infinities, because the problem refuses them."""
    from matcher_testkit import citizen, problem, vacancy

    from matcher.problem import ProblemError, loads_problem

    text = json.dumps(problem([citizen("C1")], [vacancy("V1")]))
    for bad in ("NaN", "Infinity"):
        broken = text.replace('"size_m2": 45.0', f'"size_m2": {bad}', 1)
        assert broken != text
        with pytest.raises(ProblemError, match="size_m2"):
            loads_problem(broken)
