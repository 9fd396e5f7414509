"""Allocation staff in Chromium: register a case, find it by search, change it, close it;
each page photographed at 1280 px and at 375 px (a phone) into var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_helpers import Site, demo_sign_in

from kernel.calendar import today as danish_today

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)


def _shoot(page: Page, screenshots: Path, name: str) -> None:
    """The page at each width; at 375 px nothing may stick out sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(screenshots / f"staff-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow} px too wide at {width} px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_staff_create_find_edit_and_close_a_case(page: Page, site: Site, screenshots: Path) -> None:
    today = danish_today()
    demo_sign_in(page, "staff:461")
    page.get_by_role("navigation").get_by_role("link", name="Sager").click()
    expect(page.locator("h1")).to_have_text("Sager")
    expect(page.locator("#case-count")).to_contain_text("30 sager")
    page.get_by_role("link", name="Opret sag").click()
    expect(page.locator("h1")).to_have_text("Opret sag")

    # A CPR number that is no date: said beside the field; what was typed stays.
    page.get_by_label("CPR-nummer").fill("320190-1234")
    page.get_by_label("Navn (valgfri)").fill("Birthe Browsersen")
    page.get_by_label("Voksne").fill("1")
    page.get_by_label("Børn").fill("1")
    page.get_by_label("Indkomsttype 1").select_option("kontanthjaelp")
    page.get_by_label("Beløb, kr./md. 1").fill("11.500")
    page.get_by_label("Situation").select_option("2")
    page.get_by_label("Hjemløs siden").fill((today - dt.timedelta(days=90)).strftime("%d.%m.%Y"))
    page.get_by_label("Frist (løsladelse eller udskrivning) (valgfri)").fill(
        (today + dt.timedelta(days=14)).strftime("%d.%m.%Y")
    )
    page.get_by_label("Støtte").select_option("ICM")
    page.get_by_label("Skal bo i stueetagen").check()
    page.get_by_label("Bydele, der skal undgås (valgfri)").fill("Vollsmose")
    page.get_by_role("button", name="Opret sagen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#cpr-err")).to_have_text(
        "CPR-nummeret begynder ikke med en gyldig dato (DDMMÅÅ)."
    )
    expect(page.get_by_label("Navn (valgfri)")).to_have_value("Birthe Browsersen")
    _shoot(page, screenshots, "case-form-errors")

    page.get_by_label("CPR-nummer").fill("150285-2345")
    page.get_by_role("button", name="Opret sagen").click()
    expect(page.locator(".flash.ok")).to_have_text("Sagen er oprettet.")
    expect(page.locator("h1")).to_contain_text("Sag 461-")
    expect(page.locator("#case-household")).to_have_text("1 voksen, 1 barn")
    expect(page.locator("#case-needs")).to_have_text("stueetage")
    expect(page.locator("#case-avoided")).to_have_text("Vollsmose")
    expect(page.locator("#refusal-status")).to_contain_text("Næste afslag")
    expect(page.locator("#history")).to_contain_text("Sag oprettet")
    expect(page.locator("main")).not_to_contain_text("150285")
    case_ref = page.locator("h1").inner_text().removeprefix("Sag ").strip()
    _shoot(page, screenshots, "case-page")

    # Find it again by a part of the name, among active cases with a deadline.
    page.get_by_role("navigation").get_by_role("link", name="Sager").click()
    page.get_by_label("Sagsnr. eller navn").fill("browsers")
    page.locator("#f-deadline").select_option("within")
    page.get_by_label("Dage til frist").fill("30")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.locator("#case-count")).to_have_text("1 sag")
    row = page.locator("#case-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("ICM – intensiv casemanagement")
    expect(row).to_contain_text((today + dt.timedelta(days=14)).strftime("%d.%m.%Y"))
    _shoot(page, screenshots, "cases-search")
    page.get_by_role("link", name=case_ref).click()

    # Change the household; the form comes filled in.
    page.get_by_role("link", name="Ret sagen").click()
    expect(page.locator("h1")).to_have_text(f"Ret sag {case_ref}")
    expect(page.get_by_label("Navn (valgfri)")).to_have_value("Birthe Browsersen")
    expect(page.get_by_label("CPR-nummer")).to_have_count(0)
    expect(page.get_by_label("Hjemløs siden")).to_have_value(
        (today - dt.timedelta(days=90)).strftime("%d.%m.%Y")
    )
    page.get_by_label("Voksne").fill("2")
    page.get_by_label("Børn").fill("0")
    _shoot(page, screenshots, "case-edit")
    page.get_by_role("button", name="Gem sagen").click()
    expect(page.locator(".flash.ok")).to_have_text("Sagen er gemt.")
    expect(page.locator("#case-household")).to_have_text("2 voksne, 0 børn")
    expect(page.locator("#history")).to_contain_text("Sag ændret")

    # Close it with a reason; it leaves the active list.
    page.locator("#close-reason").select_option("housed_elsewhere")
    page.locator("#close-case").get_by_role("button", name="Luk sagen").click()
    expect(page.locator("#case-status")).to_have_text("lukket")
    expect(page.locator("#history")).to_contain_text("Sag lukket (har fået bolig andetsteds)")
    expect(page.get_by_role("link", name="Ret sagen")).to_have_count(0)
    page.goto("/staff/cases?q=browsers")
    expect(page.locator("#no-cases")).to_be_visible()
    page.goto("/staff/cases?q=browsers&status=closed")
    expect(page.locator("#case-list tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"status=closed"))
