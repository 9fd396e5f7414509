"""Probes of the vacancy-list importer: no file can exhaust memory, time or the answer's size,
carry a formula, or store a value that the API or the matcher would refuse."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inventory.importer import (
    COLUMN_NAMES,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFailed,
    import_vacancy_list,
)
from inventory.models import Unit

ROOT = Path(__file__).resolve().parents[2]

GOOD = {
    "association": "Probe Boligselskab",
    "department": "7",
    "department_name": "Probe",
    "unit_ref": "P-1",
    "municipality_code": "461",
    "address": "Probevej 1, 5000 Odense C",
    "lat": "55.40",
    "lon": "10.39",
    "area": "Centrum",
    "kind": "family",
    "rooms": "2",
    "size_m2": "55",
    "floor": "1",
    "elevator": "nej",
    "wheelchair": "nej",
    "pets_allowed": "ja",
    "rent_dkk": "5200",
    "utilities_dkk": "600",
    "deposit_dkk": "15000",
    "rent_reduction_dkk": "",
    "rent_reduction_until": "",
    "allocation": "municipal",
    "allocation_municipality_code": "",
    "available_from": "2026-12-01",
    "listed_area": "nej",
    "area_category": "",
    "social_caretaker": "",
}


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMN_NAMES))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _failure(sessions: sessionmaker[Session], data: bytes, name: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as info, sessions() as session, session.begin():
        import_vacancy_list(session, data, name)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 0
    return info.value


# --- the dimension bomb and its relatives, measured in a fresh process ---------------------

_MEASURE = """
import json, resource, sys, time
from inventory.importer import ImportFailed, read_table
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    read_table(data, sys.argv[1])
    errors = None
