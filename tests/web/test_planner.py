"""A planner in the browser: the sortable shortfall table with its charts and benefit
groups, the CSV export, and a scenario comparison that shows progress, then its outcome
tables and plot. Screenshots at 1280 and 375 px go to var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_helpers import Site, demo_sign_in

pytestmark = pytest.mark.browser


def _numbers(page: Page, column: int) -> list[float]:
    values = page.locator("#shortfall tbody tr").evaluate_all(
        f"rows => rows.map(r => r.cells[{column}].dataset.value ?? '')"
    )
    return [float(v) for v in values if v != ""]


def _shoot(page: Page, screenshots: Path, name: str) -> None:
    """Full-page screenshots at a laptop's 1280 px and a phone's 375 px."""
    for width, height in ((1280, 800), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_planner_sorts_the_shortfall_table_and_runs_a_scenario(
    page: Page, site: Site, screenshots: Path
) -> None:
    demo_sign_in(page, "planner")
    expect(page).to_have_url(re.compile(r"/planner$"))
    rows = page.locator("#shortfall tbody tr")
    expect(rows).to_have_count(98)
    # Largest gap first by default; Odense's row carries the live figures.
    gaps = _numbers(page, 8)
    assert gaps == sorted(gaps, reverse=True)
    odense = page.locator("#shortfall tbody tr[data-code='461']")
    expect(odense).to_contain_text("Odense")
    expect(odense.locator("td").nth(4)).to_have_text("95")  # VIVE 2024
    chart = page.locator("#shortfall-chart")
    expect(chart).to_be_visible()
    page.wait_for_function("() => document.querySelector('#shortfall-chart').naturalWidth > 0")
    page.wait_for_function("() => document.querySelector('#groups-chart').naturalWidth > 0")
    # Copenhagen has no homes in the system: its supply is missing, not "0,0".
    copenhagen = page.locator("#shortfall tbody tr[data-code='101']")
    expect(copenhagen.locator("td").nth(7)).to_have_text("–")
    expect(copenhagen.locator("td").nth(5)).to_have_text("VIVE-tælling")
    expect(odense.locator("td").nth(5)).to_have_text("kommunens sager")
    expect(page.locator("#groups tbody tr")).to_have_count(4)
    _shoot(page, screenshots, "planner-start")
    with page.expect_download() as download:
        page.locator("#shortfall-csv").click()
    text = Path(download.value.path()).read_text("utf-8-sig")
    assert text.startswith("code;name;region") and text.count("\n") >= 98

    # Click "Hjemløse 2024" twice: ascending, then descending.
    header = page.get_by_role("button", name="Sortér efter Hjemløse 2024")
    header.click()
    counts = _numbers(page, 4)
    assert counts == sorted(counts)
    expect(page.locator("#shortfall thead th").nth(4)).to_have_attribute("aria-sort", "ascending")
    header.click()
    counts = _numbers(page, 4)
    assert counts == sorted(counts, reverse=True) and counts[0] > 1000  # Copenhagen
    expect(rows.first).to_contain_text("København")
    # Without JavaScript the server sorts the same way.
    page.goto("/planner?sort=name&dir=asc")
    names = rows.evaluate_all("rows => rows.map(r => r.cells[1].textContent.trim())")
    assert names[0] == "Aabenraa"

    # A scenario comparison: progress while it runs, then the table and the plot.
    page.get_by_role("link", name="Scenarier").click()
    _shoot(page, screenshots, "planner-scenarios")
    page.locator("#months").fill("0")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#months-err")).to_contain_text("mellem 1 og 60")
    page.locator("#municipality").select_option("461")
    page.locator("#months").fill("6")
    page.locator("#replications").fill("2")
    page.locator("#decline_rate").fill("0,2")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/planner/scenarios/[0-9a-f]{32}$"))
    expect(page.locator("#run-size")).to_contain_text("2 gentagelser, 1 kommune, 6 måneder")
    expect(page.locator("#job-progress, #job-finished").first).to_be_visible()
    expect(page.locator("#job-finished")).to_be_visible(timeout=90_000)
    results = page.locator("#scenario-results tbody tr")
    expect(results).to_have_count(3)
    policies = results.evaluate_all("rows => rows.map(r => r.dataset.policy)")
    assert sorted(policies) == ["levers/fcfs", "levers/greedy", "levers/optimiser"]
    expect(results.first.locator("td").nth(0)).to_have_text(re.compile(r"^\d+(\.\d{3})*$"))
    expect(page.locator("#outcome-groups tbody tr").first).to_be_visible()
    page.wait_for_function("() => document.querySelector('#scenario-plot').naturalWidth > 0")
    _shoot(page, screenshots, "planner-scenario-result")
