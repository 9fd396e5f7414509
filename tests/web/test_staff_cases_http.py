"""Staff's case pages over HTTP through the ASGI app, on SQLite and PostgreSQL: register a
case (and the messages when the CPR number is wrong or the person already has a case),
change it, a stale change, and the list's search, filters, sorting and pages.

The pages call the services of the JSON API; these tests read the database afterwards
to check that what the page said is what happened.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from fastapi.testclient import TestClient  # noqa: E402

from allocation import match_runs, workflow  # noqa: E402
from allocation.cpr import cpr_hash  # noqa: E402
from allocation.models import (  # noqa: E402
    CaseStatus,
    CitizenCase,
    IncomeKind,
    Offer,
    OfferStatus,
    SupportMethod,
)
from api.app import create_app  # noqa: E402
from api.auth import Principal, Role  # noqa: E402
from api.web import staff_cases  # noqa: E402
from api.web.i18n import STRINGS, translator  # noqa: E402
from api.web.session import create_session  # noqa: E402
from boligmatch.loading import load_world  # noqa: E402
from kernel.audit import AuditEvent  # noqa: E402
from kernel.calendar import today as danish_today  # noqa: E402
from kernel.db import make_engine, session_factory  # noqa: E402
from kernel.settings import get_settings  # noqa: E402
from synthetic.population import generate  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
NEW_CPR = "0101901234"  # 1 January 1990, no case in the generated world


@dataclass
class Web:
    client: TestClient
    sessions: sessionmaker[Session]
    world_cprs: list[str]

    def csrf(self, path: str = "/staff/cases/new") -> str:
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        found = CSRF.search(page.text)
        assert found is not None
        return found.group(1)


@pytest.fixture
def web(db_url: str) -> Iterator[Web]:
    """The app on a migrated database with a small generated Odense and a staff session."""
    world = generate(seed=461, n_citizens=12, n_vacancies=4, as_of=danish_today())
    engine = make_engine(db_url)
    with session_factory(engine).begin() as session:
        load_world(session, world, cpr_secret=get_settings().cpr_hash_secret)
    engine.dispose()
    app = create_app(database_url=db_url)
    staff = Principal("staff-test", Role.staff, municipality_code="461")
    session_id = create_session(app.state.sessions, staff, method="test")
    try:
        with TestClient(app, follow_redirects=False) as client:
            client.cookies.set("bm_auth", session_id)
            client.cookies.set("bm_sid", "a-browser-id")
            yield Web(client, app.state.sessions, [c.cpr for c in world.citizens])
    finally:
        app.state.engine.dispose()


def _form(csrf: str, **changes: str) -> dict[str, str]:
    today = danish_today()
    fields = {
        "csrf": csrf,
        "cpr": "010190-1234",
        "case_ref": "",
        "name": "Karen Testesen",
        "adults": "1",
        "children": "2",
        "wealth_dkk": "2.500",
        "income_kind_0": "kontanthjaelp",
        "income_dkk_0": "12.064,50",
        "income_kind_1": "other",
        "income_dkk_1": "500",
        "situation": "3",
        "homeless_since": (today - dt.timedelta(days=200)).strftime("%d.%m.%Y"),
        "registered_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=20)).isoformat(),
        "kontanthjaelp_since": "",
        "support": "SEL85",
        "wheelchair": "on",
        "areas": "Vollsmose, Bolbro",
        "avoid_areas": "Korsløkke",
    }
    return fields | changes


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p id="([a-z_0-9]+)-err" class="field-error">([^<]*)</p>', html))


def _case(web: Web, **where: Any) -> CitizenCase | None:
    with web.sessions() as session:
        query = select(CitizenCase).filter_by(**where)
        case = session.scalars(query).one_or_none()
        if case is not None:
            _ = case.income_items, case.area_preferences  # loaded before the session closes
        return case


def test_staff_register_a_case_and_its_page_shows_it_in_danish(web: Web) -> None:
    form = web.client.get("/staff/cases/new")
    assert form.status_code == 200
    assert 'name="cpr"' in form.text and 'autocomplete="off"' in form.text
    saved = web.client.post("/staff/cases/new", data=_form(web.csrf()))
    assert saved.status_code == 303, _errors(saved.text)
    location = saved.headers["location"]
    assert re.fullmatch(r"/staff/cases/\d+\?done=created", location)

    case = _case(web, name="Karen Testesen")
    assert case is not None and case.case_ref.startswith("461-")
    assert case.cpr_hash == cpr_hash(NEW_CPR, get_settings().cpr_hash_secret)
    assert (case.adults, case.children, case.situation) == (1, 2, 3)
    assert case.wealth_dkk == 2500  # Danish thousands
    assert sorted((i.kind, i.monthly_dkk) for i in case.income_items) == [
        (IncomeKind.kontanthjaelp, 12064.5),
        (IncomeKind.other, 500.0),
    ]
    assert case.support is SupportMethod.SEL85 and case.needs_wheelchair
    assert case.preferred_areas == ["Vollsmose", "Bolbro"]
    assert case.avoided_areas == ["Korsløkke"]
    assert case.homeless_since == danish_today() - dt.timedelta(days=200)

    page = web.client.get(location)
    assert page.status_code == 200
    html = page.text
    assert "Sagen er oprettet." in html
    assert '<dd id="case-household">1 voksen, 2 børn</dd>' in html
    assert "kontanthjælp 12.064" in html and "kontanthjaelp" not in html
    assert "socialpædagogisk støtte (serviceloven § 85)" in html and "SEL85" not in html
    assert '<dd id="case-needs">kørestol</dd>' in html
    assert '<dd id="case-avoided">Korsløkke</dd>' in html
    deadline = danish_today() + dt.timedelta(days=20)
    assert deadline.strftime("%d.%m.%Y") in html and deadline.isoformat() not in html
    # Default policy: two refusals tolerated, then review.
    assert "Næste afslag bliver afslag nr. 1 (kommunens grænse: 2)" in html
    history = html[html.index('id="history"') :]
    assert "Sag oprettet" in history and "case.create" not in history
    assert re.search(r"<td>\d\d\.\d\d\.\d{4} \d\d:\d\d</td><td>Sag oprettet</td>", history)
    # The CPR number is never shown again, in either spelling.
    for spelling in (NEW_CPR, "010190-1234"):
        assert spelling not in html
        assert spelling not in web.client.get(f"/staff/cases/{case.id}/edit").text


def test_a_wrong_cpr_number_is_said_next_to_its_field_with_every_other_message(web: Web) -> None:
    csrf = web.csrf()
    refused = web.client.post(
        "/staff/cases/new",
        data=_form(csrf, cpr="320190-1234", income_dkk_1="mange", adults="0", situation=""),
    )
    assert refused.status_code == 422
    assert _errors(refused.text) == {
        "cpr": "CPR-nummeret begynder ikke med en gyldig dato (DDMMÅÅ).",
        "income_dkk_1": "Skriv et tal, fx 4250,50.",
        "adults": "Skal være mindst 1.",
        "situation": "Skal udfyldes.",
    }
    assert re.search(r'<input id="cpr"[^>]*aria-invalid="true"', refused.text)
    assert 'value="Karen Testesen"' in refused.text  # what was typed comes back
    assert 'value="mange"' in refused.text
    assert _case(web, name="Karen Testesen") is None

    short = web.client.post("/staff/cases/new", data=_form(csrf, cpr="12345"))
    assert _errors(short.text) == {"cpr": "CPR-nummeret skal være 10 cifre, fx 010190-1234."}
    # A CPR-shaped number in the name is refused (it would be stored in clear).
    named = web.client.post("/staff/cases/new", data=_form(csrf, name="Ole 010190-1234"))
    assert _errors(named.text) == {"name": "Må ikke indeholde et CPR-nummer."}
    # The service's own date rule, in words, beside its field.
    late = danish_today() + dt.timedelta(days=3)
    dates = web.client.post("/staff/cases/new", data=_form(csrf, homeless_since=late.isoformat()))
    assert _errors(dates.text) == {
        "homeless_since": "Hjemløsheden kan ikke begynde efter registreringsdatoen."
    }
    # English by the language switch.
    web.client.cookies.set("bm_lang", "en")
    english = web.client.post("/staff/cases/new", data=_form(csrf, cpr="320190-1234"))
    assert _errors(english.text) == {
        "cpr": "The CPR number does not start with a valid date (DDMMYY)."
    }
    assert _case(web, name="Karen Testesen") is None


def test_a_person_with_an_active_case_is_refused_as_409_in_danish(web: Web) -> None:
    existing = web.world_cprs[0]
    refused = web.client.post(
        "/staff/cases/new", data=_form(web.csrf(), cpr=f"{existing[:6]}-{existing[6:]}")
    )
    assert refused.status_code == 409
    assert _errors(refused.text) == {
        "cpr": "Personen har allerede en aktiv sag. Find den under Sager."
    }
    assert _case(web, name="Karen Testesen") is None
    # A case ref already in use is refused the same way, beside the ref.
    taken = _case(web, cpr_hash=cpr_hash(existing, get_settings().cpr_hash_secret))
    assert taken is not None
    again = web.client.post("/staff/cases/new", data=_form(web.csrf(), case_ref=taken.case_ref))
    assert again.status_code == 409
    assert _errors(again.text) == {"case_ref": "En anden sag har allerede dette sagsnummer."}


def _edit_fields(web: Web, case_id: int) -> tuple[dict[str, str], str]:
    """The edit form's fields as the browser would send them unchanged."""
    page = web.client.get(f"/staff/cases/{case_id}/edit")
    assert page.status_code == 200
    html = page.text
    assert 'name="cpr"' not in html  # the CPR number is neither shown nor changeable
    fields = dict(
        re.findall(r'<input id="[^"]*" name="([^"]+)" type="[^"]*" value="([^"]*)"', html)
    )
    fields |= dict(re.findall(r'<input id="([a-z_0-9]+)" name="\1" value="([^"]*)"', html))
    for name, value in re.findall(r'<select id="([a-z_0-9]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', value)
        fields[name] = chosen.group(1) if chosen else ""
    for name in ("wheelchair", "ground_floor", "pets"):
        if re.search(rf'id="{name}" name="{name}" value="on" checked', html):
            fields[name] = "on"
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version is not None
    csrf = CSRF.search(html)
    assert csrf is not None
    return fields | {"version": version.group(1), "csrf": csrf.group(1)}, version.group(1)


