"""The errors' catalogue: every problem type has its Danish and English title."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from allocation.offer_states import _STATUS_CONFLICTS, _VACANCY_CONFLICTS
from api.errors import STATUS_SLUGS
from kernel import messages
from kernel.errors import PreconditionFailed, check_version, not_found

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["allocation", "api", "inventory", "kernel", "planning", "boligmatch"]
RAISERS = {"NotFound", "Conflict", "Invalid", "Forbidden", "PreconditionFailed", "conflict"}


def _raised_codes() -> set[str]:
    """Every problem code written in the services and the API (first string argument)."""
    codes: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                args = node.args[1:] if name == "ProblemError" else node.args
                first = args[0].value if args and isinstance(args[0], ast.Constant) else None
                if name in RAISERS | {"ProblemError"} and isinstance(first, str):
                    codes.add(first)
    return codes


def test_every_problem_type_has_a_title_in_both_languages() -> None:
    codes = _raised_codes() | set(STATUS_SLUGS.values())
    codes |= {code for code, _ in [*_STATUS_CONFLICTS.values(), *_VACANCY_CONFLICTS.values()]}
    assert len(codes) > 40  # the scan found the services' codes
    missing = sorted(codes - messages.TITLES.keys())
    assert not missing, f"problem types without a Danish title: {missing}"
    for code, (danish, english) in messages.TITLES.items():
        assert danish and english and danish != english, code


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "da"),
        ("", "da"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("da-DK,da;q=0.9,en;q=0.8", "da"),
        ("en;q=0.4,da;q=0.8", "da"),
        ("de-DE,fr;q=0.9", "da"),  # neither: the service's language
        ("da;q=0,en", "en"),  # q=0 means "not this one"
        ("en;q=abc", "da"),
    ],
)
def test_accept_language_picks_danish_or_english(header: str | None, lang: str) -> None:
    assert messages.pick_language(header) == lang


def test_domain_errors_carry_both_languages() -> None:
    missing = not_found("vacancy")
    assert missing.detail == "No such vacancy."  # the English detail, for logs
    assert missing.in_language("da") == ("Findes ikke", "Boligen findes ikke.")
    with pytest.raises(PreconditionFailed) as stale:
        check_version("case", current=3, expected=2)
    title, detail = stale.value.in_language("da")
    assert title == "Ændret siden du læste den"
    assert detail == "Sagen er ændret, siden du læste den; læs den igen, og prøv igen."


def test_field_problems_fill_in_their_limits() -> None:
    assert messages.field_problem("less_than_equal", "da", {"le": 500}, "x") == "må højst være 500"
    assert (
        messages.field_problem("less_than_equal", "en", {"le": 500}, "pydantic's") == "pydantic's"
    )
    # A custom validator's own sentence is kept.
    assert messages.field_problem("value_error", "da", {}, "own words") == "own words"


def _detail_keys() -> set[str]:
    """Every ``key="..."`` passed to an error in the services and the API."""
    keys: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        value = keyword.value
                        if keyword.arg == "key" and isinstance(value, ast.Constant):
                            keys.add(str(value.value))
    return keys


def test_every_detail_key_in_use_has_both_sentences() -> None:
    keys = _detail_keys()
    assert {"no_such", "offer_status_conflict", "case_awaiting_answer"} <= keys
    assert not keys - messages.DETAILS.keys(), sorted(keys - messages.DETAILS.keys())
    for key, (danish, english) in messages.DETAILS.items():
        # Both sentences name the same values (a placeholder's _da/_en twin counts as one).
        names = [
            {
                part.split("}")[0].removesuffix("_da").removesuffix("_en")
                for part in text.split("{")[1:]
            }
            for text in (danish, english)
        ]
        assert names[0] == names[1], key
