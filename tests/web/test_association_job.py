"""A housing association's whole job in Chromium, the Danish way: download the template,
upload a messy Danish list (Excel's own CSV: Windows-1252, semicolons, Danish headings and
numbers) and see every problem at once in row order, upload the fixed list, edit a
vacancy, withdraw it. Screenshots at 1280 and 375 px go to var/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from web_helpers import Site, association_choice, demo_sign_in, session_cookie

from api.auth import Principal, Role
from inventory.models import Unit, Vacancy, VacancyStatus
from kernel.db import make_engine, session_factory

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)


def _shoot(page: Page, screenshots: Path, name: str) -> None:
    """The page at a laptop's and a phone's width; nothing may stick out sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"association-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} at {width} px is {overflow} px too wide"
    page.set_viewport_size({"width": 1280, "height": 900})


def _excel_csv(rows: list[list[str]]) -> bytes:
    """What Danish Excel saves as "CSV (semikolonsepareret)": Windows-1252, CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("cp1252")


def _vacancy(db_url: str, unit_ref: str) -> tuple[float, str, VacancyStatus]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            vacancy = session.scalars(
                select(Vacancy).join(Unit).where(Unit.unit_ref == unit_ref)
            ).one()
            return vacancy.unit.rent_dkk, vacancy.available_from.isoformat(), vacancy.status
    finally:
        engine.dispose()


def test_association_does_its_whole_job_in_danish(
    page: Page, site: Site, screenshots: Path
) -> None:
    demo_sign_in(page, association_choice(site.association_id))
    expect(page).to_have_url(re.compile(r"/association$"))
    _shoot(page, screenshots, "start")
    page.get_by_role("link", name="Upload liste").first.click()
    expect(page.locator("h1")).to_have_text("Upload liste over ledige boliger")
    _shoot(page, screenshots, "upload")

    # 1. The template, as Excel and as CSV: Danish headings and one example row.
    with page.expect_download() as got:
        page.locator("#template-xlsx").click()
    assert got.value.suggested_filename == "ledige-boliger-skabelon.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    headings = [str(c.value) for c in book.worksheets[0][1]]
    example = ["" if c.value is None else str(c.value) for c in book.worksheets[0][2]]
    assert headings[:3] == ["Boligorganisation", "Afdeling", "Afdelingsnavn"]
    assert {"Husleje", "Areal (m²)", "Værelser", "Etage", "Ledig fra"} <= set(headings)
    assert example[0] == site.association_name  # the association's own
    assert example[headings.index("Husleje")] == "4.950"
    with page.expect_download() as got_csv:
        page.locator("#template-csv").click()
    text = Path(got_csv.value.path()).read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(headings)

    def row(ref: str, **cells: str) -> list[str]:
        values = dict(zip(headings, example, strict=True))
        values["Lejemål"] = ref
        values.update(cells)
        return [values[h] for h in headings]

    # 2. A messy Danish list: every problem at once, in row order, in Danish.
    messy = _excel_csv(
        [
            headings,
            row("JOB-1", Husleje="4,950"),  # 2: reads two ways
            row("JOB-2", **{"Areal (m²)": "0", "Boligtype": "villa"}),  # 3: two problems
            row("JOB-3"),  # 4: fine
            row("JOB-1"),  # 5: JOB-1 again
            row("JOB-5", **{"Ledig fra": "31.02.2027", "Værelser": "to"}),  # 6
            row("JOB-6", Boligorganisation="Naboens Boliger"),  # 7: not theirs
        ]
    )
    page.set_input_files(
        "#file", files=[{"name": "ledige boliger.csv", "mimeType": "text/csv", "buffer": messy}]
    )
    page.get_by_role("button", name="Upload og kontrollér").click()
    errors = page.locator("#upload-errors")
    expect(errors).to_contain_text("7 fejl i listen. Intet er gemt.")
    cells = errors.locator("tbody tr").all_inner_texts()
    found = [tuple(line.split("\t")) for line in cells]
    assert [(r, c) for r, c, _ in found] == [
        ("2", "Husleje"),
        ("3", "Boligtype"),
        ("3", "Areal (m²)"),
        ("5", "Lejemål"),
        ("6", "Værelser"),
        ("6", "Ledig fra"),
        ("7", "Boligorganisation"),
    ]
    problems = [p for _, _, p in found]
    assert problems[0].startswith("'4,950' kan læses på to måder")
    assert problems[2] == "skal være større end 0 (fik 0)"
    assert problems[3] == "lejemål 'JOB-1' står allerede i række 2"
    assert problems[6] == f"I kan kun indberette boliger fra '{site.association_name}'"
    _shoot(page, screenshots, "upload-errors")

    # 3. The fixed list imports; "4.950" is 4.950 kr.
    fixed = _excel_csv([headings, row("JOB-1"), row("JOB-2"), row("JOB-3")])
    page.set_input_files(
        "#file", files=[{"name": "ledige boliger.csv", "mimeType": "text/csv", "buffer": fixed}]
    )
    page.get_by_role("button", name="Upload og kontrollér").click()
    expect(page.locator("#upload-result")).to_contain_text("3 rækker, 3 nye")
    _shoot(page, screenshots, "upload-ok")
    assert _vacancy(site.db_url, "JOB-1")[0] == 4950.0

    # 4. Edit one: a Danish amount, an ambiguous one refused next to its field.
    page.goto("/association")
    line = page.locator("#vacancies tbody tr", has_text="JOB-2")
    expect(line).to_contain_text("4.950")
    line.get_by_role("link", name="Ret").click()
    expect(page.locator("h1")).to_contain_text("Ret ledig bolig")
    expect(page.locator("#rent_dkk")).to_have_value("4.950")
    page.locator("#rent_dkk").fill("5,100")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#rent_dkk-err")).to_contain_text("kan læses på to måder")
    _shoot(page, screenshots, "edit-error")
    page.locator("#rent_dkk").fill("5.100")
    page.locator("#available_from").fill("2027-03-01")
    page.get_by_role("button", name="Gem").click()
    expect(page).to_have_url(re.compile(r"/association\?done=updated$"))
    expect(page.locator(".flash.ok")).to_have_text("Ændringerne er gemt.")
    expect(page.locator("#vacancies tbody tr", has_text="JOB-2")).to_contain_text("5.100")
    assert _vacancy(site.db_url, "JOB-2")[:2] == (5100.0, "2027-03-01")
    _shoot(page, screenshots, "edited")

    # 5. Withdraw it: it is no longer among the open vacancies.
    page.locator("#vacancies tbody tr", has_text="JOB-2").get_by_role(
        "button", name="Træk tilbage"
    ).click()
    expect(page.locator(".flash.ok")).to_contain_text("trukket tilbage")
    expect(page.locator("#vacancies")).not_to_contain_text("JOB-2")
    expect(page.locator("#vacancies")).to_contain_text("JOB-3")
    assert _vacancy(site.db_url, "JOB-2")[2] is VacancyStatus.withdrawn
    _shoot(page, screenshots, "withdrawn")


def test_a_large_file_gets_a_size_message_in_the_browser_and_from_the_server(
    page: Page, site: Site
) -> None:
    demo_sign_in(page, association_choice(site.association_id))
    page.goto("/association/upload")
    big = b"x;" * (3 * 1024 * 1024)  # 6 MB
    page.set_input_files(
        "#file", files=[{"name": "stor.csv", "mimeType": "text/csv", "buffer": big}]
    )
    expect(page.locator("#file-err")).to_have_text(
        "Filen er for stor: højst 5 MB kan uploades. Gem kun arket med listen, eller del "
        "listen i flere filer."
    )
    page.get_by_role("button", name="Upload og kontrollér").click()
    expect(page).to_have_url(re.compile(r"/association/upload$"))  # not sent
    expect(page.locator("#file")).to_have_attribute("aria-invalid", "true")

    # Without the page's script the server says the same (up to its request limit).
    principal = Principal(
        "web-test-association", Role.association, association_id=site.association_id
    )
    cookies = {"bm_auth": session_cookie(site, principal), "bm_sid": "a-session-id"}
    with httpx.Client(base_url=site.base_url, cookies=cookies) as client:
        form = client.get("/association/upload")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
        assert csrf is not None
        answer = client.post(
            "/association/upload",
            data={"csrf": csrf.group(1)},
            files={"file": ("stor.csv", big, "text/csv")},
        )
    assert answer.status_code == 413
    assert "Filen er for stor: højst 5 MB kan uploades." in answer.text
    assert "Vælg en fil" not in answer.text


def test_the_new_unit_form_reads_amounts_by_the_lists_rules() -> None:
    from api.web.association_units import NewUnitForm, check_form, unit_payload

    ambiguous = NewUnitForm(rent_dkk="4,950", deposit_dkk="14.850")
    _, errors = check_form(ambiguous, "da")
    assert errors["rent_dkk"].startswith("'4,950' kan læses på to måder")
    assert "deposit_dkk" not in errors
    assert unit_payload(NewUnitForm(rent_dkk="4.950"))["rent_dkk"] == "4950.0"
