"""Import a housing association's vacancy list (CSV or Excel), all or nothing.

The whole file is read and validated before anything is written. Any problem
(a missing column, a wrong type, a negative rent, an unknown municipality, a
duplicated unit) is reported with its row number as the spreadsheet shows it
(the header is row 1) and its column, and nothing is imported. A valid file is
written in one transaction. Re-importing a list updates the units and their
open vacancies in place; it never creates duplicates, because a unit is known by
(association, department, unit_ref) and has at most one active vacancy.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
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

TRUE = {"true", "yes", "ja", "1", "y", "j", "x"}
FALSE = {"false", "no", "nej", "0", "n", ""}


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
    """The list was rejected; ``errors`` names every problem found. Nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the vacancy list; nothing was imported")


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    units_created: int
    units_updated: int
    vacancies_created: int
    vacancies_updated: int


def _text(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _number(value: str) -> float:
    try:
        number = float(value.replace(" ", "").replace(",", "."))
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not a finite number")
    return number


def _non_negative(value: str) -> float:
    number = _number(value)
    if number < 0:
        raise ValueError(f"must not be negative (got {value})")
    return number


def _positive(value: str) -> float:
    number = _number(value)
    if number <= 0:
        raise ValueError(f"must be greater than 0 (got {value})")
    return number


def _integer(value: str) -> int:
    number = _number(value)
    if number != int(number):
        raise ValueError(f"'{value}' is not a whole number")
    return int(number)


def _rooms(value: str) -> int:
    rooms = _integer(value)
    if rooms < 1:
        raise ValueError(f"must be at least 1 (got {value})")
    return rooms


def _bool(value: str) -> bool:
    low = value.strip().lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise ValueError(f"'{value}' is not yes/no (use true/false, ja/nej or 1/0)")


def _date(value: str) -> dt.date:
    text = value.strip()[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD)") from None


def _optional_date(value: str) -> dt.date | None:
    return _date(value) if value.strip() else None


def _latitude(value: str) -> float:
    lat = _number(value)
    if not 54.0 <= lat <= 58.0:
        raise ValueError(f"{value} is not a latitude in Denmark (54-58, WGS84 degrees)")
    return lat


def _longitude(value: str) -> float:
    lon = _number(value)
    if not 7.5 <= lon <= 15.5:
        raise ValueError(f"{value} is not a longitude in Denmark (7.5-15.5, WGS84 degrees)")
    return lon


def _choice(options: Iterable[str]) -> Callable[[str], str]:
    allowed = sorted(options)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"'{value}' is not one of {', '.join(allowed)}")
        return value

    return parse


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def wrapped(value: str) -> Any:
        return parse(value) if value.strip() else None

    return wrapped


