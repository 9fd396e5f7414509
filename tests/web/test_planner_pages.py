"""The planners' pages over HTTP through the real ASGI app (no browser): the shortfall
table by municipality and benefit group, missing data shown as missing, the CSV export
of every table, and a tiny scenario comparison run end to end through the form."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.auth import Principal, Role  # noqa: E402
from api.web.planner import parse_number  # noqa: E402
from api.web.session import AUTH_COOKIE, create_session  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from kernel.db import make_engine, session_factory  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from synthetic.population import generate  # noqa: E402

WORLD = generate(seed=461, n_citizens=30, n_vacancies=10, as_of=dt.date.today())
SMALL = "741"  # Samsø: a small municipality, for a quick simulation


@pytest.fixture
def planner(db_url: str, backend: str) -> Iterator[TestClient]:
    """The app over a database with Odense's homes and cases; signed in as a planner."""
    if backend != "sqlite":
        pytest.skip("page rendering is the same on both; the services are tested on both")
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        load_world(session, WORLD, cpr_secret=get_settings().cpr_hash_secret)
    cookie = create_session(
        session_factory(engine), Principal(subject="planner-test", role=Role.planner), method="test"
    )
    engine.dispose()
    app = create_app(database_url=db_url)
    try:
        with TestClient(app, raise_server_exceptions=True) as client:
            client.cookies.set(AUTH_COOKIE, cookie)
            yield client
    finally:
        app.state.engine.dispose()


def _row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-code="{code}".*?</tr>', html, re.S)
    assert match, code
    return match.group(0)


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row_html, re.S)]


def _csv(response: object) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_shortfall_page_shows_missing_data_as_missing_and_names_the_demand_source(
    planner: TestClient,
) -> None:
    page = planner.get("/planner")
    assert page.status_code == 200
    html = page.text
    assert "mangler data" in html and "Kilde til efterspørgsel" in html
    # Odense has its homes and cases in the system: live demand, a real supply figure.
    odense = _cells(_row(html, "461"))
    assert odense[5] == "kommunens sager"
    assert re.fullmatch(r"\d+(\.\d{3})*,\d", odense[7]), odense  # Danish decimal comma
    # Copenhagen has no homes in the system: supply and gap are missing, not 0 or "0,0".
    copenhagen = _row(html, "101")
    cells = _cells(copenhagen)
    assert cells[5] == "VIVE-tælling"
    assert cells[7] == "–" and cells[8] == "–"
    assert "0,0" not in copenhagen and 'title="mangler data"' in copenhagen
    assert cells[6] == "3.467,5"  # VIVE 2024 (1,387) × 2.5, thousands dot, decimal comma
    assert "1 af 98 kommuner har boligdata" in html
    # The benefit-group section defaults to the municipality with data: Odense.
    assert 'id="groups"' in html and "Pr. ydelsesgruppe: Odense (461)" in html
    for label in ("kontanthjælp under 30 år", "førtidspension", "folkepension"):
        assert label in html
    # Another municipality's groups: every stock figure missing, and the page says why.
    aarhus = planner.get("/planner", params={"municipality": "751"}).text
    groups = re.search(r'<table id="groups">.*?</table>', aarhus, re.S)
    assert groups is not None
    body = groups.group(0).split("<tbody>")[1]
    assert "0,0" not in body and body.count('title="mangler data"') >= 4 * 5
    assert 'id="no-stock"' in aarhus
    # English by the switch.
    english = planner.get("/planner", params={"lang": "en"}).text
    assert "Demand source" in english and "VIVE count" in english and "no data" in english


