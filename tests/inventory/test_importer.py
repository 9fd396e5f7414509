"""The vacancy-list import: every problem named by row and column, nothing half-saved."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inventory.importer import COLUMN_NAMES, ImportFailed, import_vacancy_list
from inventory.models import Department, HousingAssociation, Unit, Vacancy
from synthetic.population import generate

HEADER = [c for c in COLUMN_NAMES if c not in ("department_name", "area_category")]


def _kroner(amount: float) -> str:
    """An amount as a Danish spreadsheet shows it: ``4.507`` or ``4.507,50``."""
    whole = f"{int(amount):,}".replace(",", ".")
    return whole if float(amount).is_integer() else f"{whole},{round(amount * 100) % 100:02d}"


def _rows(n: int = 5) -> list[dict[str, str]]:
    """A housing association's list, built from generated (realistic) units."""
    world = generate(seed=7, n_citizens=0, n_vacancies=n)
    out = []
    for v in world.vacancies[:n]:
        u = v.unit
        out.append(
            {
                "association": u.association,
                "department": u.department,
                "unit_ref": u.ref,
                "municipality_code": u.municipality_code,
                "address": u.address,
                "lat": str(u.lat),
                "lon": str(u.lon),
                "area": u.area,
                "kind": u.kind,
                "rooms": str(u.rooms),
                "size_m2": str(u.size_m2),
                "floor": str(u.floor),
                "elevator": "ja" if u.elevator else "nej",
                "wheelchair": "true" if u.wheelchair else "false",
                "pets_allowed": "1" if u.pets_allowed else "0",
                "rent_dkk": _kroner(u.rent_dkk),
                "utilities_dkk": _kroner(u.utilities_dkk),
                "deposit_dkk": _kroner(u.deposit_dkk),
                "rent_reduction_dkk": _kroner(u.rent_reduction_dkk),
                "rent_reduction_until": (
                    u.rent_reduction_until.isoformat() if u.rent_reduction_until else ""
                ),
                "allocation": u.allocation,
                "allocation_municipality_code": u.allocation_municipality_code or "",
                "available_from": v.available_from.isoformat(),
                "listed_area": "yes" if u.listed_area else "no",
                "social_caretaker": "",
            }
        )
    return out


def _csv(rows: list[dict[str, str]], header: list[str] | None = None, sep: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, delimiter=sep)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header or HEADER})
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row[k] for k in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _counts(sessions: sessionmaker[Session]) -> tuple[int, int, int, int]:
    with sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(HousingAssociation)) or 0,
            s.scalar(select(func.count()).select_from(Department)) or 0,
            s.scalar(select(func.count()).select_from(Unit)) or 0,
            s.scalar(select(func.count()).select_from(Vacancy)) or 0,
        )


def _import(sessions: sessionmaker[Session], data: bytes, name: str = "list.csv") -> None:
    with sessions() as s, s.begin():
        import_vacancy_list(s, data, name)


def _failure(sessions: sessionmaker[Session], data: bytes, name: str = "list.csv") -> list[str]:
    before = _counts(sessions)
    with pytest.raises(ImportFailed) as info:
        _import(sessions, data, name)
    assert _counts(sessions) == before, "a rejected list must leave the database unchanged"
    return [str(e) for e in info.value.errors]


def test_valid_list_imports_units_and_vacancies(sessions: sessionmaker[Session]) -> None:
    rows = _rows(5)
    _import(sessions, _csv(rows))
    assert _counts(sessions)[2:] == (5, 5)
    with sessions() as s:
        unit = s.scalar(select(Unit).where(Unit.unit_ref == rows[0]["unit_ref"]))
        assert unit is not None
        assert unit.rent_dkk == float(rows[0]["rent_dkk"].replace(".", "").replace(",", "."))
        assert unit.area == rows[0]["area"]


def test_reimport_updates_and_never_duplicates(sessions: sessionmaker[Session]) -> None:
    rows = _rows(4)
    _import(sessions, _csv(rows))
    first = _counts(sessions)
    rows[1]["rent_dkk"] = "4321"
    rows[2]["available_from"] = "2027-01-15"
    _import(sessions, _csv(rows))
    _import(sessions, _csv(rows, sep=";"), "same-list-semicolons.csv")
    assert _counts(sessions) == first
    with sessions() as s:
        unit = s.scalar(select(Unit).where(Unit.unit_ref == rows[1]["unit_ref"]))
        assert unit is not None and unit.rent_dkk == 4321
        vacancy = s.scalar(select(Vacancy).join(Unit).where(Unit.unit_ref == rows[2]["unit_ref"]))
        assert vacancy is not None and vacancy.available_from.isoformat() == "2027-01-15"


def test_excel_list_imports_like_csv(sessions: sessionmaker[Session]) -> None:
    _import(sessions, _xlsx(_rows(3)), "ledige.xlsx")
    assert _counts(sessions)[2:] == (3, 3)


