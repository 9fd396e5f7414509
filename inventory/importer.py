"""Import a housing association's vacancy list (CSV or Excel), all or nothing.

The whole file is read and validated before anything is written. Any problem
(a missing column, a wrong type, a negative rent, an unknown municipality, a
duplicated unit) is reported with its row number as the spreadsheet shows it
(the header is row 1) and its column, and nothing is imported. A valid file is
written in one transaction. Re-importing a list updates the units and their
open vacancies in place; it never creates duplicates, because a unit is known by
(association, department, unit_ref) and has at most one active vacancy.

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
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
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

TRUE = {"true", "yes", "ja", "1", "y", "j", "x"}
FALSE = {"false", "no", "nej", "0", "n", ""}

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024  # all members of an .xlsx together
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 10_000  # data rows, below the header
MAX_COLUMNS = 40  # 26 are documented
MAX_ERRORS = 100
_SHOWN_CHARS = 40  # a bad value is quoted in the error at most this long


@dataclass(frozen=True)
class Column:
    """One documented column of the vacancy list."""

    name: str
    required: bool
    parse: Callable[[str], Any]
    doc: str


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (``row`` as the spreadsheet numbers it) or the file."""

    row: int | None
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where) or 'file'}: {self.problem}"


class ImportFailed(Exception):
    """The list was rejected; ``errors`` names the problems found (at most `MAX_ERRORS`,
    then one line counting the rest); ``total`` counts them all. Nothing was saved."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = len(errors) if total is None else total
        super().__init__(f"{self.total} problem(s) in the vacancy list; nothing was imported")


@dataclass
class _Problems:
    """Collects problems, keeping the first `MAX_ERRORS` and counting the rest."""

    kept: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, row: int | None, column: str | None, problem: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(RowError(row, column, problem))

    def __bool__(self) -> bool:
        return self.total > 0

    def fail(self) -> ImportFailed:
        errors = list(self.kept)
        if self.total > len(errors):
            rest = self.total - len(errors)
            errors.append(RowError(None, None, f"and {rest} more problem(s) not listed"))
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
        raise ValueError("must not be empty")
    if len(value) > max_length:
        raise ValueError(f"must be at most {max_length} characters (got {len(value)})")
    return value


def _text_of(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        return _text(value, max_length)

    return parse


def _number(value: str) -> float:
    text = value.replace(" ", "").replace(",", ".")
    if len(text) > 32:
        raise ValueError(f"'{_shown(value)}' is not a number")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{_shown(value)}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{_shown(value)}' is not a finite number")
    return number


def _ranged(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A number in [low, high] (or (low, high] with ``low_open``)."""

    def parse(value: str) -> float:
        number = _number(value)
        if number < low or (low_open and number == low):
            if low == 0:
                raise ValueError(
                    f"must be greater than 0 (got {_shown(value)})"
                    if low_open
                    else f"must not be negative (got {_shown(value)})"
                )
            raise ValueError(f"must be at least {low:g} (got {_shown(value)})")
        if number > high:
            raise ValueError(f"must be at most {high:g} (got {_shown(value)})")
        return number

    return parse


def _whole(low: int, high: int) -> Callable[[str], int]:
    check = _ranged(low, high)

    def parse(value: str) -> int:
        number = check(value)
        if number != int(number):
            raise ValueError(f"'{_shown(value)}' is not a whole number")
        return int(number)

    return parse


_money = _ranged(0, bounds.DKK_MAX)
_size = _ranged(0, bounds.SIZE_M2_MAX, low_open=True)
_rooms = _whole(bounds.ROOMS_MIN, bounds.ROOMS_MAX)
_floor = _whole(bounds.FLOOR_MIN, bounds.FLOOR_MAX)


def _bool(value: str) -> bool:
    low = value.strip().lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise ValueError(f"'{_shown(value)}' is not yes/no (use true/false, ja/nej or 1/0)")


def _date(value: str) -> dt.date:
    text = value.strip()[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{_shown(value)}' is not a date (use YYYY-MM-DD)") from None


def _optional_date(value: str) -> dt.date | None:
    return _date(value) if value.strip() else None


def _latitude(value: str) -> float:
    lat = _number(value)
    if not bounds.LAT_MIN <= lat <= bounds.LAT_MAX:
        raise ValueError(f"{_shown(value)} is not a latitude in Denmark (54-58, WGS84 degrees)")
    return lat


def _longitude(value: str) -> float:
    lon = _number(value)
    if not bounds.LON_MIN <= lon <= bounds.LON_MAX:
        raise ValueError(f"{_shown(value)} is not a longitude in Denmark (7.5-15.5, WGS84 degrees)")
    return lon


def _municipality_code(value: str) -> str:
    if not re.fullmatch(r"[0-9]{3,4}", value):
        raise ValueError(f"'{_shown(value)}' is not a municipality code (3 digits, e.g. 461)")
    return value


def _choice(options: Iterable[str]) -> Callable[[str], str]:
    allowed = sorted(options)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"'{_shown(value)}' is not one of {', '.join(allowed)}")
        return value

    return parse


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def wrapped(value: str) -> Any:
        return parse(value) if value.strip() else None

    return wrapped


