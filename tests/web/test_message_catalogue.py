"""The message catalogue is one dictionary built from several modules: none may silently
override another's text for the same key (a page would then say the other page's words)."""

from __future__ import annotations

import ast
from pathlib import Path

from api.web import i18n_a11y, i18n_aftercare, i18n_planner

BASE = Path(__file__).resolve().parents[2] / "api" / "web" / "i18n.py"


def _base_strings() -> dict[str, tuple[str, str]]:
    for node in ast.parse(BASE.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if getattr(target, "id", None) == "STRINGS":
            value = node.value
            assert value is not None
            return dict(ast.literal_eval(value))
    raise AssertionError("no STRINGS in api/web/i18n.py")


def test_no_module_overrides_another_modules_text() -> None:
    seen = {key: ("i18n", text) for key, text in _base_strings().items()}
    for name, strings in (
        ("i18n_aftercare", i18n_aftercare.AFTERCARE_STRINGS),
        ("i18n_a11y", i18n_a11y.A11Y_STRINGS),
        ("i18n_planner", i18n_planner.PLANNER_STRINGS),
    ):
        for key, text in strings.items():
            if key in seen:
                owner, earlier = seen[key]
                assert earlier == text, f"{name} redefines {key!r} of {owner}: {text} != {earlier}"
            seen[key] = (name, text)