except ImportFailed as failed:
    errors = [str(e) for e in failed.errors]
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"errors": errors, "seconds": seconds, "grown_mb": grown}))
"""


def _measure(path: Path) -> dict[str, object]:
    """Read ``path`` in a new interpreter; its errors, seconds and peak-RSS growth [MB]."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Ledige" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook(sheet_xml: str) -> bytes:
    """A minimal .xlsx written as its zip's XML, so any sheet content can be declared."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def _sheet(dimension: str | None, cells: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{cells}</sheetData></worksheet>"
    )


FAR_CELL = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>association</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
)


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        ("A1:XFD1048576", "the sheet reaches row 1048576"),
        (None, f"more than {MAX_ROWS} rows"),  # no <dimension>: the streaming bound holds
        ("A1:A2", f"more than {MAX_ROWS} rows"),  # a lying <dimension> too
    ],
)
def test_dimension_bomb_is_refused_fast_and_small(
    tmp_path: Path, dimension: str | None, expected: str
) -> None:
    data = _workbook(_sheet(dimension, FAR_CELL))
    assert len(data) < 2048  # the 1.8 KB workbook of the issue
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    result = _measure(path)
    errors = result["errors"]
    assert isinstance(errors, list) and len(errors) == 1 and expected in errors[0], errors
    assert isinstance(result["seconds"], float) and result["seconds"] < 1.0, result
    assert isinstance(result["grown_mb"], float) and result["grown_mb"] < 100, result


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    # 200 MB of one repeated row compresses to a few hundred KB.
    row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = _sheet(None, row * (200 * 1024 * 1024 // len(row)))
    data = _workbook(sheet)
    assert len(data) < MAX_FILE_BYTES
    path = tmp_path / "zipbomb.xlsx"
    path.write_bytes(data)
    result = _measure(path)
    errors = result["errors"]
    assert isinstance(errors, list) and len(errors) == 1 and "unpacks to" in errors[0], errors
    assert isinstance(result["seconds"], float) and result["seconds"] < 1.0, result
    assert isinstance(result["grown_mb"], float) and result["grown_mb"] < 100, result


def test_files_over_the_byte_limit_are_refused_unread(sessions: sessionmaker[Session]) -> None:
    data = _csv([GOOD]) + b"\n" * MAX_FILE_BYTES
    failed = _failure(sessions, data, "big.csv")
    assert [str(e) for e in failed.errors] == [
        f"file: the file is {len(data) / 1_048_576:.1f} MB; at most 5 MB is accepted"
    ]


# --- bounded answers ----------------------------------------------------------------------


def test_a_megabyte_of_empty_rows_gives_one_error(sessions: sessionmaker[Session]) -> None:
    data = ",".join(COLUMN_NAMES).encode() + b"\n" + b",,,,\n" * 200_000
    assert len(data) > 1_000_000
    failed = _failure(sessions, data, "empty.csv")
    assert [str(e) for e in failed.errors] == [
        f"file: the list has more than {MAX_ROWS} rows below the header; split it "
        "(empty rows count too)"
    ]


def test_many_bad_rows_list_the_first_errors_and_count_the_rest(
    sessions: sessionmaker[Session],
) -> None:
    rows = [{**GOOD, "unit_ref": f"P-{i}", "rooms": "many", "floor": "x"} for i in range(3000)]
    failed = _failure(sessions, _csv(rows), "bad.csv")
    assert failed.total == 6000
    assert len(failed.errors) == MAX_ERRORS + 1
    assert str(failed.errors[0]) == "row 2, column 'rooms': 'many' is not a number"
    assert str(failed.errors[-1]) == f"file: and {6000 - MAX_ERRORS} more problem(s) not listed"


# --- formulas and CSV injection -----------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("address", '=HYPERLINK("http://evil.example","klik")'),
        ("address", "+cmd|' /C calc'!A0"),
        ("address", "-2+3+cmd|' /C calc'!A0"),
        ("unit_ref", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("rent_dkk", "=1+1"),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_refused(
    sessions: sessionmaker[Session], column: str, cell: str
) -> None:
    failed = _failure(sessions, _csv([{**GOOD, column: cell}]), "injection.csv")
    assert [str(e) for e in failed.errors] == [
        f"row 2, column '{column}': formulas are not accepted (the cell starts with "
        f"'{cell[0]}'); enter the value itself"
    ]


def test_signed_numbers_are_not_taken_for_formulas(sessions: sessionmaker[Session]) -> None:
    failed = _failure(sessions, _csv([{**GOOD, "rent_dkk": "-100", "floor": "+1"}]), "s.csv")
    assert [str(e) for e in failed.errors] == [
        "row 2, column 'rent_dkk': must not be negative (got -100)"
    ]


def test_excel_formulas_are_refused(sessions: sessionmaker[Session]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMN_NAMES))
    sheet.append([GOOD[c] for c in COLUMN_NAMES])
    sheet["Q2"] = "=4000+1200"  # rent_dkk, the 17th column
    buffer = io.BytesIO()
    book.save(buffer)
    failed = _failure(sessions, buffer.getvalue(), "formula.xlsx")
    assert [str(e) for e in failed.errors] == [
        "row 2, column 'rent_dkk': formulas are not accepted (the cell starts with '='); "
        "enter the value itself"
    ]


# --- ranges and lengths: the same as the API's and the matcher's ---------------------------


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("floor", "-2", "must be at least -1 (got -2)"),
        ("floor", "1e20", "must be at most 99 (got 1e20)"),
        ("rent_dkk", "1e300", "must be at most 1e+06 (got 1e300)"),
        ("size_m2", "1e300", "must be at most 1000 (got 1e300)"),
        ("deposit_dkk", "1e20", "must be at most 1e+06 (got 1e20)"),
        ("rooms", "21", "must be at most 20 (got 21)"),
        ("address", "A" * 201, "must be at most 200 characters (got 201)"),
        ("unit_ref", "R" * 65, "must be at most 64 characters (got 65)"),
        ("association", "B" * 121, "must be at most 120 characters (got 121)"),
        ("area", "C" * 81, "must be at most 80 characters (got 81)"),
        (
            "municipality_code",
            "4" * 500,
            "'" + "4" * 40 + "…' is not a municipality code (3 digits, e.g. 461)",
        ),
    ],
)
def test_out_of_range_and_overlong_values_are_named(
    sessions: sessionmaker[Session], column: str, value: str, problem: str
) -> None:
    failed = _failure(sessions, _csv([{**GOOD, column: value}]), "bounds.csv")
    assert [str(e) for e in failed.errors] == [f"row 2, column '{column}': {problem}"]


def test_the_good_row_itself_imports(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        summary = import_vacancy_list(session, _csv([GOOD]), "good.csv")
    assert summary.units_created == 1
