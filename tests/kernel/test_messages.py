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


# Raisers whose detail is a sentence: the error kinds, their helpers and the HTTP problem.
# The argument that is the detail, counted from 0 (None: keyword-only, never positional).
DETAIL_POSITION: dict[str, int | None] = {
    "DomainError": 2,
    "NotFound": 2,
    "Conflict": 2,
    "Invalid": 2,
    "Forbidden": 2,
    "PreconditionFailed": 2,
    "ProblemError": 3,
    "conflict": 1,
    "invalid": None,
    "too_many": None,
    "_unauthorized": None,
}
# Raise sites that pass on text made elsewhere, so no catalogue sentence can hold it:
# (file, enclosing function) -> why.
UNKEYED_DETAILS: dict[tuple[str, str], str] = {
    ("api/errors.py", "_on_http_exception"): (
        "passes on an HTTPException's own detail (FastAPI's or a route's), not ours"
    ),
    ("allocation/match_runs.py", "_invalid"): (
        "the matcher's validation paths and messages (matcher.validate), listed field by field"
    ),
}


def _calls_by_function(tree: ast.AST) -> list[tuple[str, ast.Call]]:
    """Every call in ``tree`` with the name of the function it is written in."""
    found: list[tuple[str, ast.Call]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Call):
                found.append((function, child))
            visit(child, function)

    visit(tree, "<module>")
    return found


def _call_name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _unkeyed(call: ast.Call) -> bool:
    """A raiser call passing a detail sentence but no message ``key``."""
    name = _call_name(call)
    if name not in DETAIL_POSITION:
        return False
    keywords = {k.arg for k in call.keywords}
    position = DETAIL_POSITION[name]
    positional = position is not None and len(call.args) > position
    return (positional or "detail" in keywords) and "key" not in keywords


def _unkeyed_details() -> list[tuple[str, str, int, str]]:
    """Every unkeyed raiser call in the services and the API, with where it is."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function, call in _calls_by_function(tree):
                if _unkeyed(call):
                    where = str(path.relative_to(ROOT))
                    found.append((where, function, call.lineno, ast.unparse(call)[:80]))
    return found


def test_every_raised_detail_comes_from_the_catalogue() -> None:
    """A detail written as an English sentence reaches a Danish reader as English."""
    found = _unkeyed_details()
    exempt = {site[:2] for site in found if site[:2] in UNKEYED_DETAILS}
    assert exempt == UNKEYED_DETAILS.keys(), "an exemption no longer matches its site"
    offending = [site for site in found if site[:2] not in UNKEYED_DETAILS]
    assert not offending, "details without a message key:\n" + "\n".join(map(str, offending))


def test_the_scan_sees_an_unkeyed_detail() -> None:
    """The scan is not blind: each kind of raiser with a bare sentence is reported."""
    source = (
        "def f():\n"
        "    raise Conflict('x', 'X', 'An English sentence.')\n"
        "    raise conflict('x', 'An English sentence.')\n"
        "    raise ProblemError(401, 'x', 'X', 'An English sentence.')\n"
        "    raise NotFound('x', 'X', detail='An English sentence.')\n"
        "    raise NotFound('x', 'X', key='no_such', values={'what': 'case'})\n"
    )
    calls = [call for _, call in _calls_by_function(ast.parse(source))]
    assert [call.lineno for call in calls if _unkeyed(call)] == [2, 3, 4, 5]


# Values a helper adds to those its callers pass (``too_many`` names the wait).
HELPER_VALUES: dict[str, set[str]] = {"too_many": {"retry", "retry_da"}}


def _passed_values() -> dict[str, list[set[str] | None]]:
    """Per message key, the value names each call site passes (None: not literal)."""
    passed: dict[str, list[set[str] | None]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for _, call in _calls_by_function(ast.parse(path.read_text(encoding="utf-8"))):
                keywords = {k.arg: k.value for k in call.keywords}
                key = keywords.get("key")
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                names: set[str] | None = set(HELPER_VALUES.get(_call_name(call) or "", set()))
                values = keywords.get("values")
                if isinstance(values, ast.Dict):
                    for name, value in zip(values.keys, values.values, strict=True):
                        if isinstance(name, ast.Constant) and names is not None:
                            names.add(str(name.value))
                        elif (  # **day_values("deadline", ...): deadline and deadline_da
                            name is None
                            and isinstance(value, ast.Call)
                            and _call_name(value) == "day_values"
                            and isinstance(value.args[0], ast.Constant)
                            and names is not None
                        ):
                            names |= {str(value.args[0].value), f"{value.args[0].value}_da"}
                        elif name is None and isinstance(value, ast.Name) and names is not None:
                            names = None  # **doing: built in the helper, checked below
                elif values is not None:
                    names = None
                passed.setdefault(key.value, []).append(names)
    return passed


def test_every_detail_formats_in_both_languages_with_the_values_passed() -> None:
    passed = _passed_values()
    assert "pair_infeasible" in passed and "too_many_writes" in passed
    unused = sorted(messages.DETAILS.keys() - passed.keys())
    assert not unused, f"catalogued details no call site uses: {unused}"
    for key, sites in passed.items():
        for names in sites:
            if names is None:
                continue
            for lang in messages.LANGS:
                try:
                    text = messages.detail(key, lang, {name: "7" for name in names})
                except KeyError as missing:
                    raise AssertionError(f"{key} ({lang}) needs {missing}, given {names}") from None
                assert "{" not in text, (key, lang, text)


def test_a_lost_race_names_what_it_interrupted_in_both_languages() -> None:
    """``race_is_conflict``'s sentences start with a ``doing_*`` entry in the same language."""
    from sqlalchemy.orm.exc import StaleDataError

    from allocation.offer_repository import race_is_conflict
    from kernel.errors import Conflict

    with (
        pytest.raises(Conflict) as lost,
        race_is_conflict(key="doing_send_offer", values={"offer_id": 12}),
    ):
        raise StaleDataError("stale")
    assert lost.value.detail == (
        "Sending offer 12: the data changed while the request ran; reload and try again."
    )
    assert lost.value.in_language("da")[1] == (
        "Tilbud 12 kunne ikke sendes, fordi data blev ændret, mens forespørgslen kørte; "
        "hent dem igen, og prøv igen."
    )


def test_danish_details_write_dates_and_choices_the_danish_way() -> None:
    import datetime as dt

    from allocation.offer_states import decline_reason
    from kernel.errors import Invalid, day_values

    values = {"offer_id": 4, **day_values("deadline", dt.date(2026, 10, 23)), "event": "accept"}
    assert messages.detail("offer_answer_overdue", "da", values) == (
        "Tilbud 4 skulle være besvaret senest den 23.10.2026; det kan ikke længere tages imod."
    )
    assert messages.detail("offer_answer_overdue", "en", values) == (
        "Offer 4 had to be answered by 2026-10-23; it cannot be accepted."
    )
    with pytest.raises(Invalid) as refused:
        decline_reason("meh")
    assert refused.value.detail == (
        "'meh' is not one of: too_expensive, wrong_area, too_small, accessibility, health, "
        "no_answer, other."
    )
    assert refused.value.in_language("da") == (
        "Ukendt grund til afslag",
        "'meh' er ikke en kendt grund til afslag; brug too_expensive, wrong_area, too_small, "
        "accessibility, health, no_answer eller other.",
    )
