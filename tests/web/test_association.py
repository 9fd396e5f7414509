"""A housing association in the browser: its units and vacancies, a vacancy list
uploaded with an error, fixed and uploaded again, a vacancy reported with a form, and
a vacancy in a new unit reported with the second form (never in another association's
department)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from web_helpers import Site, association_choice, demo_sign_in, session_cookie

from api.auth import Principal, Role
from api.web.association_units import MESSAGE_KEYS, decimal_text
from api.web.i18n import STRINGS
from inventory.models import Department, Unit, Vacancy, VacancyStatus
from kernel.db import make_engine

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


SOON = (dt.date.today() + dt.timedelta(days=60)).isoformat()
"""A free-from day the form accepts whenever the tests run (it refuses > 30 days back)."""

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
    expect(errors.locator("tbody tr td").nth(2)).to_contain_text("må ikke være negativ")
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
    page.locator("#available_from").fill(SOON)
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#unit_id-err")).to_contain_text("allerede meldt ledig eller tilbudt")
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
    page.locator("#available_from").fill(SOON)
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".flash.ok")).to_have_text("Boligen er meldt ledig.")
    free_ref = free[1].split(" / ")[1].split(" –")[0]
    expect(page.locator("#vacancies")).to_contain_text(free_ref)


def _new_unit(db_url: str, unit_ref: str) -> dict[str, Any] | None:
    """The saved unit with this ref, its department's association and its vacancy."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(
                    Unit.address,
                    Unit.lat,
                    Unit.area,
                    Unit.size_m2,
                    Unit.elevator,
                    Unit.wheelchair,
                    Unit.rent_dkk,
                    Unit.rent_reduction_dkk,
                    Unit.rent_reduction_until,
                    Unit.allocation_municipality_code,
                    Department.association_id,
                    Vacancy.available_from,
                    Vacancy.status,
                )
                .join(Department, Department.id == Unit.department_id)
                .join(Vacancy, Vacancy.unit_id == Unit.id)
                .where(Unit.unit_ref == unit_ref)
            )
            .mappings()
            .one_or_none()
        )
    engine.dispose()
    return dict(row) if row is not None else None