def test_staff_edit_a_case_and_a_stale_edit_is_refused_in_danish(web: Web) -> None:
    saved = web.client.post("/staff/cases/new", data=_form(web.csrf()))
    assert saved.status_code == 303
    case = _case(web, name="Karen Testesen")
    assert case is not None
    fields, version = _edit_fields(web, case.id)
    assert fields["name"] == "Karen Testesen" and fields["situation"] == "3"
    assert fields["income_kind_0"] == "kontanthjaelp" and fields["income_dkk_0"] == "12064,50"
    assert fields["wheelchair"] == "on" and fields["areas"] == "Vollsmose, Bolbro"

    changed = fields | {
        "adults": "2",
        "situation": "5",
        "deadline": "",  # cleared
        "support": "CTI",
        "income_kind_1": "",
        "income_dkk_1": "",
        "wheelchair": "",
        "pets": "on",
        "avoid_areas": "",
    }
    changed.pop("wheelchair")
    done = web.client.post(f"/staff/cases/{case.id}/edit", data=changed)
    assert done.status_code == 303, _errors(done.text)
    assert done.headers["location"] == f"/staff/cases/{case.id}?done=saved"
    after = _case(web, id=case.id)
    assert after is not None
    assert (after.adults, after.situation, after.deadline) == (2, 5, None)
    assert after.support is SupportMethod.CTI and after.has_pets and not after.needs_wheelchair
    assert [(i.kind, i.monthly_dkk) for i in after.income_items] == [
        (IncomeKind.kontanthjaelp, 12064.5)
    ]
    assert after.avoided_areas == [] and after.version > int(version)
    page = web.client.get(done.headers["location"]).text
    assert "Sagen er gemt." in page and "2 voksne, 2 børn" in page
    assert "Sag ændret" in page

    # The same form again (opened at the old version): refused, nothing saved, values kept.
    stale = web.client.post(f"/staff/cases/{case.id}/edit", data=changed | {"adults": "3"})
    assert stale.status_code == 412
    assert "Sagen er blevet ændret af en anden, efter du åbnede den. Intet er gemt." in stale.text
    assert re.search(r'<input id="adults" name="adults" type="number" value="3"', stale.text)
    still = _case(web, id=case.id)
    assert still is not None and still.adults == 2 and still.version == after.version
    with web.sessions() as session:
        updates = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "case.update", AuditEvent.entity_id == str(case.id)
            )
        ).all()
        assert len(updates) == 1 and updates[0].actor == "staff-test"

    # A field message on edit, and a closed case cannot be edited any more.
    fields, _ = _edit_fields(web, case.id)
    bad = web.client.post(f"/staff/cases/{case.id}/edit", data=fields | {"registered_on": ""})
    assert bad.status_code == 422 and _errors(bad.text) == {"registered_on": "Skal udfyldes."}
    closed = web.client.post(
        f"/staff/cases/{case.id}/close", data={"csrf": fields["csrf"], "reason": "moved_away"}
    )
    assert closed.status_code == 303
    page = web.client.get(f"/staff/cases/{case.id}").text
    assert "Sag lukket (fraflyttet kommunen)" in page and 'id="edit-case"' not in page
    closed_case = _case(web, id=case.id)
    assert closed_case is not None
    late = web.client.post(
        f"/staff/cases/{case.id}/edit", data=fields | {"version": str(closed_case.version)}
    )
    assert late.status_code == 409
    assert "Sagen er ikke længere aktiv og kan ikke ændres." in late.text


