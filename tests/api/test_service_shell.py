"""The service shell: problem+json for every error, health checks, OpenAPI, credentials CLI."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from api_testkit import Api
from fastapi import APIRouter
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.auth import principal_from_token
from boligmatch.cli import _register
from boligmatch.cli import app as cli
from kernel.settings import get_settings

PROBLEM = "application/problem+json"


def test_health_needs_no_credentials(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    ready = api.client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}


def test_readiness_is_503_when_the_database_is_gone() -> None:
    app = create_app(database_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/health").status_code == 200
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "https://boligmatch.dk/problems/service-unavailable"
    assert "nobody" not in response.text and "psycopg" not in response.text


def test_framework_errors_are_problems(api: Api) -> None:
    unknown = api.request("staff", "GET", "/api/v1/no-such-thing")
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    assert unknown.json() == {
        "type": "https://boligmatch.dk/problems/not-found",
        "title": "Findes ikke",  # Danish unless the caller asks for English
        "status": 404,
        "instance": "/api/v1/no-such-thing",
    }
    wrong_method = api.request("staff", "DELETE", "/api/v1/vacancies")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"] == PROBLEM
    assert "GET" in wrong_method.headers["allow"]
    invalid = api.request("staff", "GET", "/api/v1/vacancies?limit=abc&kind=castle")
    assert invalid.status_code == 422 and invalid.headers["content-type"] == PROBLEM
    fields = {e["field"] for e in invalid.json()["errors"]}
    assert fields == {"query.limit", "query.kind"}
    broken = api.request(
        "staff",
        "POST",
        "/api/v1/cases",
        content=b"\xff\xfe{",
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 422 and broken.headers["content-type"] == PROBLEM


def test_problems_speak_the_language_the_caller_asks_for(api: Api) -> None:
    """Titles, details and field problems in Danish by default, English by Accept-Language."""
    path = "/api/v1/vacancies?limit=abc&kind=castle"
    danish = api.request("staff", "GET", path)
    english = api.request("staff", "GET", path, headers={"Accept-Language": "en-GB,da;q=0.5"})
    assert danish.headers["content-language"] == "da"
    assert english.headers["content-language"] == "en"
    assert "Accept-Language" in danish.headers["vary"]
    assert (danish.json()["title"], english.json()["title"]) == (
        "Ugyldig forespørgsel",
        "Invalid request",
    )
    assert danish.json()["detail"] == "Forespørgslen har ugyldige eller manglende felter."
    problems = {e["field"]: e["problem"] for e in danish.json()["errors"]}
    assert problems["query.limit"] == "skal være et helt tal"
    assert problems["query.kind"].startswith("skal være en af: ")
    assert "Input should be" in english.json()["errors"][0]["problem"]
    # A domain error: the case that is not there (or not this municipality's).
    missing = api.request("staff", "GET", "/api/v1/cases/987654")
    missing_en = api.request(
        "staff", "GET", "/api/v1/cases/987654", headers={"Accept-Language": "en"}
    )
    assert (missing.json()["title"], missing.json()["detail"]) == (
        "Findes ikke",
        "Sagen findes ikke.",
    )
    assert (missing_en.json()["title"], missing_en.json()["detail"]) == (
        "Not Found",
        "No such case.",
    )


def test_unexpected_errors_leak_nothing(api: Api) -> None:
    app = create_app(database_url="sqlite://")
    boom = APIRouter()

    @boom.get("/api/v1/boom")
    def explode() -> None:
        raise RuntimeError("secret internals for CPR 0101901234 at /srv/db")

    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500 and response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "https://boligmatch.dk/problems/internal-error"
    assert "secret" not in response.text and "0101901234" not in response.text
    assert "Traceback" not in response.text


def test_openapi_documents_problem_responses(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert "Problem" in schema["components"]["schemas"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    patch = schema["paths"]["/api/v1/vacancies/{vacancy_id}"]["patch"]
    assert {"401", "403", "404", "409", "412", "422", "428"} <= set(patch["responses"])
    for status in ("412", "428"):
        assert set(patch["responses"][status]["content"]) == {PROBLEM}
    assert api.client.get("/docs").status_code == 200


def test_tokens_are_signed_and_scoped() -> None:
    from api.auth import Role, issue_token

    with pytest.raises(ValueError, match="municipality"):
        issue_token(subject="s", role=Role.staff)
    with pytest.raises(ValueError, match="association"):
        issue_token(subject="a", role=Role.association)
    token = issue_token(subject="s", role=Role.staff, municipality_code="461", ttl_minutes=5)
    claims = jwt.decode(token, get_settings().jwt_secret, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 300
    principal = principal_from_token(token)
    assert (principal.subject, principal.role, principal.municipality_code) == ("s", "staff", "461")


def test_cli_token_and_api_keys(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    _register()
    made = runner.invoke(
        cli, ["token", "--role", "staff", "--municipality", "461", "--subject", "kim@odense.dk"]
    )
    assert made.exit_code == 0, made.output
    assert principal_from_token(made.output.strip()).municipality_code == "461"
    refused = runner.invoke(cli, ["token", "--role", "staff", "--subject", "kim"])
    assert refused.exit_code == 2

    url = str(api.app.state.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BOLIGMATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        created = runner.invoke(cli, ["api-key", "create", "--association", api.association_name])
        assert created.exit_code == 0, created.output
        key = created.output.strip()
        assert key.startswith("bm_")
        listed = api.client.get("/api/v1/vacancies", headers={"Authorization": f"Bearer {key}"})
        assert listed.status_code == 200
        assert {v["unit"]["association_id"] for v in listed.json()["items"]} == {api.association_id}
        prefix = key.removeprefix("bm_").split("_")[0]
        assert runner.invoke(cli, ["api-key", "revoke", prefix]).exit_code == 0
        assert api.client.get("/api/v1/vacancies", headers={"X-API-Key": key}).status_code == 401
        unknown = runner.invoke(cli, ["api-key", "create", "--association", "Nobody"])
        assert unknown.exit_code == 1
    finally:
        get_settings.cache_clear()
