"""Web sessions as an operator and the pages see them: revoked by the command line,
refused once revoked or expired, never holding a token; the OIDC settings check."""

from __future__ import annotations

import datetime as dt

import pytest
from api_testkit import Api
from pydantic import ValidationError
from sqlalchemy import select, update
from typer.testing import CliRunner

from api.auth import Principal, Role
from api.models import WebSession
from api.web.session import create_session, principal_of_session
from boligmatch.cli import _register
from boligmatch.cli import app as cli
from kernel.db import utcnow
from kernel.settings import OidcSettings, get_settings

KIM = Principal("oidc:kim@odense.dk", Role.staff, municipality_code="461")


def test_sessions_revoke_ends_every_session_of_a_person(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    kims = [create_session(api.sessions, KIM, method="oidc") for _ in range(2)]
    other = create_session(api.sessions, Principal("oidc:bo", Role.planner), method="oidc")
    api.client.cookies.set("bm_auth", kims[0])
    assert api.client.get("/staff", follow_redirects=False).status_code == 200

    url = api.app.state.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        _register()
        done = CliRunner().invoke(cli, ["sessions", "revoke", "--subject", KIM.subject])
        assert done.exit_code == 0, done.output
        assert f"2 sessioner for {KIM.subject} er afsluttet" in done.output
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert [principal_of_session(api.sessions, s) for s in kims] == [None, None]
    assert principal_of_session(api.sessions, other) == Principal("oidc:bo", Role.planner)
    refused = api.client.get("/staff", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


def test_a_session_row_holds_no_credential_and_ends_on_time(api: Api) -> None:
    session_id = create_session(
        api.sessions, KIM, method="token", expires_at=utcnow() + dt.timedelta(minutes=5)
    )
    with api.sessions() as s:
        row = s.scalars(select(WebSession)).one()
        assert session_id not in str(vars(row)) and len(row.id_hash) == 64
        expires = row.expires_at.replace(tzinfo=dt.UTC)
    assert dt.timedelta(minutes=4) < expires - utcnow() <= dt.timedelta(minutes=5)  # capped
    assert principal_of_session(api.sessions, session_id) == KIM
    with api.sessions() as s, s.begin():
        s.execute(update(WebSession).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    assert principal_of_session(api.sessions, session_id) is None


def test_a_pasted_token_signs_in_with_a_session_not_the_token(api: Api) -> None:
    from api.auth import issue_token

    token = issue_token(subject="paste", role=Role.planner, ttl_minutes=3)
    page = api.client.get("/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    signed_in = api.client.post(
        "/login", data={"token": token, "csrf": csrf}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    cookie = signed_in.cookies["bm_auth"]
    assert cookie != token and "." not in cookie
    with api.sessions() as s:
        row = s.scalars(select(WebSession)).one()
    assert (row.subject, row.method) == ("paste", "token")
    assert row.expires_at.replace(tzinfo=dt.UTC) - utcnow() <= dt.timedelta(minutes=3)


def test_oidc_issuer_and_client_id_go_together() -> None:
    assert not OidcSettings().configured
    assert OidcSettings(issuer="https://login.example.dk", client_id="bm").configured
    with pytest.raises(ValidationError, match="go together"):
        OidcSettings(issuer="https://login.example.dk")
