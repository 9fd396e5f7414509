"""Vacancy lists as Danish housing associations write them: Excel's own CSV (Windows-1252,
semicolons), Danish headings, Danish numbers and dates; a number that reads two ways is
refused with a message naming its row and column, never guessed; every problem of a
messy list comes at once, in row order, in Danish."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inventory.importer import (
    COLUMNS,
    MESSAGES,
    ImportFailed,
    RowError,
    field_of,
    import_vacancy_list,
    template_csv,
    template_rows,
    template_xlsx,
)
from inventory.models import Unit, Vacancy

DANISH_HEADER = (
    "Boligorganisation;Afdeling;Lejemål;Kommunekode;Adresse;Breddegrad;Længdegrad;Område;"
    "Boligtype;Værelser;Areal (m²);Etage;Elevator;Kørestolsegnet;Husdyr tilladt;Husleje;"
    "Forbrug a conto;Indskud;Anvisningsret;Ledig fra"
)


def _row(ref: str, *, rent: str = "4.950", size: str = "68,5", **cells: str) -> str:
    values = {
        "association": "Fyns Almennyttige",
        "department": "7",
        "unit_ref": ref,
        "municipality_code": "461",
        "address": "Østergade 3, 1. th., 5000 Odense C",
        "lat": "55,3959",
        "lon": "10,3883",
        "area": "Centrum",
        "kind": "familie",
        "rooms": "2",
        "size": size,
        "floor": "1",
        "elevator": "nej",
        "wheelchair": "nej",
        "pets": "ja",
        "rent": rent,
        "utilities": "650,00",
        "deposit": "14.850",
        "allocation": "kommunal",
        "available_from": "01.02.2027",
    } | cells
    return ";".join(values.values())


def _excel_csv(*rows: str) -> bytes:
    """What Danish Excel saves as "CSV (semikolonsepareret)": Windows-1252, CRLF."""
    return ("\r\n".join([DANISH_HEADER, *rows]) + "\r\n").encode("cp1252")


def _import(sessions: sessionmaker[Session], data: bytes, name: str = "ledige.csv") -> None:
    with sessions() as session, session.begin():
        import_vacancy_list(session, data, name)


def _rejected(
    sessions: sessionmaker[Session], data: bytes, name: str = "ledige.csv"
) -> list[RowError]:
    with pytest.raises(ImportFailed) as info:
        _import(sessions, data, name)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 0
    return info.value.errors


def _unit(sessions: sessionmaker[Session], ref: str) -> Unit:
    with sessions() as session:
        unit = session.scalar(select(Unit).where(Unit.unit_ref == ref))
        assert unit is not None
        return unit


def test_a_rent_written_4_950_is_4950_kroner(sessions: sessionmaker[Session]) -> None:
    _import(sessions, _excel_csv(_row("A-1", rent="4.950")))
    assert _unit(sessions, "A-1").rent_dkk == 4950.0


def test_excel_danish_csv_with_danish_headings_imports(sessions: sessionmaker[Session]) -> None:
    data = _excel_csv(
        _row("Ø-1", rent="4.950,00", size="68,5"),
        _row("Ø-2", rent="12.345,50", size="102", kind="Ungdomsbolig", available_from="1-3-2027"),
        _row("Ø-3", rent="3 900 kr.", size="44,25", allocation="Boligorganisation"),
    )
    assert b"\xd8" in data  # "Ø" as Windows-1252 writes it: not UTF-8
    _import(sessions, data)
    first, second, third = (_unit(sessions, r) for r in ("Ø-1", "Ø-2", "Ø-3"))
    assert (first.rent_dkk, first.size_m2, first.utilities_dkk, first.deposit_dkk) == (
        4950.0,
        68.5,
        650.0,
        14850.0,
    )
    assert first.address == "Østergade 3, 1. th., 5000 Odense C"
    assert (second.rent_dkk, second.kind.value) == (12345.5, "youth")
    assert (third.rent_dkk, third.size_m2, third.allocation.value) == (3900.0, 44.25, "association")
    with sessions() as session:
        days = {
            v.unit.unit_ref: v.available_from.isoformat() for v in session.scalars(select(Vacancy))
        }
    assert days == {"Ø-1": "2027-02-01", "Ø-2": "2027-03-01", "Ø-3": "2027-02-01"}


@pytest.mark.parametrize(
    ("encode", "sep"),
    [
        (lambda text: text.encode("utf-8-sig"), ";"),  # Excel's "CSV UTF-8"
        (lambda text: text.encode("utf-8"), ","),
        (lambda text: text.encode("utf-16"), "\t"),  # Excel's "Unicode-tekst"
    ],
)
def test_other_encodings_and_separators_import(
    sessions: sessionmaker[Session], encode: object, sep: str
) -> None:
    assert callable(encode)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)  # quotes cells holding the separator
    writer.writerows(line.split(";") for line in (DANISH_HEADER, _row("U-1", rent="4950")))
    text = buffer.getvalue()
    _import(sessions, encode(text))
    assert _unit(sessions, "U-1").size_m2 == 68.5


@pytest.mark.parametrize(
    ("rent", "expected"),
    [
        ("4950", 4950.0),
        ("4.950", 4950.0),
        ("4.950,00", 4950.0),
        ("4950,5", 4950.5),
        ("1.234.567", None),  # above the bound: refused by range, not misread
        ("4950.00", 4950.0),  # a point after four digits cannot be a thousands point
        ("-0", 0.0),
    ],
)
def test_danish_amounts(sessions: sessionmaker[Session], rent: str, expected: float | None) -> None:
    if expected is None:
        errors = _rejected(sessions, _excel_csv(_row("R-1", rent=rent)))
        assert [(e.row, e.column, e.key) for e in errors] == [(2, "rent_dkk", "at_most")]
        return
    _import(sessions, _excel_csv(_row("R-1", rent=rent)))
    assert _unit(sessions, "R-1").rent_dkk == expected


@pytest.mark.parametrize("rent", ["4,950", "1.5", "4.95", "891.0", "4,950.00", "1,234,567"])
def test_an_amount_that_reads_two_ways_is_refused_in_danish(
    sessions: sessionmaker[Session], rent: str
) -> None:
    (error,) = _rejected(sessions, _excel_csv(_row("R-1", rent=rent)))
    assert (error.row, error.column, error.heading) == (2, "rent_dkk", "Husleje")
    assert error.key == "ambiguous_amount"
    assert error.text("da").startswith(f"'{rent}' kan læses på to måder")
    assert "4.950,50" in error.text("da")


def test_a_measure_that_reads_two_ways_in_range_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    (error,) = _rejected(sessions, _excel_csv(_row("S-1", size="1.000")))
    assert (error.row, error.column, error.key) == (2, "size_m2", "ambiguous_number")
    assert error.text("da") == (
        "'1.000' kan læses på to måder (1 eller 1.000); skriv decimaler med komma og ingen "
        "tusindtalspunktum"
    )
    # a point before three digits that only one reading fits is that reading
    _import(sessions, _excel_csv(_row("S-2", size="68.500", lat="55.396", lon="10.388")))
    assert _unit(sessions, "S-2").size_m2 == 68.5


def test_a_messy_danish_list_is_rejected_with_every_problem_in_row_order(
    sessions: sessionmaker[Session],
) -> None:
    data = _excel_csv(
        _row("M-1", rent="4,950", available_from="31.02.2027"),  # row 2
        _row("M-2"),  # row 3: fine
        _row("M-3", size="0", kind="villa", elevator="måske"),  # row 4
        _row("M-1"),  # row 5: M-1 again
        _row("M-5", association="Andre Boliger", municipality_code="999", lat="12,5"),  # row 6
        _row("M-6", available_from="01/02/2027", rooms="2,5"),  # row 7
    )
    with pytest.raises(ImportFailed) as info, sessions() as session, session.begin():
        import_vacancy_list(session, data, "rodet.csv", only_association="Fyns Almennyttige")
    errors = info.value.errors
    assert [(e.row, e.heading) for e in errors] == [
        (2, "Husleje"),
        (2, "Ledig fra"),
        (4, "Boligtype"),
        (4, "Areal (m²)"),
        (4, "Elevator"),
        (5, "Lejemål"),
        (6, "Boligorganisation"),
        (6, "Kommunekode"),
        (6, "Breddegrad"),
        (7, "Værelser"),
        (7, "Ledig fra"),
    ]
    danish = [e.text("da") for e in errors]
    assert danish[1] == "'31.02.2027' er ikke en dato (skriv fx 01.02.2027 eller 2027-02-01)"
    assert danish[2].startswith("'villa' er ikke en af: familie, midlertidig, skæv")
    assert danish[3] == "skal være større end 0 (fik 0)"
    assert danish[5] == "lejemål 'M-1' står allerede i række 2"
    assert danish[6] == "I kan kun indberette boliger fra 'Fyns Almennyttige'"
    assert danish[7] == "ukendt kommunekode '999'"
    assert danish[9] == "'2,5' er ikke et helt tal"
    assert not any(re.search(r"\b(is|not|must|the)\b", text) for text in danish), danish


def test_headings_are_recognised_in_either_language_and_loosely() -> None:
    for column in COLUMNS:
        assert field_of(column.name) == column.name
        assert field_of(column.heading_da) == column.name
        assert field_of(f"  {column.heading_da.upper()} ") == column.name
    assert field_of("Areal (m2)") == "size_m2"
    assert field_of("Husleje (kr.)") == "rent_dkk"
    assert field_of("Bemærkninger") is None


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, (danish, english) in MESSAGES.items():
        names_da = set(re.findall(r"\{(\w+)\}", danish))
        names_en = set(re.findall(r"\{(\w+)\}", english))
        assert names_da - {"options_da"} == names_en - {"options"}, key
        assert danish != english, key


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_templates_import_as_they_are(sessions: sessionmaker[Session], lang: str) -> None:
    assert lang in ("da", "en")
    mine = {"association": "Skabelon Boliger", "area": "Centrum"}
    headings, example = template_rows(lang, **mine)  # type: ignore[arg-type]
    assert headings[0] == ("Boligorganisation" if lang == "da" else "association")
    assert "Husleje" in headings if lang == "da" else "rent_dkk" in headings
    _import(sessions, template_csv(lang, **mine), "skabelon.csv")  # type: ignore[arg-type]
    unit = _unit(sessions, example[headings.index("Lejemål" if lang == "da" else "unit_ref")])
    assert (unit.rent_dkk, unit.size_m2) == (4950.0, 68.5)
    book = template_xlsx(lang, **mine)  # type: ignore[arg-type]
    sheet = openpyxl.load_workbook(io.BytesIO(book)).worksheets[0]
    assert [c.value for c in sheet[1]] == headings
    _import(sessions, book, "skabelon.xlsx")  # the same unit again: updated, not duplicated
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 1


def test_excel_number_cells_are_read_as_the_numbers_they_are(
    sessions: sessionmaker[Session],
) -> None:
    headings, example = template_rows("da", association="Tal Boliger", area="Centrum")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    cells: list[object] = list(example)
    cells[headings.index("Husleje")] = 4950.0  # a number cell, not text
    cells[headings.index("Areal (m²)")] = 68.5
    cells[headings.index("Indskud")] = 1234.5
    sheet.append(headings)
    sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    _import(sessions, buffer.getvalue(), "tal.xlsx")
    with sessions() as session:
        unit = session.scalars(select(Unit)).one()
        assert (unit.rent_dkk, unit.size_m2, unit.deposit_dkk) == (4950.0, 68.5, 1234.5)
