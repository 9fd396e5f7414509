"""The command line speaks Danish by default and English with ``BOLIGMATCH_LANG=en``.

Every word a command prints besides ``--help`` and ``--json`` comes from one catalogue
(:mod:`kernel.cli_messages`); these checks run the real commands in both languages and
hold the catalogue complete.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from boligmatch import cli
from kernel import cli_messages
from kernel.cli_messages import CLI, COUNTS, cli_language, count
from kernel.formats import number

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = {"BOLIGMATCH_LANG": "en"}


def _run(args: list[str], env: dict[str, str] | None = None) -> Result:
    cli._register()
    return CliRunner().invoke(cli.app, args, env=env)


def _problem(tmp_path: Path) -> Path:
    from synthetic.population import generate_problem

    path = tmp_path / "problem.json"
    path.write_text(json.dumps(generate_problem(seed=2, n_citizens=60, n_vacancies=20)), "utf-8")
    return path


# --- the catalogue -------------------------------------------------------------------------


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    assert len(CLI) > 100
    for key, (danish, english) in CLI.items():
        assert danish.strip() and english.strip(), key
        assert _names(danish) == _names(english), key
    for what, forms in COUNTS.items():
        assert all(one and many for one, many in forms), what


def _keys_in_use() -> set[str]:
    """Every constant key passed to ``say``/``say_`` and every ``code_words`` prefix."""
    keys: set[str] = set()
    for path in (ROOT / "boligmatch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if isinstance(node.func, ast.Call):  # translator(lang)("key", ...)
                name = "say" if getattr(node.func.func, "id", None) == "translator" else None
            if name in {"say", "say_"} and isinstance(first, ast.Constant):
                keys.add(str(first.value))
            if isinstance(first, ast.IfExp) and name in {"say", "say_"}:
                branches = (first.body, first.orelse)
                keys |= {str(b.value) for b in branches if isinstance(b, ast.Constant)}
            if name == "count" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                keys.add(f"count:{node.args[1].value!s}")
    return keys


def test_every_key_the_commands_use_is_in_the_catalogue() -> None:
    used = _keys_in_use()
    assert {"error", "migrated", "solve_summary", "band_line", "count:case"} <= used
    missing = sorted(
        k for k in used if k not in CLI and not (k.startswith("count:") and k[6:] in COUNTS)
    )
    assert not missing, f"keys the commands use without words: {missing}"


@pytest.mark.parametrize(
    ("value", "lang"),
    [(None, "da"), ("", "da"), ("da", "da"), ("en", "en"), ("EN", "en"), ("en_GB.UTF-8", "en"),
     ("en-US", "en"), ("de", "da")],
)  # fmt: skip
def test_the_language_setting(value: str | None, lang: str) -> None:
    assert cli_language({} if value is None else {"BOLIGMATCH_LANG": value}) == lang


def test_numbers_and_counts_the_languages_way() -> None:
    assert number(12345.5, "da", 1) == "12.345,5" and number(12345.5, "en", 1) == "12,345.5"
    assert count(1, "case", "da") == "1 sag" and count(3, "case", "da") == "3 sager"
    assert count(1, "case", "en") == "1 case" and count(1234, "case", "en") == "1,234 cases"
    with pytest.raises(KeyError):
        cli_messages.translator("da")("no-such-key")


# --- the real commands ---------------------------------------------------------------------


def test_an_error_exit_in_danish_and_english(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    danish = _run(["solve", missing])
    assert danish.exit_code == 2
    assert danish.stderr.startswith("fejl: ") and "filen kan ikke læses" in danish.stderr
    english = _run(["solve", missing], ENGLISH)
    assert english.exit_code == 2
    assert english.stderr.startswith("error: ") and "cannot read the file" in english.stderr


def test_a_readable_table_in_danish_and_english(tmp_path: Path) -> None:
    path = str(_problem(tmp_path))
    danish = _run(["solve", path])
    assert danish.exit_code == 0, danish.output
    head = danish.stdout.splitlines()
    assert head[0].startswith("status optimal  målværdi ") and " boligplaceret " in head[0]
    assert head[2].split() == ["bolig", "borger", "point", "næste", "ved", "afslag"]
    assert "borgere uden bolig, efter grund:" in danish.stdout
    assert "andre går forud" in danish.stdout  # the reason in words, not its code
    assert re.search(r"målværdi \d{1,3}(\.\d{3})+  ", head[0])  # Danish thousands dots
    assert danish.stderr.startswith("tider [s]: ")
    english = _run(["solve", path], ENGLISH)
    assert english.exit_code == 0, english.output
    assert english.stdout.startswith("status OPTIMAL  objective ")
    assert re.search(r"objective \d{1,3}(,\d{3})+  ", english.stdout)
    assert "unmatched citizens by reason:" in english.stdout
    # The JSON document is the same bytes in either language.
    assert _run(["solve", path, "--json"]).stdout == _run(["solve", path, "--json"], ENGLISH).stdout


def test_the_shortfall_table_in_danish_and_english() -> None:
    args = ["shortfall", "--no-database", "-m", "101", "--as-of", "2026-11-02"]
    danish = _run(args)
    assert danish.exit_code == 0, danish.output
    assert danish.stdout.split()[:3] == ["kode", "kommune", "2022"]
    assert "1.370 1.387" in danish.stdout and "3.467,5" in danish.stdout
    assert "i alt" in danish.stdout and "pr. 02.11.2026" in danish.stdout
    english = _run(args, ENGLISH)
    assert english.stdout.split()[:3] == ["code", "municipality", "2022"]
    assert "1,370 1,387" in english.stdout and "3,467.5" in english.stdout
    assert "as of 2026-11-02" in english.stdout
    assert _run([*args, "--json"]).stdout == _run([*args, "--json"], ENGLISH).stdout


def test_housing_benefit_headline_and_option_errors() -> None:
    args = ["housing-benefit", "--income-dkk", "12000", "--rent-dkk", "6000", "--area-m2", "60"]
    danish = _run(args)
    assert danish.stdout.startswith("Boligsikring (2026-satser): 926 kr./md. (11.112 kr./år)")
    english = _run(args, ENGLISH)
    assert english.stdout.startswith("Boligsikring (2026 rates): 926 kr./month (11,112 kr./year)")
    bad = [*args[:-1], "-1"]
    assert _run(bad).stderr.startswith("fejl: --area-m2: ")
    assert _run(bad, ENGLISH).stderr.startswith("Error: --area-m2: ")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite file as the configured database (settings read anew)."""
    from kernel.settings import get_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_status_lines_in_danish_and_english(database: str) -> None:
    danish = _run(["migrate"])
    assert danish.exit_code == 0, danish.output
    assert danish.stdout == "databasen er migreret til head\n"
    assert _run(["migrate"], ENGLISH).stdout == "database migrated to head\n"

    expire = ["expire-offers", "--today", "2026-11-02"]
    danish = _run(expire)
    assert danish.exit_code == 0, danish.output
    assert danish.stdout == "02.11.2026: 0 tilbud udløbet, 0 nye forslag til de næste borgere\n"
    english = _run(expire, ENGLISH)
    assert english.stdout == "2026-11-02: 0 offers expired, 0 next proposals made\n"

    assert _run(["purge-personal-data"]).stdout == "0 sager anonymiseret\n"
    assert _run(["purge-personal-data"], ENGLISH).stdout == "0 cases anonymised\n"
    bad_day = _run(["expire-offers", "--today", "2.11.2026"])
    assert bad_day.exit_code == 2 and "ikke en dato på formen ÅÅÅÅ-MM-DD" in bad_day.stderr