def test_area_is_found_from_the_point_when_left_out(sessions: sessionmaker[Session]) -> None:
    from boligmatch.loading import load_world

    world = generate(seed=3, n_citizens=0, n_vacancies=1)
    world.units, world.vacancies, world.departments = [], [], []
    with sessions() as s, s.begin():
        load_world(s, world, cpr_secret="x")  # only the districts of 461
    rows = _rows(2)
    expected = rows[0]["area"]
    rows[0]["area"] = ""
    _import(sessions, _csv(rows))
    with sessions() as s:
        unit = s.scalar(select(Unit).where(Unit.unit_ref == rows[0]["unit_ref"]))
        assert unit is not None and unit.area == expected


Mutation = Callable[[list[dict[str, str]]], None]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r[1].update(rooms="three"), "row 3, column 'rooms': 'three' is not a number"),
        (lambda r: r[0].update(rent_dkk="-100"), "row 2, column 'rent_dkk': must not be negative"),
        (
            lambda r: r[2].update(municipality_code="999"),
            "row 4, column 'municipality_code': unknown municipality code '999'",
        ),
        (
            lambda r: r.append(dict(r[0])),
            "column 'unit_ref': unit '",
        ),
        (lambda r: r[0].update(available_from="31/12/2026"), "row 2, column 'available_from'"),
        (lambda r: r[1].update(kind="villa"), "row 3, column 'kind': 'villa' is not one of"),
        (
            lambda r: r[0].update(elevator="maybe"),
            "row 2, column 'elevator': 'maybe' is not yes/no",
        ),
        (lambda r: r[0].update(lat="12.5"), "row 2, column 'lat'"),
    ],
)
def test_bad_cells_are_named_and_nothing_is_saved(
    sessions: sessionmaker[Session], mutate: Mutation, expected: str
) -> None:
    rows = _rows(4)
    mutate(rows)
    errors = _failure(sessions, _csv(rows))
    assert any(expected in e for e in errors), errors


def test_every_bad_row_is_reported_at_once(sessions: sessionmaker[Session]) -> None:
    rows = _rows(5)
    rows[0]["rent_dkk"] = "-1"
    rows[3]["size_m2"] = "0"
    rows[4]["municipality_code"] = "1000"
    errors = _failure(sessions, _csv(rows))
    assert [e.split(":")[0] for e in errors] == [
        "row 2, column 'rent_dkk'",
        "row 5, column 'size_m2'",
        "row 6, column 'municipality_code'",
    ]


def test_duplicate_row_names_both_rows(sessions: sessionmaker[Session]) -> None:
    rows = _rows(3)
    rows.append(dict(rows[1]))
    errors = _failure(sessions, _csv(rows))
    assert errors == [
        f"row 5, column 'unit_ref': unit '{rows[1]['unit_ref']}' already listed in row 3"
    ]


def test_missing_columns_are_named(sessions: sessionmaker[Session]) -> None:
    header = [h for h in HEADER if h not in ("rent_dkk", "kind")]
    errors = _failure(sessions, _csv(_rows(2), header=header))
    assert errors == [
        "column 'kind': required column is missing",
        "column 'rent_dkk': required column is missing",
    ]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.csv", "file: the file is empty"),
        (",".join(HEADER).encode() + b"\n", "header-only.csv", "file: the file has no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.csv", "file: not a"),
        (b"%PDF-1.4 not a list", "list.pdf", "file: unsupported file type '.pdf'"),
        (b"this is not a workbook", "list.xlsx", "file: not a readable Excel file"),
    ],
)
def test_unreadable_files_are_refused(
    sessions: sessionmaker[Session], data: bytes, name: str, expected: str
) -> None:
    errors = _failure(sessions, data, name)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_valid_rows_of_a_bad_list_are_not_kept(sessions: sessionmaker[Session]) -> None:
    rows = _rows(5)
    rows[4]["rent_dkk"] = "abc"
    _failure(sessions, _csv(rows))
    assert _counts(sessions) == (0, 0, 0, 0)


def test_area_category_column_is_optional_and_checked(sessions: sessionmaker[Session]) -> None:
    """almenboligloven § 59 stk. 6 and 7: the department's list, when the file names it."""
    rows = _rows(2)
    rows[0]["area_category"] = "forebyggelse"
    header = [*HEADER, "area_category"]
    _import(sessions, _csv(rows, header=header))
    with sessions() as s:
        categories = {u.unit_ref: u.department.area_category for u in s.scalars(select(Unit)).all()}
    assert categories[rows[0]["unit_ref"]] == "forebyggelse"
    rows[1]["area_category"] = "ghetto"
    errors = _failure(sessions, _csv(rows, header=header))
    assert any("area_category" in e and "'ghetto'" in e for e in errors), errors
