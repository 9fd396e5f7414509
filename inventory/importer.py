"""Import a housing association's vacancy list (CSV or Excel), all or nothing.

The whole file is read and validated before anything is written. Every problem
(a missing column, a wrong type, a negative rent, an unknown municipality, a
duplicated unit, a unit of another association, a point in no known district) is
reported at once, in row order, with its row number as the spreadsheet shows it (the
header is row 1) and its column, and nothing is imported. A valid file is written in
one transaction. Re-importing a list updates the units and their open vacancies in
place; it never creates duplicates, because a unit is known by (association,
department, unit_ref) and has at most one active vacancy.

Lists are read as associations write them: UTF-8 (with or without BOM), Windows-1252
(Excel's "CSV (semikolonsepareret)") or UTF-16; comma, semicolon or tab between cells;
the column headings in Danish ("Husleje", "Areal (m²)", ...) or English (the field
names), spelled once per column in :data:`COLUMNS`; numbers the Danish way ("4.950",
"4.950,00", "68,5"); dates as 01.02.2027 or 2027-02-01; ja/nej. A number that reads
two ways ("4,950" is 4950 in English and 4,95 in Danish; "1.5" in a rent) is refused
with a message saying how to write it, never guessed (:func:`_amount`, :func:`_measure`).
Every message has a Danish and an English wording (:data:`MESSAGES`, :meth:`RowError.text`).

Every file is bounded before it is read (one small workbook once declared a cell at
XFD1048576 and made a whole-sheet reader grow to 22 GB): at most `MAX_FILE_BYTES` on
the wire; for Excel, at most `MAX_UNCOMPRESSED_BYTES` declared by the zip members and a
sheet `<dimension>` within `MAX_ROWS` x `MAX_COLUMNS`, checked before any cell is
parsed, then rows streamed (openpyxl read-only) only up to those bounds. At most
`MAX_ERRORS` problems are listed, with a count of the rest. Formulas are refused, and so
are CSV cells that a spreadsheet would run as one (``=``, ``+``, ``-``, ``@`` not
followed by a number). Every field has the range and length of :mod:`matcher.bounds`,
the same as the API's and the matcher's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.models import (
    ACTIVE_VACANCY_STATUSES,
    AllocationRight,
    Department,
    District,
    HousingAssociation,
    Municipality,
    Unit,
    UnitKind,
    Vacancy,
    VacancyStatus,
)
from matcher import bounds
from matcher.section59 import AREA_CATEGORIES

Lang = Literal["da", "en"]

TRUE = {"true", "yes", "ja", "1", "y", "j", "x", "sand"}
FALSE = {"false", "no", "nej", "0", "n", "", "falsk"}

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024  # all members of an .xlsx together
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 10_000  # data rows, below the header
MAX_COLUMNS = 40  # 26 are documented
MAX_ERRORS = 100
_SHOWN_CHARS = 40  # a bad value is quoted in the error at most this long

#: Every problem the importer can name: key -> (Danish, English). ``{value}`` is the cell
#: as typed (cut to 40 characters); numbers are written the language's way.
MESSAGES: dict[str, tuple[str, str]] = {
    "not_a_number": ("'{value}' er ikke et tal", "'{value}' is not a number"),
    "not_finite": ("'{value}' er ikke et endeligt tal", "'{value}' is not a finite number"),
    "ambiguous_amount": (
        "'{value}' kan læses på to måder; skriv beløbet på dansk, fx 4950, 4.950 eller "
        "4.950,50 (punktum mellem tusinder, komma før øre)",
        "'{value}' can be read two ways; write the amount the Danish way, e.g. 4950, 4.950 "
        "or 4.950,50 (a point between thousands, a comma before øre)",
    ),
    "ambiguous_number": (
        "'{value}' kan læses på to måder ({first} eller {second}); skriv decimaler med "
        "komma og ingen tusindtalspunktum",
        "'{value}' can be read two ways ({first} or {second}); write decimals with a comma "
        "and no thousands separator",
    ),
    "too_many_decimals": (
        "'{value}' har mere end to decimaler; et beløb skrives i kroner og øre, fx 4.950,50",
        "'{value}' has more than two decimals; write an amount in kroner and øre, e.g. 4.950,50",
    ),
    "more_than_zero": (
        "skal være større end 0 (fik {value})",
        "must be greater than 0 (got {value})",
    ),
    "not_negative": ("må ikke være negativ (fik {value})", "must not be negative (got {value})"),
    "at_least": ("skal være mindst {low} (fik {value})", "must be at least {low} (got {value})"),
    "at_most": ("må højst være {high} (fik {value})", "must be at most {high} (got {value})"),
    "not_whole": ("'{value}' er ikke et helt tal", "'{value}' is not a whole number"),
    "not_yes_no": (
        "'{value}' er ikke ja/nej (skriv ja eller nej)",
        "'{value}' is not yes/no (use true/false, ja/nej or 1/0)",
    ),
    "not_a_date": (
        "'{value}' er ikke en dato (skriv fx 01.02.2027 eller 2027-02-01)",
        "'{value}' is not a date (use YYYY-MM-DD)",
    ),
    "not_latitude": (
        "{value} er ikke en breddegrad i Danmark (54-58 grader, WGS84)",
        "{value} is not a latitude in Denmark (54-58, WGS84 degrees)",
    ),
    "not_longitude": (
        "{value} er ikke en længdegrad i Danmark (7,5-15,5 grader, WGS84)",
        "{value} is not a longitude in Denmark (7.5-15.5, WGS84 degrees)",
    ),
    "not_municipality_code": (
        "'{value}' er ikke en kommunekode (3 cifre, fx 461)",
        "'{value}' is not a municipality code (3 digits, e.g. 461)",
    ),
    "not_one_of": ("'{value}' er ikke en af: {options_da}", "'{value}' is not one of {options}"),
    "empty": ("skal udfyldes", "must not be empty"),
    "too_long": (
        "må højst være {max} tegn (fik {length})",
        "must be at most {max} characters (got {length})",
    ),
    "formula": (
        "formler accepteres ikke (cellen begynder med '{char}'); skriv selve værdien",
        "formulas are not accepted (the cell starts with '{char}'); enter the value itself",
    ),
    "right_of_header": (
        "en værdi til højre for den sidste kolonne med overskrift",
        "a value to the right of the last named column",
    ),
    "unknown_municipality": (
        "ukendt kommunekode '{code}'",
        "unknown municipality code '{code}'",
    ),
    "reduction_exceeds_rent": (
        "nedsættelsen {reduction} er større end huslejen {rent}",
        "reduction {reduction} exceeds rent {rent}",
    ),
    "duplicate_unit": (
        "lejemål '{unit}' står allerede i række {first}",
        "unit '{unit}' already listed in row {first}",
    ),
    "other_association": (
        "I kan kun indberette boliger fra '{association}'",
        "you may only report units of '{association}'",
    ),
    "no_area": (
        "intet område angivet, og punktet ligger ikke i et kendt område",
        "no area given and the point lies in no known district",
    ),
    "column_no_name": ("kolonne {position} har ingen overskrift", "column {position} has no name"),
    "column_formula": (
        "kolonne {position}: formler accepteres ikke",
        "column {position}: formulas are not accepted",
    ),
    "column_twice": ("kolonnen står mere end én gang", "column appears more than once"),
    "column_missing": ("påkrævet kolonne mangler", "required column is missing"),
    "column_unknown": (
        "ukendt kolonne (se skabelonen for overskrifterne)",
        "unknown column",
    ),
    "more_problems": (
        "og {rest} problemer mere, som ikke er vist",
        "and {rest} more problem(s) not listed",
    ),
    "unsupported_type": (
        "filtypen '{value}' kan ikke læses: brug .csv eller .xlsx",
        "unsupported file type '{value}': use .csv or .xlsx",
    ),
    "file_too_large": (
        "filen fylder {size} MB; højst {limit} MB accepteres",
        "the file is {size} MB; at most {limit} MB is accepted",
    ),
    "not_xlsx": ("ikke en Excel-fil, der kan læses (.xlsx)", "not a readable Excel file (.xlsx)"),
    "not_xlsx_because": (
        "ikke en Excel-fil, der kan læses: {kind}",
        "not a readable Excel file: {kind}",
    ),
    "zip_parts": (
        "ikke en almindelig Excel-fil: {parts} dele i projektmappen",
        "not a plain Excel file: {parts} parts in the workbook",
    ),
    "unpacks_to": (
        "projektmappen pakkes ud til {size} MB; højst {limit} MB accepteres (gem kun listen)",
        "the workbook unpacks to {size} MB; at most {limit} MB is accepted (save only the list)",
    ),
    "no_sheet": ("projektmappen har intet ark", "the workbook has no sheet"),
    "sheet_rows": (
        "arket går til række {last}; højst {limit} rækker under overskriften accepteres "
        "(del listen, eller slet de tomme rækker under den)",
        "the sheet reaches row {last}; at most {limit} rows below the header are accepted "
        "(split the list, or delete the empty rows below it)",
    ),
    "sheet_columns": (
        "arket går til kolonne {last}; højst {limit} kolonner accepteres (slet kolonnerne "
        "efter listen)",
        "the sheet reaches column {last}; at most {limit} columns are accepted (delete the "
        "columns after the list)",
    ),
    "not_text": ("ikke en tekstfil (CSV)", "not a text (CSV) file"),
    "not_csv": ("ikke en CSV-fil, der kan læses: {why}", "not a readable CSV file: {why}"),
    "file_empty": ("filen er tom", "the file is empty"),
    "no_rows": ("filen har ingen rækker med data", "the file has no data rows"),
    "too_many_rows": (
        "listen har mere end {limit} rækker under overskriften; del den (tomme rækker tæller "
        "også med)",
        "the list has more than {limit} rows below the header; split it (empty rows count too)",
    ),
    "too_many_columns": (
        "listen har {count} kolonner; højst {limit} accepteres",
        "the list has {count} columns; at most {limit} are accepted",
    ),
}


def _figure(value: float, lang: Lang) -> str:
    """A number in a message: ``1e+06``/``7.5`` in English, ``1.000.000``/``7,5`` in Danish."""
    if lang == "en":
        return f"{value:g}"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    return f"{value:g}".replace(".", ",")


def message(key: str, lang: Lang, values: Mapping[str, Any]) -> str:
    """Problem ``key`` in ``lang`` with its ``values`` (numbers written the language's way)."""
    danish, english = MESSAGES[key]
    shown = {
        name: _figure(v, lang) if isinstance(v, float) else str(v) for name, v in values.items()
    }
    return (danish if lang == "da" else english).format(**shown)


class CellProblem(ValueError):
    """What is wrong with one cell: a :data:`MESSAGES` key and its values."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(message(key, "en", values))


def _normal(heading: str) -> str:
    """A heading as compared: case, accents of ² and punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", heading).casefold().replace("²", "2")
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Column:
    """One documented column of the vacancy list.

    ``name`` is the English heading (the field's name); ``heading_da`` the Danish one,
    ``aliases`` other headings associations use. Any of them is accepted, compared
    without case, spaces or punctuation. ``example`` is the template's example cell,
    (Danish, English).
    """

    name: str
    required: bool
    parse: Callable[[str], Any]
    doc: str
    heading_da: str = ""
    doc_da: str = ""
    aliases: tuple[str, ...] = ()
    example: tuple[str, str] = ("", "")

    def heading(self, lang: Lang) -> str:
        """The column's heading in ``lang`` (the template's and the messages')."""
        return (self.heading_da or self.name) if lang == "da" else self.name

    def description(self, lang: Lang) -> str:
        return (self.doc_da or self.doc) if lang == "da" else self.doc


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (``row`` as the spreadsheet numbers it) or the file.

    ``column`` is the field's name (or, for an unknown column, its heading as typed);
    ``heading`` the heading the file used for it. ``problem`` is the English wording,
    :meth:`text` the wording in either language.
    """

    row: int | None
    column: str | None
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    heading: str | None = None

    @property
    def problem(self) -> str:
        return message(self.key, "en", self.values)

    def text(self, lang: Lang) -> str:
        return message(self.key, lang, self.values)

    def column_label(self, lang: Lang) -> str | None:
        """The column as the user knows it: their heading, else the language's heading."""
        if self.heading:
            return self.heading
        known = COLUMN_BY_NAME.get(self.column or "")
        return known.heading(lang) if known is not None else self.column

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where) or 'file'}: {self.problem}"