def test_every_planner_table_downloads_as_csv(planner: TestClient) -> None:
    page = planner.get("/planner").text
    assert 'href="/planner/shortfall.csv"' in page
    assert 'href="/planner/groups.csv?municipality=461"' in page
    response = planner.get("/planner/shortfall.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Danish Excel reads UTF-8
    rows = {r["code"]: r for r in _csv(response)}
    assert len(rows) == 98
    assert rows["461"]["demand_source"] == "live" and rows["101"]["demand_source"] == "vive"
    # Missing is empty and named, never 0.
    assert rows["101"]["supply_per_year"] == "" and rows["101"]["gap_per_year"] == ""
    assert "supply_per_year" in rows["101"]["missing"].split(";")
    assert rows["101"]["kh_under_30_supply_per_year"] == ""
    assert rows["101"]["yearly_demand"] == "3467,5"  # decimal comma, no thousands dot
    assert float(rows["461"]["supply_per_year"].replace(",", ".")) > 0
    assert rows["461"]["missing"] == ""
    # English: commas and decimal points.
    english = _csv(planner.get("/planner/shortfall.csv", params={"lang": "en"}))
    assert {r["code"]: r for r in english}["101"]["yearly_demand"] == "3467.5"

    groups = _csv(planner.get("/planner/groups.csv", params={"municipality": "461"}))
    assert [g["group"] for g in groups] == [
        "kh_under_30",
        "kh_30_plus",
        "foertidspension",
        "folkepension",
    ]
    assert all(g["demand_source"] == "live" for g in groups)
    no_homes = _csv(planner.get("/planner/groups.csv", params={"municipality": "101"}))
    assert all(g["supply_per_year"] == "" and g["affordable_units"] == "" for g in no_homes)
    assert all(g["demand_per_year"] not in ("", "0") for g in no_homes)
    assert planner.get("/planner/groups.csv", params={"municipality": "9999"}).status_code == 404


def test_shortfall_charts_are_pngs_for_the_table_and_one_municipality(
    planner: TestClient,
) -> None:
    for params in ({}, {"municipality": "461"}, {"municipality": "101", "lang": "en"}):
        chart = planner.get("/planner/shortfall.png", params=params)
        assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG"), params
    assert planner.get("/planner/shortfall.png", params={"municipality": "x"}).status_code == 404


def test_parse_number_reads_danish_notation() -> None:
    assert parse_number("0,25", float) == 0.25
    assert parse_number("1.000", int) == 1000
    assert parse_number("2.5", float) == 2.5
    assert parse_number("12", int) == 12
    assert parse_number("1,5", int) is None
    assert parse_number("abc", float) is None


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_scenario_form_offers_the_cli_levers_and_refuses_bad_values(
    planner: TestClient,
) -> None:
    form = planner.get("/planner/scenarios").text
    for name in (
        "months",
        "replications",
        "seed",
        "yearly_factor",
        "exit_mean_days",
        "rounds_per_month",
        "candidate_limit",
        "allocation_share",
        "extra_98e_homes",
        "rent_reduction_dkk",
        "rent_reduction_share",
        "max_rent_share",
        "min_left_per_adult_dkk",
        "decline_rate",
        "max_refusals",
        "refusal_action",
        "baseline",
    ):
        assert f'name="{name}"' in form, name
    assert form.count('name="policy"') == 3 and "først til mølle med hastespor" in form
    bad = planner.post(
        "/planner/scenarios",
        data={
            "csrf": _csrf(form),
            "municipality": [],
            "months": "0",
            "replications": "1",
            "seed": "1",
            "yearly_factor": "2,5",
            "exit_mean_days": "365",
            "rounds_per_month": "2",
            "allocation_share": "1,5",
            "extra_98e_homes": "0",
            "rent_reduction_dkk": "0",
            "rent_reduction_share": "0,15",
            "max_rent_share": "0,45",
            "min_left_per_adult_dkk": "3000",
            "decline_rate": "0,15",
            "max_refusals": "2",
            "refusal_action": "remove",
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert 'id="months-err"' in bad.text and 'id="allocation_share-err"' in bad.text
    assert 'id="municipality-err"' in bad.text and 'id="policy-err"' in bad.text
    assert "Skriv et tal mellem 0,01 og 1" in bad.text


def test_a_tiny_scenario_runs_end_to_end_through_the_page(planner: TestClient) -> None:
    form = planner.get("/planner/scenarios").text
    started = planner.post(
        "/planner/scenarios",
        data={
            "csrf": _csrf(form),
            "municipality": [SMALL],
            "policy": ["optimiser", "fcfs"],
            "months": "3",
            "replications": "2",
            "seed": "7",
            "yearly_factor": "2,5",
            "exit_mean_days": "365,25",
            "rounds_per_month": "2",
            "candidate_limit": "",
            "allocation_share": "0,5",
            "extra_98e_homes": "0",
            "rent_reduction_dkk": "0",
            "rent_reduction_share": "0,15",
            "max_rent_share": "0,45",
            "min_left_per_adult_dkk": "3.000",
            "decline_rate": "0,15",
            "max_refusals": "2",
            "refusal_action": "remove",
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    assert re.fullmatch(r"/planner/scenarios/[0-9a-f]{32}", url)
    deadline = time.monotonic() + 120
    while True:
        status = planner.get(f"{url}/status").text
        if "data-poll" not in status:
            break
        assert time.monotonic() < deadline, "the scenario did not finish in time"
        time.sleep(0.5)
    page = planner.get(url).text
    assert 'id="job-finished"' in page, page[-2000:]
    # The title names the real run in Danish plurals, never "? replication(s)".
    size = re.search(r'<p id="run-size">(.*?)</p>', page, re.S)
    assert size is not None
    assert "Samsø (741)" in size.group(1)
    assert "2 gentagelser, 1 kommune, 3 måneder" in size.group(1)
    assert "?" not in size.group(1) and "replication" not in page
    # The changed lever names the scenarios: levers/optimiser and levers/fcfs.
    pooled = re.findall(r'<tr data-policy="([^"]+)"', page)
    assert pooled == ["levers/fcfs", "levers/optimiser"]
    assert "boligmatch-optimering, ændrede håndtag" in page
    table = re.search(r'<table id="scenario-results">.*?</table>', page, re.S)
    assert table is not None and "(-" not in table.group(0)  # no negative wait bounds
    assert "Median ventetid, dage" in page and "Bolig inden 12 mdr." in page
    groups = re.search(r'<table id="outcome-groups">.*?</table>', page, re.S)
    assert groups is not None
    for dimension in ("Boligsituation", "Aldersgruppe", "Børn i husstanden", "Støttemetode"):
        assert dimension in groups.group(0)
    # Samsø is small: some groups are suppressed, and a suppressed cell is a dash.
    suppressed = re.findall(r'data-suppressed="true">(.*?)</td>', groups.group(0), re.S)
    assert suppressed and all("–" in cell and "0" not in cell for cell in suppressed)
    plot = planner.get(f"{url}/plot.png")
    assert plot.status_code == 200 and plot.content.startswith(b"\x89PNG")
    assert planner.get(f"{url}/plot.png", params={"lang": "en"}).content.startswith(b"\x89PNG")
    # Every table downloads.
    rows = _csv(planner.get(f"{url}/pooled.csv"))
    assert sorted(r["scenario"] for r in rows) == ["levers/fcfs", "levers/optimiser"]
    assert all(r["replications"] == "2" for r in rows)
    group_rows = _csv(planner.get(f"{url}/groups.csv"))
    assert {r["dimension"] for r in group_rows} >= {"situation", "age_band", "children"}
    hidden = [r for r in group_rows if r["suppressed"] == "true"]
    assert hidden and all(r["median_days"] == "" and r["n"] == "" for r in hidden)
    every = _csv(planner.get(f"{url}/outcomes.csv"))
    assert {r["municipality"] for r in every} == {"all", SMALL}
    assert planner.get(f"{url}/nothing.csv").status_code == 404
    # The list of recent runs says the same in words.
    recent = planner.get("/planner/scenarios").text
    assert "2 gentagelser, 1 kommune, 3 måneder" in recent