COLUMNS: tuple[Column, ...] = (
    Column("association", True, _text, "housing association's name"),
    Column("department", True, _text, "department (afdeling) number"),
    Column("department_name", False, _text, "department's name (defaults to the number)"),
    Column("unit_ref", True, _text, "the association's own id of the unit"),
    Column("municipality_code", True, _text, "municipality the unit lies in, e.g. 461"),
    Column("address", True, _text, "street address"),
    Column("lat", True, _latitude, "latitude, WGS84 degrees"),
    Column("lon", True, _longitude, "longitude, WGS84 degrees"),
    Column("area", False, _text, "district; found from lat/lon when left out"),
    Column(
        "kind", True, _choice(k.value for k in UnitKind), "family|youth|elderly|skaev|transitional"
    ),
    Column("rooms", True, _rooms, "number of rooms, at least 1"),
    Column("size_m2", True, _positive, "floor area in m²"),
    Column("floor", True, _integer, "floor, 0 = ground floor"),
    Column("elevator", True, _bool, "yes/no"),
    Column("wheelchair", True, _bool, "wheelchair accessible, yes/no"),
    Column("pets_allowed", True, _bool, "yes/no"),
    Column("rent_dkk", True, _non_negative, "monthly rent excluding utilities, DKK"),
    Column("utilities_dkk", True, _non_negative, "monthly utilities a conto, DKK"),
    Column("deposit_dkk", True, _non_negative, "deposit (beboerindskud), DKK"),
    Column("rent_reduction_dkk", False, _optional(_non_negative), "monthly reform reduction, DKK"),
    Column("rent_reduction_until", False, _optional_date, "last day of a temporary reduction"),
    Column("allocation", True, _choice(a.value for a in AllocationRight), "municipal|association"),
    Column(
        "allocation_municipality_code",
        False,
        _optional(_text),
        "municipality holding the allocation right (default: municipality_code)",
    ),
    Column("available_from", True, _date, "first day the unit is free, YYYY-MM-DD"),
    Column("listed_area", False, _optional(_bool), "department is a listed area (§ 51 b)"),
    Column("social_caretaker", False, _optional(_bool), "department has a social caretaker"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read a CSV (UTF-8, comma or semicolon) or an .xlsx sheet as text cells."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a bad workbook
            raise ImportFailed(
                [RowError(None, None, f"not a readable Excel file: {exc}")]
            ) from None
    elif suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFailed([RowError(None, None, "not a UTF-8 text (CSV) file")]) from None
        if not text.strip():
            raise ImportFailed([RowError(None, None, "the file is empty")])
        if "\x00" in text:
            raise ImportFailed([RowError(None, None, "not a text (CSV) file")])
        first = text.splitlines()[0]
        sep = ";" if first.count(";") > first.count(",") else ","
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, sep=sep, keep_default_na=False, skipinitialspace=True
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ImportFailed([RowError(None, None, f"not a readable CSV file: {exc}")]) from None
    else:
        raise ImportFailed(
            [
                RowError(
                    None, None, f"unsupported file type '{suffix or filename}': use .csv or .xlsx"
                )
            ]
        )
    frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def validate(frame: pd.DataFrame, known_municipalities: set[str]) -> list[dict[str, Any]]:
    """Parse every row; raise `ImportFailed` with every problem, or return clean rows."""
    errors: list[RowError] = []
    if frame.empty:
        raise ImportFailed([RowError(None, None, "the file has no data rows")])
    missing = [c.name for c in COLUMNS if c.required and c.name not in frame.columns]
    errors += [RowError(None, name, "required column is missing") for name in missing]
    unknown = [c for c in frame.columns if c not in COLUMN_NAMES]
    errors += [RowError(None, name, "unknown column") for name in unknown]
    if errors:
        raise ImportFailed(errors)
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, record in enumerate(frame.to_dict(orient="records")):
        line = index + 2  # the header is row 1
        row: dict[str, Any] = {"_row": line}
        for column in COLUMNS:
            raw = str(record.get(column.name, "")).strip()
            if not raw and not column.required:
                row[column.name] = None
                continue
            try:
                row[column.name] = column.parse(raw)
            except ValueError as exc:
                errors.append(RowError(line, column.name, str(exc)))
        for name in ("municipality_code", "allocation_municipality_code"):
            code = row.get(name)
            if code is not None and code not in known_municipalities:
                errors.append(RowError(line, name, f"unknown municipality code '{code}'"))
        reduction, rent = row.get("rent_reduction_dkk"), row.get("rent_dkk")
        if isinstance(reduction, float) and isinstance(rent, float) and reduction > rent:
            errors.append(
                RowError(
                    line, "rent_reduction_dkk", f"reduction {reduction:g} exceeds rent {rent:g}"
                )
            )
        key = (str(row.get("association")), str(row.get("department")), str(row.get("unit_ref")))
        if key in seen:
            errors.append(
                RowError(line, "unit_ref", f"unit '{key[2]}' already listed in row {seen[key]}")
            )
        else:
            seen[key] = line
        rows.append(row)
    if errors:
        raise ImportFailed(errors)
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
    errors: list[RowError] = []
    if only_association is not None:
        errors += [
            RowError(r["_row"], "association", f"you may only report units of '{only_association}'")
            for r in rows
            if r["association"] != only_association
        ]
    areas: dict[int, str] = {}
    for r in rows:
        area = r["area"] or district_at(session, r["municipality_code"], r["lat"], r["lon"])
        if area is None:
            errors.append(
                RowError(r["_row"], "area", "no area given and the point lies in no known district")
            )
        else:
            areas[r["_row"]] = area
    if errors:
        raise ImportFailed(errors)
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
                social_caretaker=bool(r["social_caretaker"]),
            )
            session.add(department)
            session.flush()
        else:
            if r["department_name"]:
                department.name = r["department_name"]
            if r["listed_area"] is not None:
                department.listed_area = r["listed_area"]
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
    frame = read_table(data, filename)
    known = set(session.scalars(select(Municipality.code)))
    rows = validate(frame, known)
    return import_rows(session, rows, only_association=only_association)


__all__ = [
    "COLUMNS",
    "ImportFailed",
    "ImportSummary",
    "RowError",
    "VacancyStatus",
    "district_at",
    "import_vacancy_list",
]