class ImportFailed(Exception):
    """The list was rejected; ``errors`` names the problems found (at most `MAX_ERRORS`,
    then one line counting the rest), in row order; ``total`` counts them all. Nothing
    was saved."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = len(errors) if total is None else total
        super().__init__(f"{self.total} problem(s) in the vacancy list; nothing was imported")


@dataclass
class _Problems:
    """Collects problems, keeping the first `MAX_ERRORS` and counting the rest."""

    kept: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(
        self,
        row: int | None,
        column: str | None,
        key: str,
        heading: str | None = None,
        **values: Any,
    ) -> None:
        self.total += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(RowError(row, column, key, values, heading))

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.total += 1
            if len(self.kept) < MAX_ERRORS:
                self.kept.append(error)

    def __bool__(self) -> bool:
        return self.total > 0

    def fail(self) -> ImportFailed:
        errors = list(self.kept)
        if self.total > len(errors):
            errors.append(RowError(None, None, "more_problems", {"rest": self.total - len(errors)}))
        return ImportFailed(errors, self.total)


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    units_created: int
    units_updated: int
    vacancies_created: int
    vacancies_updated: int


def _shown(value: str) -> str:
    """``value`` as quoted in an error: long input is cut, never echoed in full."""
    return value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "…"


def _text(value: str, max_length: int = bounds.SHORT_TEXT_MAX) -> str:
    if not value:
        raise CellProblem("empty")
    if len(value) > max_length:
        raise CellProblem("too_long", max=max_length, length=len(value))
    return value


def _text_of(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        return _text(value, max_length)

    return parse


# --- numbers as associations write them ---------------------------------------------------

_DA_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 4.950 / 1.234.567 / 4.950,50
_DA_PLAIN = re.compile(r"\d+(?:,\d+)?")  # 4950 / 68,5
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d+")  # 1E+20, as spreadsheets print
_ONE_SEPARATOR = re.compile(r"\d+[.,]\d+")
_THOUSANDS_LOOKALIKE = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")  # 4.950 / 4,950 / 55.676
_EN_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.5
_POINT_AFTER_THOUSANDS = re.compile(r"(?:\d{4,}|0)\.\d{1,2}")  # 4950.00 / 0.5
_CURRENCY = re.compile(r"(?:kr\.?|dkk)$", re.IGNORECASE)


def _compact(value: str) -> tuple[str, str]:
    """The cell without spaces (also no-break and thin ones) and its sign, apart."""
    text = "".join(value.split()).replace("\u00a0", "").replace("\u202f", "")
    sign = ""
    if text[:1] in ("+", "-", "\u2212"):
        sign, text = ("-" if text[0] != "+" else ""), text[1:]
    return text, sign


def _finite(number: float, value: str) -> float:
    if not math.isfinite(number):
        raise CellProblem("not_finite", value=_shown(value))
    return number


def _amount(value: str) -> float:
    """Kroner written the Danish way: ``4950``, ``4.950``, ``4.950,50``, ``4 950 kr.``.

    A point is a thousands point and a comma the decimal comma. Refused as ambiguous,
    never guessed: one comma before three digits (``4,950``: 4950 in English, 4,95 in
    Danish) and a point after at most three digits that is not a thousands point
    (``1.5``, ``891.0``: a decimal point, or a thousands point short of its digits?).
    A decimal point after four or more digits (``4950.00``) cannot be a thousands
    point and is read as one, as programs write amounts.
    """
    text, sign = _compact(value)
    text = _CURRENCY.sub("", text)
    if not text or len(text) > 32:
        raise CellProblem("not_a_number", value=_shown(value))
    if re.fullmatch(r"[1-9]\d{0,2},\d{3}", text):
        raise CellProblem("ambiguous_amount", value=_shown(value))
    if _DA_GROUPED.fullmatch(text) or _DA_PLAIN.fullmatch(text):
        whole, _, decimals = text.partition(",")
        if len(decimals) > 2:
            raise CellProblem("too_many_decimals", value=_shown(value))
        number = float(whole.replace(".", "") + "." + (decimals or "0"))
    elif _POINT_AFTER_THOUSANDS.fullmatch(text) or _SCIENTIFIC.fullmatch(text):
        number = float(text.replace(",", "."))
    elif _ONE_SEPARATOR.fullmatch(text) or _EN_GROUPED.fullmatch(text):
        raise CellProblem("ambiguous_amount", value=_shown(value))
    else:
        raise CellProblem("not_a_number", value=_shown(value))
    return _finite(-number if sign else number, value)


def _readings(value: str) -> list[float]:
    """Every value a measure (an area, a coordinate) written as ``value`` can mean.

    One separator is a decimal separator, either a comma or a point (no area or
    coordinate needs a thousands separator); one before exactly three digits may also be
    a Danish thousands point or an English thousands comma, so that reading is added.
    """
    text, sign = _compact(value)
    if not text or len(text) > 32:
        raise CellProblem("not_a_number", value=_shown(value))
    if text.isdigit():
        found = [float(text)]
    elif _SCIENTIFIC.fullmatch(text):
        found = [float(text.replace(",", "."))]
    elif _ONE_SEPARATOR.fullmatch(text):
        found = [float(text.replace(",", "."))]
        if _THOUSANDS_LOOKALIKE.fullmatch(text):
            found.append(float(text.replace(",", "").replace(".", "")))
    elif _DA_GROUPED.fullmatch(text):
        whole, _, decimals = text.partition(",")
        found = [float(whole.replace(".", "") + "." + (decimals or "0"))]
    elif _EN_GROUPED.fullmatch(text):
        found = [float(text.replace(",", ""))]
    else:
        raise CellProblem("not_a_number", value=_shown(value))
    return [_finite(-n if sign else n, value) for n in found]


def _out_of_range(number: float, value: str, low: float, high: float, low_open: bool) -> None:
    if number < low or (low_open and number == low):
        if low == 0:
            raise CellProblem("more_than_zero" if low_open else "not_negative", value=_shown(value))
        raise CellProblem("at_least", low=float(low), value=_shown(value))
    if number > high:
        raise CellProblem("at_most", high=float(high), value=_shown(value))


def _measure(value: str, low: float, high: float, *, low_open: bool = False) -> float:
    """A measure in [low, high] ((low, high] with ``low_open``), read without guessing.

    Of the value's readings (:func:`_readings`) those in range count: one is taken, two
    (``1.000`` m² is 1 or 1000) are refused as ambiguous.
    """
    readings = _readings(value)
    fitting = sorted({n for n in readings if not (n < low or (low_open and n == low) or n > high)})
    if len(fitting) > 1:
        raise CellProblem(
            "ambiguous_number", value=_shown(value), first=fitting[0], second=fitting[1]
        )
    if fitting:
        return fitting[0]
    _out_of_range(readings[0], value, low, high, low_open)
    raise AssertionError("unreachable: a reading out of range raised")  # pragma: no cover


def _money(value: str) -> float:
    number = _amount(value)
    _out_of_range(number, value, 0, bounds.DKK_MAX, False)
    return number


def _size(value: str) -> float:
    return _measure(value, 0, bounds.SIZE_M2_MAX, low_open=True)


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = _measure(value, low, high)
        if number != int(number):
            raise CellProblem("not_whole", value=_shown(value))
        return int(number)

    return parse


def read_amount(text: str) -> float:
    """An amount in kroner typed on a page, by the list's rules (:func:`_amount`, bounds).

    Raises :class:`CellProblem` (its ``key`` and ``values`` word it in either language).
    """
    return _money(text)


_rooms = _whole(bounds.ROOMS_MIN, bounds.ROOMS_MAX)
_floor = _whole(bounds.FLOOR_MIN, bounds.FLOOR_MAX)


def _bool(value: str) -> bool:
    low = value.strip().lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise CellProblem("not_yes_no", value=_shown(value))


_DANISH_DATE = re.compile(r"(\d{1,2})[.-](\d{1,2})[.-](\d{4})")


def _date(value: str) -> dt.date:
    """``2027-02-01`` (also with a time after it), or the Danish ``01.02.2027``/``1-2-2027``.

    Slashes are refused: ``01/02/2027`` is the 2nd of January in American spreadsheets.
    """
    text = value.strip()
    danish = _DANISH_DATE.fullmatch(text)
    try:
        if danish:
            day, month, year = (int(part) for part in danish.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise CellProblem("not_a_date", value=_shown(value)) from None


def read_day(text: str) -> dt.date:
    """A day typed on a page: ``2027-02-01`` or ``01.02.2027`` (:class:`CellProblem` if not)."""
    return _date(text)


def _optional_date(value: str) -> dt.date | None:
    return _date(value) if value.strip() else None


def _coordinate(low: float, high: float, key: str) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            return _measure(value, low, high)
        except CellProblem as problem:
            if problem.key in ("not_a_number", "not_finite", "ambiguous_number"):
                raise
            raise CellProblem(key, value=_shown(value)) from None

    return parse


_latitude = _coordinate(bounds.LAT_MIN, bounds.LAT_MAX, "not_latitude")
_longitude = _coordinate(bounds.LON_MIN, bounds.LON_MAX, "not_longitude")


def _municipality_code(value: str) -> str:
    if not re.fullmatch(r"[0-9]{3,4}", value):
        raise CellProblem("not_municipality_code", value=_shown(value))
    return value


def _choice(options: Mapping[str, str], danish: Mapping[str, str]) -> Callable[[str], str]:
    """One of ``options``' values, typed as it or as one of its Danish names (the keys);
    ``danish`` names each value in the Danish message."""
    allowed = sorted(set(options.values()))
    spelled = {_normal(name): value for name, value in options.items()}
    spelled |= {_normal(value): value for value in allowed}
    in_danish = ", ".join(sorted(danish[v] for v in allowed))

    def parse(value: str) -> str:
        found = spelled.get(_normal(value))
        if found is None:
            raise CellProblem(
                "not_one_of",
                value=_shown(value),
                options=", ".join(allowed),
                options_da=in_danish,
            )
        return found

    return parse


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def wrapped(value: str) -> Any:
        return parse(value) if value.strip() else None

    return wrapped


#: The Danish names of the kinds and allocation rights (value -> name), as the template
#: and the messages write them; the importer takes either.
KIND_DA: dict[str, str] = {
    UnitKind.family.value: "familie",
    UnitKind.youth.value: "ungdom",
    UnitKind.elderly.value: "ældre",
    UnitKind.skaev.value: "skæv",
    UnitKind.transitional.value: "midlertidig",
}
ALLOCATION_DA: dict[str, str] = {
    AllocationRight.municipal.value: "kommunal",
    AllocationRight.association.value: "boligorganisation",
}
_KIND_NAMES = {
    **{da: kind for kind, da in KIND_DA.items()},
    **{f"{da}bolig": kind for kind, da in KIND_DA.items()},
    "ungdomsbolig": UnitKind.youth.value,
    "skaev bolig": UnitKind.skaev.value,
    "overgangsbolig": UnitKind.transitional.value,
}
_ALLOCATION_NAMES = {
    **{da: right for right, da in ALLOCATION_DA.items()},
    "kommune": AllocationRight.municipal.value,
    "kommunen": AllocationRight.municipal.value,
    "kommunal anvisning": AllocationRight.municipal.value,
    "boligselskab": AllocationRight.association.value,
    "organisation": AllocationRight.association.value,
}


COLUMNS: tuple[Column, ...] = (
    Column(
        "association",
        True,
        _text_of(bounds.NAME_MAX),
        "housing association's name",
        "Boligorganisation",
        "boligorganisationens navn",
        ("Boligselskab", "Organisation"),
        ("Eksempel Boligselskab", "Example Housing"),
    ),
    Column(
        "department",
        True,
        _text_of(bounds.DEPARTMENT_NUMBER_MAX),
        "department (afdeling) number",
        "Afdeling",
        "afdelingens nummer",
        ("Afdelingsnr", "Afdelingsnummer", "Afd"),
        ("12", "12"),
    ),
    Column(
        "department_name",
        False,
        _text_of(bounds.NAME_MAX),
        "department's name (defaults to the number)",
        "Afdelingsnavn",
        "afdelingens navn (ellers nummeret)",
        (),
        ("Solgården", "Solgården"),
    ),
    Column(
        "unit_ref",
        True,
        _text_of(bounds.REF_MAX),
        "the association's own id of the unit",
        "Lejemål",
        "jeres eget nummer for lejemålet",
        ("Lejemålsnr", "Lejemålsnummer", "Lejlighedsnr", "Bolignr"),
        ("12-0101", "12-0101"),
    ),
    Column(
        "municipality_code",
        True,
        _municipality_code,
        "municipality the unit lies in, e.g. 461",
        "Kommunekode",
        "kommunen, boligen ligger i, fx 461",
        ("Kommunenr", "Kommune"),
        ("461", "461"),
    ),
    Column(
        "address",
        True,
        _text_of(bounds.ADDRESS_MAX),
        "street address",
        "Adresse",
        "vej, nummer, etage og postnummer",
        (),
        ("Solvej 1, 1. th., 5000 Odense C", "Solvej 1, 1. th., 5000 Odense C"),
    ),
    Column(
        "lat",
        True,
        _latitude,
        "latitude, WGS84 degrees",
        "Breddegrad",
        "breddegrad, WGS84 (fx 55,3959)",
        ("Bredde", "Latitude"),
        ("55,3959", "55.3959"),
    ),
    Column(
        "lon",
        True,
        _longitude,
        "longitude, WGS84 degrees",
        "Længdegrad",
        "længdegrad, WGS84 (fx 10,3883)",
        ("Længde", "Longitude"),
        ("10,3883", "10.3883"),
    ),
    Column(
        "area",
        False,
        _text_of(bounds.SHORT_TEXT_MAX),
        "district; found from lat/lon when left out",
        "Område",
        "bydel; findes ud fra koordinaterne, hvis feltet er tomt",
        ("Bydel", "Distrikt"),
        ("", ""),
    ),
    Column(
        "kind",
        True,
        _choice({**_KIND_NAMES, **{k.value: k.value for k in UnitKind}}, KIND_DA),
        "family|youth|elderly|skaev|transitional",
        "Boligtype",
        "familie, ungdom, ældre, skæv eller midlertidig",
        ("Type",),
        ("familie", "family"),
    ),
    Column(
        "rooms",
        True,
        _rooms,
        f"number of rooms, {bounds.ROOMS_MIN}-{bounds.ROOMS_MAX}",
        "Værelser",
        f"antal værelser, {bounds.ROOMS_MIN}-{bounds.ROOMS_MAX}",
        ("Antal værelser", "Rum", "Vær"),
        ("2", "2"),
    ),
    Column(
        "size_m2",
        True,
        _size,
        f"floor area in m², at most {bounds.SIZE_M2_MAX:g}",
        "Areal (m²)",
        f"boligareal i m², højst {bounds.SIZE_M2_MAX:g}",
        ("Areal", "Boligareal", "Størrelse", "m2", "Kvm"),
        ("68,5", "68.5"),
    ),
    Column(
        "floor",
        True,
        _floor,
        f"floor, 0 = ground floor, {bounds.FLOOR_MIN} = basement, at most {bounds.FLOOR_MAX}",
        "Etage",
        f"etage, 0 = stuen, {bounds.FLOOR_MIN} = kælder, højst {bounds.FLOOR_MAX}",
        ("Sal",),
        ("1", "1"),
    ),
    Column(
        "elevator", True, _bool, "yes/no", "Elevator", "ja/nej", ("Elevator", "Lift"), ("nej", "no")
    ),
    Column(
        "wheelchair",
        True,
        _bool,
        "wheelchair accessible, yes/no",
        "Kørestolsegnet",
        "egnet til kørestol, ja/nej",
        ("Kørestol", "Handicapvenlig"),
        ("nej", "no"),
    ),
    Column(
        "pets_allowed",
        True,
        _bool,
        "yes/no",
        "Husdyr tilladt",
        "ja/nej",
        ("Husdyr", "Dyr tilladt"),
        ("ja", "yes"),
    ),
    Column(
        "rent_dkk",
        True,
        _money,
        "monthly rent excluding utilities, DKK",
        "Husleje",
        "månedlig husleje uden forbrug, kr. (fx 4.950 eller 4.950,50)",
        ("Husleje kr", "Leje", "Månedlig leje", "Husleje pr måned"),
        ("4.950", "4950"),
    ),
    Column(
        "utilities_dkk",
        True,
        _money,
        "monthly utilities a conto, DKK",
        "Forbrug a conto",
        "månedligt a conto forbrug (varme, vand), kr.",
        ("Aconto", "A conto", "Forbrug", "Aconto forbrug"),
        ("650", "650"),
    ),
    Column(
        "deposit_dkk",
        True,
        _money,
        "deposit (beboerindskud), DKK",
        "Indskud",
        "beboerindskud, kr.",
        ("Beboerindskud", "Depositum"),
        ("14.850", "14850"),
    ),
    Column(
        "rent_reduction_dkk",
        False,
        _optional(_money),
        "monthly reform reduction, DKK",
        "Huslejenedsættelse",
        "månedlig nedsættelse af huslejen, kr.",
        ("Nedsættelse", "Lejenedsættelse"),
        ("", ""),
    ),
    Column(
        "rent_reduction_until",
        False,
        _optional_date,
        "last day of a temporary reduction",
        "Nedsættelse til",
        "sidste dag med en midlertidig nedsættelse",
        ("Nedsættelse udløber",),
        ("", ""),
    ),
    Column(
        "allocation",
        True,
        _choice(
            {**_ALLOCATION_NAMES, **{a.value: a.value for a in AllocationRight}}, ALLOCATION_DA
        ),
        "municipal|association",
        "Anvisningsret",
        "kommunal eller boligorganisation",
        ("Anvisning",),
        ("kommunal", "municipal"),
    ),
    Column(
        "allocation_municipality_code",
        False,
        _optional(_municipality_code),
        "municipality holding the allocation right (default: municipality_code)",
        "Anvisende kommune",
        "kommunen med anvisningsretten (ellers kommunekoden)",
        ("Anvisningskommune",),
        ("", ""),
    ),
    Column(
        "available_from",
        True,
        _date,
        "first day the unit is free, YYYY-MM-DD",
        "Ledig fra",
        "første dag, boligen er ledig, fx 01.02.2027",
        ("Ledig pr", "Ledig dato", "Overtagelse", "Overtagelsesdato"),
        ("01.02.2027", "2027-02-01"),
    ),
    Column(
        "listed_area",
        False,
        _optional(_bool),
        "department is in an udsat boligområde (almenboligloven § 59 stk. 6)",
        "Listeområde",
        "afdelingen er et udsat boligområde (almenboligloven § 59 stk. 6), ja/nej",
        ("Udsat område",),
        ("nej", "no"),
    ),
    Column(
        "social_caretaker",
        False,
        _optional(_bool),
        "department has a social caretaker",
        "Social vicevært",
        "afdelingen har en social vicevært, ja/nej",
        (),
        ("", ""),
    ),
    Column(
        "area_category",
        False,
        _optional(
            _choice(
                {
                    "ingen": "none",
                    "udsat boligområde": "udsat",
                    "omdannelsesområde": "omdannelse",
                    "forebyggelsesområde": "forebyggelse",
                },
                {category: category for category in AREA_CATEGORIES} | {"none": "ingen"},
            )
        ),
        "national list the department is on: none|udsat|parallelsamfund|omdannelse|"
        "forebyggelse (almenboligloven § 59 stk. 6 and 7; default: udsat if listed_area)",
        "Områdetype",
        "den nationale liste, afdelingen står på: ingen, udsat, parallelsamfund, omdannelse "
        "eller forebyggelse (almenboligloven § 59 stk. 6 og 7; ellers udsat, hvis listeområde)",
        ("Område kategori", "Boligområde type"),
        ("ingen", "none"),
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
_ORDER = {c.name: n for n, c in enumerate(COLUMNS)}


def _heading_index() -> dict[str, str]:
    """Every accepted heading (compared by :func:`_normal`) -> the field it names."""
    index: dict[str, str] = {}
    for column in COLUMNS:
        for heading in (column.name, column.heading_da, *column.aliases):
            if heading:
                index.setdefault(_normal(heading), column.name)
    return index


_HEADINGS = _heading_index()


def field_of(heading: str) -> str | None:
    """The field a heading names (``"Husleje"``, ``"rent_dkk"``, ``"Areal (m2)"``), or None."""
    return _HEADINGS.get(_normal(heading))


# --- the template ----------------------------------------------------------------------------


def template_rows(lang: Lang, **example: str) -> tuple[list[str], list[str]]:
    """The template's headings in ``lang`` and its example row (``example`` overrides cells
    by field name, e.g. the association's own name)."""
    index = 0 if lang == "da" else 1
    headings = [c.heading(lang) for c in COLUMNS]
    row = [example.get(c.name, c.example[index]) for c in COLUMNS]
    return headings, row


