"""A housing association in the browser: its units and vacancies, a vacancy list
uploaded with an error, fixed and uploaded again, a vacancy reported with a form."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from web_helpers import Site, association_choice, demo_sign_in

from boligmatch.db import make_engine
from inventory.models import Unit

pytestmark = pytest.mark.browser

HEADER = (
    "association,department,unit_ref,municipality_code,address,lat,lon,area,kind,rooms,"
    "size_m2,floor,elevator,wheelchair,pets_allowed,rent_dkk,utilities_dkk,deposit_dkk,"
    "allocation,available_from"
)


def _csv(association: str, second_rent: str) -> bytes:
    rows = [
        HEADER,
        f"{association},WEB-1,W-101,461,Testvej 1,55.39,10.40,Vollsmose,family,2,"
        "60,1,no,no,yes,4200,600,12000,municipal,2027-02-01",
        f"{association},WEB-1,W-102,461,Testvej 3,55.39,10.41,Vollsmose,youth,1,"
        f"35,0,no,no,no,{second_rent},400,8000,municipal,2027-02-15",
        f"{association},WEB-1,W-103,461,Testvej 5,55.39,10.42,Vollsmose,family,3,"
        "75,2,yes,no,yes,5100,700,15000,municipal,2027-03-01",
    ]
    return ("\n".join(rows) + "\n").encode()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(csv: bytes) -> bytes:
    """The same rows as an .xlsx workbook (every cell as text, as associations type them)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in csv.decode().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _units(db_url: str) -> int:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Unit)).scalar_one()
    engine.dispose()
    return int(count)


def test_association_uploads_a_list_with_an_error_fixes_it_and_uploads_again(
    page: Page, site: Site, screenshots: Path
) -> None:
    demo_sign_in(page, association_choice(site.association_id))
    expect(page).to_have_url(re.compile(r"/association$"))
    expect(page.locator("h1")).to_contain_text(site.association_name)
    assert page.locator("#units tbody tr").count() > 0
    page.screenshot(path=str(screenshots / "association-start.png"), full_page=True)

    before = _units(site.db_url)
    page.get_by_role("link", name="Upload liste").first.click()
    bad = _csv(site.association_name, "-250")
    page.set_input_files(
        "#file", files=[{"name": "ledige.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Upload og kontrollér").click()
    errors = page.locator("#upload-errors")
    expect(errors).to_contain_text("1 fejl i listen. Intet er gemt.")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(0)).to_have_text("3")  # header is row 1
    expect(errors.locator("tbody tr td").nth(1)).to_have_text("rent_dkk")
    expect(errors.locator("tbody tr td").nth(2)).to_contain_text("negative")
    assert _units(site.db_url) == before  # nothing saved

    # The corrected list, this time as an Excel workbook.
    good = _xlsx(_csv(site.association_name, "2900"))
    page.set_input_files(
        "#file",
        files=[{"name": "ledige.xlsx", "mimeType": XLSX, "buffer": good}],
    )
    page.get_by_role("button", name="Upload og kontrollér").click()
    expect(page.locator("#upload-result")).to_contain_text("3 rækker, 3 nye")
    expect(page.locator("#upload-errors")).to_have_count(0)
    assert _units(site.db_url) == before + 3

    page.goto("/association")
    expect(page.locator("#vacancies")).to_contain_text("W-102")
    expect(page.locator("#units")).to_contain_text("Testvej 3")


def test_association_reports_a_vacancy_with_messages_next_to_the_fields(
    page: Page, site: Site
) -> None:
    demo_sign_in(page, association_choice(site.association_id))
    page.goto("/association/report")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#unit_id-err")).to_have_text("Skal udfyldes.")
    expect(page.locator("#available_from-err")).to_have_text("Skal udfyldes.")
    expect(page.locator("#unit_id")).to_have_attribute("aria-invalid", "true")

    # A unit that already has an open vacancy is refused by the service, next to the field.
    page.goto("/association")
    busy_ref = page.locator("#vacancies tbody tr").first.locator("td").nth(1).inner_text()
    page.goto("/association/report")
    option = page.locator("#unit_id option", has_text=f"/ {busy_ref} –")
    page.locator("#unit_id").select_option(option.get_attribute("value"))
    page.locator("#available_from").fill("2027-05-01")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#unit_id-err")).to_contain_text("already has an open or offered vacancy")
    expect(page.locator("#available_from-err")).to_have_count(0)

    # A free unit with a date: saved, and listed on the start page.
    page.goto("/association")
    listed = set(
        page.locator("#vacancies tbody tr").evaluate_all(
            "rows => rows.map(r => r.cells[1].textContent.trim())"
        )
    )
    page.goto("/association/report")
    options = page.locator("#unit_id option").evaluate_all(
        "os => os.map(o => [o.value, o.textContent])"
    )
    free = next(
        (value, text)
        for value, text in options
        if value and text.split(" / ")[1].split(" –")[0] not in listed
    )
    page.locator("#unit_id").select_option(free[0])
    page.locator("#available_from").fill("2020-01-01")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#available_from-err")).to_contain_text("30 dage tilbage")
    expect(page.locator("#unit_id")).to_have_value(free[0])  # the choice is kept
    page.locator("#available_from").fill("2027-05-01")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".flash.ok")).to_have_text("Boligen er meldt ledig.")
    free_ref = free[1].split(" / ")[1].split(" –")[0]
    expect(page.locator("#vacancies")).to_contain_text(free_ref)