def _listed(web: Web, **params: str) -> list[str]:
    page = web.client.get("/staff/cases", params=params)
    assert page.status_code == 200
    return re.findall(r'<tr data-case-ref="([^"]+)">', page.text)


def _active(web: Web) -> list[CitizenCase]:
    with web.sessions() as session:
        return list(
            session.scalars(select(CitizenCase).where(CitizenCase.status == CaseStatus.active))
        )


def test_the_case_list_searches_filters_sorts_and_pages(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = danish_today()
    with web.sessions.begin() as session:
        cases = list(session.scalars(select(CitizenCase).order_by(CitizenCase.id)))
        cases[0].name = "Åse Mikkelsen"
        cases[1].name = "Mikkel Hansen"
        cases[2].deadline = today + dt.timedelta(days=5)
        cases[3].deadline = today + dt.timedelta(days=60)
        cases[4].status = CaseStatus.closed
        cases[5].support = SupportMethod.ACT
        ref_of = [c.case_ref for c in cases]
    active = _active(web)

    # Text finds a part of a name or of a case ref, in any letter case.
    assert sorted(_listed(web, q="mikkel")) == sorted(ref_of[:2])
    assert _listed(web, q=ref_of[6][-4:].lower()) == [ref_of[6]]
    assert _listed(web, q="%") == []  # no wildcard
    # Situation, support and status.
    situation = active[0].situation
    assert sorted(_listed(web, situation=str(situation))) == sorted(
        c.case_ref for c in active if c.situation == situation
    )
    act = sorted(c.case_ref for c in active if c.support is SupportMethod.ACT)
    assert ref_of[5] in act
    assert sorted(_listed(web, support="ACT", sort="case_ref")) == act
    assert _listed(web, status="closed") == [ref_of[4]]
    assert ref_of[4] not in _listed(web) and ref_of[4] in _listed(web, status="all")
    # Deadlines: any, none, within N days (generated cases may carry their own).
    with_deadline = {c.case_ref for c in _active(web) if c.deadline is not None}
    assert set(_listed(web, deadline="has")) == with_deadline
    assert set(_listed(web, deadline="none")) == {c.case_ref for c in active} - with_deadline
    soon = {
        c.case_ref
        for c in _active(web)
        if c.deadline is not None and c.deadline <= today + dt.timedelta(days=30)
    }
    assert ref_of[2] in soon and ref_of[3] not in soon
    assert set(_listed(web, deadline="within", days="30")) == soon
    # Sorted by the server, both ways; unknown values fall back to the defaults.
    by_ref = sorted(c.case_ref for c in active)
    assert _listed(web, sort="case_ref") == by_ref
    assert _listed(web, sort="case_ref", dir="desc") == by_ref[::-1]
    assert set(_listed(web, sort="cpr_hash", situation="x", status="?")) == set(by_ref)
    # Pages.
    monkeypatch.setattr(staff_cases, "PAGE_SIZE", 4)
    first = web.client.get("/staff/cases", params={"sort": "case_ref"}).text
    assert "Side 1 af 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    pages = [_listed(web, sort="case_ref", page=str(n)) for n in (1, 2, 3)]
    assert [ref for page in pages for ref in page] == by_ref
    assert f"{len(by_ref)} sager" in first
    # Readable names, not codes.
    listing = web.client.get("/staff/cases", params={"q": ref_of[5]}).text
    assert "1 sag" in listing and "ACT – tværfagligt udgående team" in listing
    with web.sessions() as session:
        lists = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.list")).all()
        assert lists and all(e.actor == "staff-test" for e in lists)


def test_every_code_the_case_pages_show_has_a_danish_and_english_name() -> None:
    for kind in IncomeKind:
        assert f"income_{kind.value}" in STRINGS
    for support in SupportMethod:
        assert f"support_{support.value}" in STRINGS
    for action in staff_cases.EVENT_ACTIONS:
        assert f"event_{action.replace('.', '_')}" in STRINGS
    assert not staff_cases.MESSAGE_KEYS - set(STRINGS)


def test_the_case_page_shows_decline_notes_and_what_the_next_refusal_means(web: Web) -> None:
    with web.sessions.begin() as session:
        match_runs.run_match(
            session=session, municipality_code="461", actor="staff-test", as_of=danish_today()
        )
        offer = session.scalars(
            select(Offer).where(Offer.status == OfferStatus.proposed).order_by(Offer.id).limit(1)
        ).one()
        workflow.send_offer(
            session=session, offer_id=offer.id, actor="staff-test", today=danish_today()
        )
        offer_id, case_id = offer.id, offer.case_id
    csrf = web.csrf(f"/staff/cases/{case_id}")
    declined = web.client.post(
        f"/staff/offers/{offer_id}/decline",
        data={
            "csrf": csrf,
            "next": f"/staff/cases/{case_id}",
            "reason": "wrong_area",
            "note": "Vil bo tæt på sin søster",
            "counts": "on",
        },
    )
    assert declined.status_code == 303
    html = web.client.get(f"/staff/cases/{case_id}").text
    assert "Bemærkning: Vil bo tæt på sin søster" in html
    assert "Næste afslag bliver afslag nr. 2 (kommunens grænse: 2); det har ingen følger." in html
    history = html[html.index('id="history"') :]
    for name in ("Tilbud sendt", "Tilbud afslået", "Afslag talt med"):
        assert name in history
    assert f"Tilbud {offer_id}" in history
    assert not re.search(r"\b(offer|case)\.[a-z_]+\b", history)  # no audit codes
    # A second counted refusal: the third would go to review (the default policy).
    with web.sessions.begin() as session:
        case = session.get(CitizenCase, case_id)
        assert case is not None
        case.refused_offers = 2
    html = web.client.get(f"/staff/cases/{case_id}?lang=en").text
    assert (
        "The next refusal means a caseworker must review the case (the municipality&#39;s "
        "limit: 2)." in html
    )


@pytest.fixture
def policies(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings read afresh with the municipality policies a test sets in the environment."""
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("BOLIGMATCH_MUNICIPALITY_POLICIES", raising=False)
    get_settings.cache_clear()


def test_the_refusal_status_follows_the_municipalitys_policy(
    policies: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    da, en = translator("da"), translator("en")
    monkeypatch.setenv(
        "BOLIGMATCH_MUNICIPALITY_POLICIES",
        '{"461": {"refusal": {"max_refusals": 1, "action": "remove"}},'
        ' "101": {"refusal": {"max_refusals": 1, "action": "none"}}}',
    )
    get_settings.cache_clear()
    fresh = CitizenCase(municipality_code="461", refused_offers=0)
    once = CitizenCase(municipality_code="461", refused_offers=1)
    assert staff_cases.refusal_status(da, fresh) == (
        "Næste afslag bliver afslag nr. 1 (kommunens grænse: 1); det har ingen følger."
    )
    assert staff_cases.refusal_status(da, once) == (
        "Næste afslag betyder, at sagen fjernes fra listen (kommunens grænse: 1)."
    )
    assert staff_cases.refusal_status(en, once).startswith(
        "The next refusal means the case is removed"
    )
    lenient = CitizenCase(municipality_code="101", refused_offers=5)
    assert staff_cases.refusal_status(da, lenient) == (
        "Afslag har ingen følger efter kommunens regler."
    )


def test_dates_times_and_households_read_the_danish_way() -> None:
    da, en = translator("da"), translator("en")
    assert staff_cases.da_date(dt.date(2026, 10, 23)) == "23.10.2026"
    assert staff_cases.da_date(None) == "–"
    # Stored times are UTC (naive from SQLite); Denmark is UTC+2 in summer, UTC+1 in winter.
    assert staff_cases.local_time(dt.datetime(2026, 10, 23, 12, 5)) == "23.10.2026 14:05"
    assert staff_cases.local_time(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)) == (
        "02.12.2026 00:30"
    )
    assert staff_cases.household_text(da, 1, 1) == "1 voksen, 1 barn"
    assert staff_cases.household_text(da, 2, 0) == "2 voksne, 0 børn"
    assert staff_cases.household_text(en, 1, 3) == "1 adult, 3 children"
    assert staff_cases.date_text("3.4.2026") == "2026-04-03"
    assert staff_cases.date_text("2026-04-03") == "2026-04-03"