def template_csv(lang: Lang, **example: str) -> bytes:
    """The template as Excel's own CSV for ``lang``: Danish with semicolons and a BOM (so
    Excel shows æøå), English with commas."""
    headings, row = template_rows(lang, **example)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if lang == "da" else ",", lineterminator="\r\n")
    writer.writerows([headings, row])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(lang: Lang, **example: str) -> bytes:
    """The template as a workbook: the list (headings and example row) on the first sheet,
    every column explained on a second (the importer reads the first only)."""
    headings, row = template_rows(lang, **example)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ledige boliger" if lang == "da" else "Vacancies"
    sheet.append(headings)
    sheet.append(row)  # all text: "4.950" stays as typed, and is read as 4950
    for number, heading in enumerate(headings, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = max(12, len(heading) + 4)
    guide = book.create_sheet("Vejledning" if lang == "da" else "Guide")
    guide.append(
        ["Kolonne", "Skal udfyldes", "Forklaring"]
        if lang == "da"
        else ["Column", "Required", "Meaning"]
    )
    for column in COLUMNS:
        required = ("ja" if lang == "da" else "yes") if column.required else ""
        guide.append([column.heading(lang), required, column.description(lang)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Table:
    """A sheet as text cells: the header (row 1) and the non-empty data rows by row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def _refuse(key: str, **values: Any) -> ImportFailed:
    return ImportFailed([RowError(None, None, key, values)])


def _looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would evaluate (CSV injection), unless it is just a number."""
    if not text or text[0] not in "=+-@\t\r":
        return False
    if text[0] == "=":
        return True
    return not re.fullmatch(r"[+-][0-9][0-9 .,]*(?:[eE][+-]?[0-9]+)?", text)


def _cell_text(value: object) -> str:
    """An Excel cell's value as the text a Danish CSV cell would hold.

    A number cell is unambiguous, so it is written the way the number readers take it
    without doubt: whole numbers bare, fractions with a decimal comma (``4950``, ``68,5``).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        if "e" in text:
            return text
        return text.replace(".", ",")
    if isinstance(value, ArrayFormula | DataTableFormula):
        return "=" + str(getattr(value, "text", "") or "")
    return str(value)


def _check_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, refused if its declared contents exceed the bounds (read nothing).

    The sizes a zip declares bound what it can inflate to: Python's zipfile stops at the
    declared size and fails the CRC check on a member that lies.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise _refuse("not_xlsx") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse("zip_parts", parts=len(members))
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            "unpacks_to",
            size=f"{declared / 1_048_576:.0f}",
            limit=MAX_UNCOMPRESSED_BYTES // 1_048_576,
        )
    return archive


def _sheet_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text, numbered, within `MAX_ROWS` and `MAX_COLUMNS`."""
    _check_zip(data)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise _refuse("not_xlsx_because", kind=type(exc).__name__) from None
    try:
        if not book.worksheets:
            raise _refuse("no_sheet")
        sheet = book.worksheets[0]
        dimension = getattr(sheet, "calculate_dimension", lambda: "")
        try:
            used = dimension()
            _, _, last_column, last_row = range_boundaries(used)
        except (ValueError, TypeError):
            last_column = last_row = None  # no <dimension>: the streaming bounds still hold
        if last_row is not None and last_row > MAX_ROWS + 1:
            raise _refuse("sheet_rows", last=last_row, limit=MAX_ROWS)
        if last_column is not None and last_column > MAX_COLUMNS:
            raise _refuse("sheet_columns", last=last_column, limit=MAX_COLUMNS)
        for number, values in enumerate(
            sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True),
            start=1,
        ):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def decode_text(data: bytes) -> str:
    """A CSV file's text: UTF-16 or UTF-8 by their byte-order mark, UTF-8 without one, and
    otherwise Windows-1252 (what Danish Excel writes for "CSV (semikolonsepareret)")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _refuse("not_text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: not a text file
        raise _refuse("not_text") from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records, numbered as a spreadsheet shows them (``,``, ``;`` or tab)."""
    text = decode_text(data)
    if not text.strip():
        raise _refuse("file_empty")
    if "\x00" in text:
        raise _refuse("not_text")
    first = text[: text.find("\n") if "\n" in text else len(text)]
    sep = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise _refuse("not_csv", why=str(exc)) from None


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV (see :func:`decode_text`) or an .xlsx sheet as text cells, bounded."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _refuse("unsupported_type", value=_shown(suffix or filename))
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            "file_too_large",
            size=f"{len(data) / 1_048_576:.1f}",
            limit=MAX_FILE_BYTES // 1_048_576,
        )
    records = _sheet_rows(data) if suffix == ".xlsx" else _csv_rows(data)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, record in records:
        cells = [cell.strip() for cell in record]
        if header is None:
            header = cells
            continue
        if number > MAX_ROWS + 1:
            raise _refuse("too_many_rows", limit=MAX_ROWS)
        if any(cells):
            rows.append((number, cells))
    if header is None:
        raise _refuse("file_empty")
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise _refuse("too_many_columns", count=len(header), limit=MAX_COLUMNS)
    return Table(header, rows)


#: Finds the district of a point: (municipality code, lat, lon) -> district name or None.
Locate = Callable[[str, float, float], str | None]


def _header_fields(table: Table, problems: _Problems) -> dict[str, int]:
    """Which field each heading names, by position; the header's problems go to ``problems``."""
    position_of: dict[str, int] = {}
    for position, heading in enumerate(table.header, start=1):
        if not heading:
            problems.add(1, None, "column_no_name", position=position)
            continue
        if _looks_like_formula(heading):
            problems.add(1, None, "column_formula", position=position)
            continue
        name = field_of(heading)
        if name is None:
            problems.add(1, _shown(heading), "column_unknown", _shown(heading))
        elif name in position_of:
            problems.add(1, name, "column_twice", _shown(heading))
        else:
            position_of[name] = position - 1
    for column in COLUMNS:
        if column.required and column.name not in position_of:
            problems.add(None, column.name, "column_missing")
    return position_of


def _add_found(
    found: list[tuple[int, RowError]],
    line: int,
    position_of: dict[str, int],
    heading_of: dict[str, str],
    width: int,
    name: str | None,
    key: str,
    **values: Any,
) -> None:
    """Note a problem of row ``line``, placed by its column's position (for row order)."""
    place = position_of.get(name, _ORDER.get(name, 0)) if name else width
    found.append((place, RowError(line, name, key, values, heading_of.get(name or ""))))


def validate(
    table: Table,
    known_municipalities: set[str],
    *,
    only_association: str | None = None,
    locate: Locate | None = None,
) -> list[dict[str, Any]]:
    """Parse every row; raise `ImportFailed` with every problem in row order, or return rows.

    The header's problems come first (row 1), then each row's, left to right. A missing
    column does not stop the rows being checked, so one upload shows every problem.
    ``only_association`` refuses rows of another association; ``locate`` fills a
    missing area from the point (and refuses a point in no known district).
    """
    problems = _Problems()
    if not table.rows:
        raise _refuse("no_rows")
    position_of = _header_fields(table, problems)
    heading_of = {name: _shown(table.header[i]) for name, i in position_of.items()}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    width = len(table.header)
    for line, cells in table.rows:
        found: list[tuple[int, RowError]] = []
        add = partial(_add_found, found, line, position_of, heading_of, width)
        if any(cells[width:]):
            add(None, "right_of_header")
        row: dict[str, Any] = {"_row": line}
        for column in COLUMNS:
            index = position_of.get(column.name)
            raw = cells[index] if index is not None and index < len(cells) else ""
            if _looks_like_formula(raw):
                add(column.name, "formula", char=raw[0])
                continue
            if index is None or (not raw and not column.required):
                row[column.name] = None
                continue
            try:
                row[column.name] = column.parse(raw)
            except CellProblem as problem:
                add(column.name, problem.key, **problem.values)
        for name in ("municipality_code", "allocation_municipality_code"):
            code = row.get(name)
            if code is not None and code not in known_municipalities:
                add(name, "unknown_municipality", code=code)
        reduction, rent = row.get("rent_reduction_dkk"), row.get("rent_dkk")
        if isinstance(reduction, float) and isinstance(rent, float) and reduction > rent:
            add("rent_reduction_dkk", "reduction_exceeds_rent", reduction=reduction, rent=rent)
        association = row.get("association")
        if only_association is not None and association and association != only_association:
            add("association", "other_association", association=only_association)
        if (
            locate is not None
            and not row.get("area")
            and "area" not in {e.column for _, e in found}
            and all(
                isinstance(row.get(n), str | float) for n in ("municipality_code", "lat", "lon")
            )
        ):
            area = locate(row["municipality_code"], row["lat"], row["lon"])
            if area is None:
                add("area", "no_area")
            else:
                row["area"] = area
        if all(row.get(n) for n in ("association", "department", "unit_ref")):
            key = (str(row["association"]), str(row["department"]), str(row["unit_ref"]))
            if key in seen:
                add("unit_ref", "duplicate_unit", unit=key[2], first=seen[key])
            else:
                seen[key] = line
        found.sort(key=lambda pair: pair[0])
        problems.extend(error for _, error in found)
        rows.append(row)
    if problems:
        raise problems.fail()
    return rows


def district_at(session: Session, code: str, lat: float, lon: float) -> str | None:
    """The name of municipality ``code``'s district whose polygon covers the point, if any."""
    point = Point(lon, lat)
    for district in session.scalars(select(District).where(District.municipality_code == code)):
        if district.polygon.covers(point):
            return district.name
    return None


def import_rows(
    session: Session, rows: list[dict[str, Any]], *, only_association: str | None = None
) -> ImportSummary:
    """Write validated rows inside the caller's transaction (upserting by unit key).

    Rows from :func:`validate` with ``only_association`` and ``locate`` have passed these
    checks already; they are repeated for rows validated without them.
    """
    problems = _Problems()
    areas: dict[int, str] = {}
    for r in rows:
        if only_association is not None and r["association"] != only_association:
            problems.add(
                r["_row"], "association", "other_association", association=only_association
            )
        area = r["area"] or district_at(session, r["municipality_code"], r["lat"], r["lon"])
        if area is None:
            problems.add(r["_row"], "area", "no_area")
        else:
            areas[r["_row"]] = area
    if problems:
        raise problems.fail()

    created = updated = v_created = v_updated = 0
    associations = {a.name: a for a in session.scalars(select(HousingAssociation))}
    for r in rows:
        association = associations.get(r["association"])
        if association is None:
            association = HousingAssociation(name=r["association"])
            session.add(association)
            session.flush()
            associations[association.name] = association
        department = session.scalar(
            select(Department).where(
                Department.association_id == association.id, Department.number == r["department"]
            )
        )
        if department is None:
            department = Department(
                association_id=association.id,
                number=r["department"],
                name=r["department_name"] or r["department"],
                municipality_code=r["municipality_code"],
                listed_area=bool(r["listed_area"]),
                area_category=r["area_category"],
                social_caretaker=bool(r["social_caretaker"]),
            )
            session.add(department)
            session.flush()
        else:
            if r["department_name"]:
                department.name = r["department_name"]
            if r["listed_area"] is not None:
                department.listed_area = r["listed_area"]
            if r["area_category"] is not None:
                department.area_category = r["area_category"]
            if r["social_caretaker"] is not None:
                department.social_caretaker = r["social_caretaker"]
        fields = {
            "address": r["address"],
            "lat": r["lat"],
            "lon": r["lon"],
            "area": areas[r["_row"]],
            "kind": UnitKind(r["kind"]),
            "rooms": r["rooms"],
            "size_m2": r["size_m2"],
            "floor": r["floor"],
            "elevator": r["elevator"],
            "wheelchair": r["wheelchair"],
            "pets_allowed": r["pets_allowed"],
            "rent_dkk": r["rent_dkk"],
            "utilities_dkk": r["utilities_dkk"],
            "deposit_dkk": r["deposit_dkk"],
            "rent_reduction_dkk": r["rent_reduction_dkk"] or 0.0,
            "rent_reduction_until": r["rent_reduction_until"],
            "allocation": AllocationRight(r["allocation"]),
            "allocation_municipality_code": (
                (r["allocation_municipality_code"] or r["municipality_code"])
                if r["allocation"] == AllocationRight.municipal
                else r["allocation_municipality_code"]
            ),
        }
        unit = session.scalar(
            select(Unit).where(Unit.department_id == department.id, Unit.unit_ref == r["unit_ref"])
        )
        if unit is None:
            unit = Unit(department_id=department.id, unit_ref=r["unit_ref"], **fields)
            session.add(unit)
            session.flush()
            created += 1
        else:
            changed = any(getattr(unit, k) != v for k, v in fields.items())
            for key, value in fields.items():
                setattr(unit, key, value)
            updated += int(changed)
        vacancy = session.scalar(
            select(Vacancy).where(
                Vacancy.unit_id == unit.id, Vacancy.status.in_(ACTIVE_VACANCY_STATUSES)
            )
        )
        if vacancy is None:
            session.add(Vacancy(unit_id=unit.id, available_from=r["available_from"]))
            v_created += 1
        elif vacancy.available_from != r["available_from"]:
            vacancy.available_from = r["available_from"]
            v_updated += 1
    session.flush()
    return ImportSummary(len(rows), created, updated, v_created, v_updated)


def import_vacancy_list(
    session: Session, data: bytes, filename: str, *, only_association: str | None = None
) -> ImportSummary:
    """Validate and import a whole list inside one transaction of ``session``.

    The caller owns the transaction: on `ImportFailed` (or any error) it must roll
    back, and nothing of the list is kept.
    """
    rows = check_vacancy_list(session, data, filename, only_association=only_association)
    return import_rows(session, rows, only_association=only_association)


def check_vacancy_list(
    session: Session, data: bytes, filename: str, *, only_association: str | None = None
) -> list[dict[str, Any]]:
    """Read and validate a whole list without writing: the clean rows, or `ImportFailed`
    with every problem at once (the pages show them in the user's language)."""
    table = read_table(data, filename)
    known = set(session.scalars(select(Municipality.code)))
    cache: dict[tuple[str, float, float], str | None] = {}

    def locate(code: str, lat: float, lon: float) -> str | None:
        if (code, lat, lon) not in cache:
            cache[code, lat, lon] = district_at(session, code, lat, lon)
        return cache[code, lat, lon]

    return validate(table, known, only_association=only_association, locate=locate)


__all__ = [
    "COLUMNS",
    "MAX_ERRORS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MESSAGES",
    "CellProblem",
    "ImportFailed",
    "ImportSummary",
    "RowError",
    "VacancyStatus",
    "check_vacancy_list",
    "district_at",
    "import_vacancy_list",
    "message",
    "read_amount",
    "read_day",
    "template_csv",
    "template_xlsx",
]