COLUMNS: tuple[Column, ...] = (
    Column("association", True, _text_of(bounds.NAME_MAX), "housing association's name"),
    Column(
        "department",
        True,
        _text_of(bounds.DEPARTMENT_NUMBER_MAX),
        "department (afdeling) number",
    ),
    Column(
        "department_name",
        False,
        _text_of(bounds.NAME_MAX),
        "department's name (defaults to the number)",
    ),
    Column("unit_ref", True, _text_of(bounds.REF_MAX), "the association's own id of the unit"),
    Column(
        "municipality_code", True, _municipality_code, "municipality the unit lies in, e.g. 461"
    ),
    Column("address", True, _text_of(bounds.ADDRESS_MAX), "street address"),
    Column("lat", True, _latitude, "latitude, WGS84 degrees"),
    Column("lon", True, _longitude, "longitude, WGS84 degrees"),
    Column(
        "area", False, _text_of(bounds.SHORT_TEXT_MAX), "district; found from lat/lon when left out"
    ),
    Column(
        "kind", True, _choice(k.value for k in UnitKind), "family|youth|elderly|skaev|transitional"
    ),
    Column("rooms", True, _rooms, f"number of rooms, {bounds.ROOMS_MIN}-{bounds.ROOMS_MAX}"),
    Column("size_m2", True, _size, f"floor area in m², at most {bounds.SIZE_M2_MAX:g}"),
    Column(
        "floor",
        True,
        _floor,
        f"floor, 0 = ground floor, {bounds.FLOOR_MIN} = basement, at most {bounds.FLOOR_MAX}",
    ),
    Column("elevator", True, _bool, "yes/no"),
    Column("wheelchair", True, _bool, "wheelchair accessible, yes/no"),
    Column("pets_allowed", True, _bool, "yes/no"),
    Column("rent_dkk", True, _money, "monthly rent excluding utilities, DKK"),
    Column("utilities_dkk", True, _money, "monthly utilities a conto, DKK"),
    Column("deposit_dkk", True, _money, "deposit (beboerindskud), DKK"),
    Column("rent_reduction_dkk", False, _optional(_money), "monthly reform reduction, DKK"),
    Column("rent_reduction_until", False, _optional_date, "last day of a temporary reduction"),
    Column("allocation", True, _choice(a.value for a in AllocationRight), "municipal|association"),
    Column(
        "allocation_municipality_code",
        False,
        _optional(_municipality_code),
        "municipality holding the allocation right (default: municipality_code)",
    ),
    Column("available_from", True, _date, "first day the unit is free, YYYY-MM-DD"),
    Column(
        "listed_area",
        False,
        _optional(_bool),
        "department is in an udsat boligområde (almenboligloven § 59 stk. 6)",
    ),
    Column(
        "area_category",
        False,
        _optional(_choice(AREA_CATEGORIES)),
        "national list the department is on: none|udsat|parallelsamfund|omdannelse|"
        "forebyggelse (almenboligloven § 59 stk. 6 and 7; default: udsat if listed_area)",
    ),
    Column("social_caretaker", False, _optional(_bool), "department has a social caretaker"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


@dataclass(frozen=True)
class Table:
    """A sheet as text cells: the header (row 1) and the non-empty data rows by row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def _refuse(problem: str) -> ImportFailed:
    return ImportFailed([RowError(None, None, problem)])


def _looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would evaluate (CSV injection), unless it is just a number."""
    if not text or text[0] not in "=+-@\t\r":
        return False
    if text[0] == "=":
        return True
    try:
        float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        return True
    return False


def _cell_text(value: object) -> str:
    """An Excel cell's value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
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
        raise _refuse("not a readable Excel file (.xlsx)") from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse(f"not a plain Excel file: {len(members)} parts in the workbook")
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            f"the workbook unpacks to {declared / 1_048_576:.0f} MB; at most "
            f"{MAX_UNCOMPRESSED_BYTES // 1_048_576} MB is accepted (save only the list)"
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
        raise _refuse(f"not a readable Excel file: {type(exc).__name__}") from None
    try:
        if not book.worksheets:
            raise _refuse("the workbook has no sheet")
        sheet = book.worksheets[0]
        dimension = getattr(sheet, "calculate_dimension", lambda: "")
        try:
            used = dimension()
            _, _, last_column, last_row = range_boundaries(used)
        except (ValueError, TypeError):
            last_column = last_row = None  # no <dimension>: the streaming bounds still hold
        if last_row is not None and last_row > MAX_ROWS + 1:
            raise _refuse(
                f"the sheet reaches row {last_row}; at most {MAX_ROWS} rows below the header "
                "are accepted (split the list, or delete the empty rows below it)"
            )
        if last_column is not None and last_column > MAX_COLUMNS:
            raise _refuse(
                f"the sheet reaches column {last_column}; at most {MAX_COLUMNS} columns are "
                "accepted (delete the columns after the list)"
            )
        for number, values in enumerate(
            sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True),
            start=1,
        ):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records, numbered as a spreadsheet shows them (UTF-8, ``,`` or ``;``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("not a UTF-8 text (CSV) file") from None
    if not text.strip():
        raise _refuse("the file is empty")
    if "\x00" in text:
        raise _refuse("not a text (CSV) file")
    first = text[: text.find("\n") if "\n" in text else len(text)]
    sep = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise _refuse(f"not a readable CSV file: {exc}") from None


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV (UTF-8, comma or semicolon) or an .xlsx sheet as text cells, bounded."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _refuse(f"unsupported file type '{_shown(suffix or filename)}': use .csv or .xlsx")
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            f"the file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{MAX_FILE_BYTES // 1_048_576} MB is accepted"
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
            raise _refuse(
                f"the list has more than {MAX_ROWS} rows below the header; split it "
                "(empty rows count too)"
            )
        if any(cells):
            rows.append((number, cells))
    if header is None:
        raise _refuse("the file is empty")
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise _refuse(f"the list has {len(header)} columns; at most {MAX_COLUMNS} are accepted")
    return Table(header, rows)


def validate(table: Table, known_municipalities: set[str]) -> list[dict[str, Any]]:
    """Parse every row; raise `ImportFailed` with the problems, or return clean rows."""
    problems = _Problems()
    if not table.rows:
        raise _refuse("the file has no data rows")
    header = table.header
    for position, name in enumerate(header, start=1):
        if not name:
            problems.add(1, None, f"column {position} has no name")
        elif _looks_like_formula(name):
            problems.add(1, None, f"column {position}: formulas are not accepted")
        elif header.index(name) != position - 1:
            problems.add(None, _shown(name), "column appears more than once")
    missing = [c.name for c in COLUMNS if c.required and c.name not in header]
    for name in missing:
        problems.add(None, name, "required column is missing")
    for name in header:
        if name and name not in COLUMN_NAMES and not _looks_like_formula(name):
            problems.add(None, _shown(name), "unknown column")
    if problems:
        raise problems.fail()
    position_of = {name: header.index(name) for name in COLUMN_NAMES if name in header}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, cells in table.rows:
        if any(cells[len(header) :]):
            problems.add(line, None, "a value to the right of the last named column")
        row: dict[str, Any] = {"_row": line}
        for column in COLUMNS:
            index = position_of.get(column.name)
            raw = cells[index] if index is not None and index < len(cells) else ""
            if _looks_like_formula(raw):
                problems.add(
                    line,
                    column.name,
                    f"formulas are not accepted (the cell starts with '{raw[0]}'); "
                    "enter the value itself",
                )
                continue
            if not raw and not column.required:
                row[column.name] = None
                continue
            try:
                row[column.name] = column.parse(raw)
            except ValueError as exc:
                problems.add(line, column.name, str(exc))
        for name in ("municipality_code", "allocation_municipality_code"):
            code = row.get(name)
            if code is not None and code not in known_municipalities:
                problems.add(line, name, f"unknown municipality code '{code}'")
        reduction, rent = row.get("rent_reduction_dkk"), row.get("rent_dkk")
        if isinstance(reduction, float) and isinstance(rent, float) and reduction > rent:
            problems.add(
                line, "rent_reduction_dkk", f"reduction {reduction:g} exceeds rent {rent:g}"
            )
        key = (str(row.get("association")), str(row.get("department")), str(row.get("unit_ref")))
        if key in seen:
            problems.add(line, "unit_ref", f"unit '{key[2]}' already listed in row {seen[key]}")
        else:
            seen[key] = line
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
    """Write validated rows inside the caller's transaction (upserting by unit key)."""
    problems = _Problems()
    if only_association is not None:
        for r in rows:
            if r["association"] != only_association:
                problems.add(
                    r["_row"], "association", f"you may only report units of '{only_association}'"
                )
    areas: dict[int, str] = {}
    for r in rows:
        area = r["area"] or district_at(session, r["municipality_code"], r["lat"], r["lon"])
        if area is None:
            problems.add(r["_row"], "area", "no area given and the point lies in no known district")
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
    table = read_table(data, filename)
    known = set(session.scalars(select(Municipality.code)))
    rows = validate(table, known)
    return import_rows(session, rows, only_association=only_association)


__all__ = [
    "COLUMNS",
    "MAX_ERRORS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportFailed",
    "ImportSummary",
    "RowError",
    "VacancyStatus",
    "district_at",
    "import_vacancy_list",
]