def test_association_reports_a_vacancy_in_a_new_unit_with_messages_next_to_the_fields(
    page: Page, site: Site
) -> None:
    free_on = dt.date.today() + dt.timedelta(days=60)
    reduction_ends = free_on + dt.timedelta(days=365)
    demo_sign_in(page, association_choice(site.association_id))
    page.goto("/association/report")
    page.get_by_role("link", name="Meld en ny bolig ledig").click()
    expect(page).to_have_url(re.compile(r"/association/report-new$"))
    expect(page.locator("h1")).to_have_text("Meld en ny bolig ledig")
    before = _units(site.db_url)

    # Every field but the address, and a reduction larger than the rent.
    page.get_by_label("Afdeling").select_option(index=1)  # the first of its own departments
    page.get_by_label("Boligens id").fill("NY-7")
    page.get_by_label("Breddegrad").fill("55,3959")
    page.get_by_label("Længdegrad").fill("10,37")
    page.get_by_label("Type").select_option("family")
    page.get_by_label("Værelser").fill("2")
    page.get_by_label("Størrelse, m²").fill("61,5")
    page.get_by_label("Etage").fill("1")
    page.get_by_label("Elevator").check()
    page.get_by_label("Husleje uden forbrug, kr./md.").fill("4.250,50")
    page.get_by_label("Forbrug a conto, kr./md.").fill("650")
    page.get_by_label("Indskud, kr.").fill("12000")
    page.get_by_label("Huslejenedsættelse, kr./md.").fill("5000")
    page.get_by_label("Nedsættelsen slutter").fill(reduction_ends.isoformat())
    page.get_by_label("Anvisningsret").select_option("municipal")
    page.get_by_label("Ledig fra").fill(free_on.isoformat())
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Gem").click()
    assert answer.value.status == 422
    expect(page.locator("#form-errors")).to_contain_text("Intet er gemt.")
    expect(page.locator(".field-error")).to_have_count(2)
    expect(page.locator("#address-err")).to_have_text("Skal udfyldes.")
    expect(page.locator("#address")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#address")).to_have_attribute("aria-describedby", "address-err")
    expect(page.locator("#rent_reduction_dkk-err")).to_have_text(
        "Nedsættelsen må ikke være større end huslejen."
    )
    expect(page.locator("#rent_reduction_dkk")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#rent_reduction_dkk")).to_have_attribute(
        "aria-describedby", "rent_reduction_dkk-help rent_reduction_dkk-err"
    )
    expect(page.locator("#rent_dkk")).not_to_have_attribute("aria-invalid", "true")
    # What was typed comes back as typed.
    expect(page.locator("#unit_ref")).to_have_value("NY-7")
    expect(page.locator("#lat")).to_have_value("55,3959")
    expect(page.locator("#rent_dkk")).to_have_value("4.250,50")
    expect(page.locator("#kind")).to_have_value("family")
    expect(page.locator("#allocation")).to_have_value("municipal")
    expect(page.locator("#elevator")).to_be_checked()
    expect(page.locator("#wheelchair")).not_to_be_checked()
    expect(page.locator("#available_from")).to_have_value(free_on.isoformat())
    assert _units(site.db_url) == before  # nothing saved
    assert _new_unit(site.db_url, "NY-7") is None

    page.get_by_label("Adresse").fill("Nyvej 7, 2. tv")
    page.get_by_label("Huslejenedsættelse, kr./md.").fill("250,50")
    page.get_by_role("button", name="Gem").click()
    expect(page).to_have_url(re.compile(r"/association\?done=reported$"))
    expect(page.locator(".flash.ok")).to_have_text("Boligen er meldt ledig.")
    expect(page.locator("#vacancies")).to_contain_text("NY-7")
    new_row = page.locator("#units tbody tr", has_text="NY-7")
    expect(new_row).to_contain_text("Nyvej 7, 2. tv")
    expect(new_row).to_contain_text("Skt. Klemens")  # found from the position
    assert _units(site.db_url) == before + 1
    assert _new_unit(site.db_url, "NY-7") == {
        "address": "Nyvej 7, 2. tv",
        "lat": 55.3959,
        "area": "Skt. Klemens",
        "size_m2": 61.5,
        "elevator": True,
        "wheelchair": False,
        "rent_dkk": 4250.5,
        "rent_reduction_dkk": 250.5,
        "rent_reduction_until": reduction_ends,
        "allocation_municipality_code": "461",
        "association_id": site.association_id,
        "available_from": free_on,
        "status": VacancyStatus.open,
    }


def _departments(db_url: str, association_id: int) -> tuple[int, int]:
    """One department of the association, and one of another association."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        own = conn.execute(
            select(func.min(Department.id)).where(Department.association_id == association_id)
        ).scalar_one()
        other = conn.execute(
            select(func.min(Department.id)).where(Department.association_id != association_id)
        ).scalar_one()
    engine.dispose()
    return int(own), int(other)


def test_a_new_unit_in_another_associations_department_is_refused(site: Site) -> None:
    own, other = _departments(site.db_url, site.association_id)
    session_id = session_cookie(
        site,
        Principal("web-test-association", Role.association, association_id=site.association_id),
    )
    cookies = {"bm_auth": session_id, "bm_sid": "a-session-id", "bm_lang": "en"}
    fields = {
        "department_id": str(other),
        "unit_ref": "WEB-NEW-1",
        "address": "Fremmedvej 1",
        "lat": "55.3959",
        "lon": "10.37",
        "kind": "youth",
        "rooms": "1",
        "size_m2": "34",
        "floor": "0",
        "rent_dkk": "3100",
        "utilities_dkk": "400",
        "deposit_dkk": "9000",
        "allocation": "municipal",
        "available_from": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    }
    before = _units(site.db_url)
    with httpx.Client(base_url=site.base_url, cookies=cookies) as client:
        form = client.get("/association/report-new")
        assert form.status_code == 200
        assert f'<option value="{own}"' in form.text
        assert f'<option value="{other}"' not in form.text  # only its own are offered
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
        assert csrf is not None
        assert client.post("/association/report-new", data=fields).status_code == 403

        refused = client.post("/association/report-new", data={**fields, "csrf": csrf.group(1)})
        assert refused.status_code == 422
        assert re.findall(r'<p id="([a-z_]+)-err"', refused.text) == ["department_id"]
        message = re.search(
            r'<p id="department_id-err" class="field-error">([^<]*)</p>', refused.text
        )
        assert message is not None and message.group(1) == "Pick one of your departments."
        assert re.search(r'<select id="department_id"[^>]*aria-invalid="true"', refused.text)
        assert 'value="Fremmedvej 1"' in refused.text  # what was typed comes back
        assert _units(site.db_url) == before  # nothing saved
        assert _new_unit(site.db_url, "WEB-NEW-1") is None

        # The same unit in its own department is saved; a second time the ref is taken.
        own_fields = {**fields, "department_id": str(own), "csrf": csrf.group(1)}
        saved = client.post("/association/report-new", data=own_fields)
        assert saved.status_code == 303
        assert saved.headers["location"] == "/association?done=reported"
        again = client.post("/association/report-new", data=own_fields)
        assert again.status_code == 422
        assert re.findall(r'<p id="([a-z_]+)-err"', again.text) == ["unit_ref"]
        assert "already has a unit with this id" in again.text
    unit = _new_unit(site.db_url, "WEB-NEW-1")
    assert unit is not None and unit["association_id"] == site.association_id
    assert _units(site.db_url) == before + 1


def test_new_unit_numbers_take_a_decimal_comma_and_messages_exist_in_both_languages() -> None:
    assert decimal_text("1234,50") == "1234.50"
    assert decimal_text(" 1.234,50 ", money=True) == "1234.50"
    assert decimal_text("1,234.50", money=True) == "1234.50"
    assert decimal_text("4.250", money=True) == "4250"  # Danish thousands in kroner
    assert decimal_text("55.3959") == "55.3959"  # a point is a decimal point elsewhere
    assert decimal_text("12 000", money=True) == "12000"
    assert not MESSAGE_KEYS - set(STRINGS)


def test_a_vacancy_on_another_associations_unit_is_refused_in_danish(site: Site) -> None:
    """The service's refusal stands next to the field in the page's language."""
    engine = make_engine(site.db_url)
    with engine.connect() as conn:
        foreign = conn.execute(
            select(func.min(Unit.id))
            .join(Department, Department.id == Unit.department_id)
            .where(Department.association_id != site.association_id)
        ).scalar_one()
    engine.dispose()
    session_id = session_cookie(
        site,
        Principal("web-test-association", Role.association, association_id=site.association_id),
    )
    cookies = {"bm_auth": session_id, "bm_sid": "a-session-id", "bm_lang": "da"}
    with httpx.Client(base_url=site.base_url, cookies=cookies) as client:
        form = client.get("/association/report")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
        assert csrf is not None
        refused = client.post(
            "/association/report",
            data={"unit_id": str(foreign), "available_from": SOON, "csrf": csrf.group(1)},
        )
    assert refused.status_code == 422
    message = re.search(r'<p id="unit_id-err" class="field-error">([^<]*)</p>', refused.text)
    assert message is not None and message.group(1) == "Boligen hører ikke til jer."
