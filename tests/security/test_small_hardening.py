"""Leftovers of issue 13: a silent database answers 503 within the connect timeout,
readiness says when to come back, CPR numbers in any script leave no log, an ETag of
other scripts' digits is no version, and the upload limit is the importer's limit."""

from __future__ import annotations

import io
import json
import logging
import socket
import time
from collections.abc import Iterator

import pytest
from conftest import Probe
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.auth import Role, issue_token
from api.deps import expected_version
from api.errors import ProblemError
from api.routes import vacancies as vacancy_routes
from inventory import importer
from kernel.db import CONNECT_TIMEOUT_SECONDS, make_engine
from kernel.logging import REDACTED, JsonFormatter, RedactCPR, redact

V = "/api/v1/vacancies"


# --- the database does not answer -------------------------------------------------------


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose listener completes TCP handshakes and then never says a word: a
    database behind a network that swallows packets, as libpq sees it."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield listener.getsockname()[1]


def _assert_unavailable(answer: object) -> None:
    from httpx import Response

    assert isinstance(answer, Response)
    assert answer.status_code == 503, answer.text[:300]
    assert answer.headers["retry-after"].isdigit()
    assert answer.headers["content-type"] == "application/problem+json"


def test_postgresql_connections_give_up_after_the_connect_timeout(silent_port: int) -> None:
    engine = make_engine(f"postgresql+psycopg://boligmatch@127.0.0.1:{silent_port}/nowhere")
    started = time.monotonic()
    with pytest.raises(OperationalError), engine.connect():
        pass
    assert time.monotonic() - started < CONNECT_TIMEOUT_SECONDS + 3
    engine.dispose()


def test_a_timeout_in_the_url_is_kept() -> None:
    engine = make_engine("postgresql+psycopg://u@127.0.0.1:1/db?connect_timeout=2")
    _, params = engine.dialect.create_connect_args(engine.url)
    assert params["connect_timeout"] in ("2", 2)
    engine.dispose()
    engine = make_engine("postgresql+psycopg://u@127.0.0.1:1/db")
    assert engine.dialect.create_connect_args(engine.url)[1].get("connect_timeout") is None
    engine.dispose()  # (the default comes through connect_args, checked above by timing)


def test_a_silent_database_answers_503_quickly(silent_port: int) -> None:
    app = create_app(database_url=f"postgresql+psycopg://boligmatch@127.0.0.1:{silent_port}/x")
    token = issue_token(subject="staff-461", role=Role.staff, municipality_code="461")
    staff = {"Authorization": f"Bearer {token}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/health/ready", "/api/v1/vacancies"):
            started = time.monotonic()
            _assert_unavailable(client.get(path, headers=staff))
            assert time.monotonic() - started < CONNECT_TIMEOUT_SECONDS + 3, path
    app.state.engine.dispose()


def test_readiness_says_when_to_come_back(tmp_path: object) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again: nothing listens there
    app = create_app(database_url=f"postgresql+psycopg://boligmatch@127.0.0.1:{port}/nowhere")
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/health/ready")
        _assert_unavailable(answer)
        assert answer.json()["type"].endswith("/service-unavailable")
        documented = app.openapi()["paths"]["/health/ready"]["get"]["responses"]["503"]
        assert "Retry-After" in documented["headers"]
    app.state.engine.dispose()


# --- CPR numbers in logs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "cpr",
    [
        "120588-4321",
        "1205884321",
        "１２０５８８－４３２１",  # full-width digits and dash
        "١٢٠٥٨٨-٤٣٢١",  # Arabic-Indic digits
        "१२०५८८४३२१",  # Devanagari digits
        "120588\u20104321",  # hyphen
        "120588\u20114321",  # non-breaking hyphen
        "120588\u20134321",  # en dash
        "120588\u22124321",  # minus sign
        "120588 4321",
        "120588\u00a04321",  # no-break space
    ],
)
def test_cpr_numbers_in_any_script_are_redacted(cpr: str) -> None:
    assert redact(f"case for {cpr}, please") == f"case for {REDACTED}, please"
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "lookup %s", (cpr,), None)
    RedactCPR().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == f"lookup {REDACTED}"


def test_redaction_keeps_everything_else() -> None:
    text = "ﬁle ① ２０２６-０３-０１ 12345 request 1234567 took 0.25 s ｜ ok"
    assert redact(text) == text
    assert redact("a １２０５８８－４３２１ b ﬁ") == f"a {REDACTED} b ﬁ"


# --- ETags ----------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ['"١"', '"１"', "١", '"٣٤"', '"१"'])
def test_an_etag_in_other_scripts_digits_is_not_a_version(tag: str) -> None:
    """``\\d`` read ``"١"`` as version 1. Over HTTP, header bytes arrive as Latin-1 (no
    decimal digits beyond ASCII), so the parser is probed directly."""
    with pytest.raises(ProblemError) as caught:
        expected_version(tag)
    assert caught.value.status == 412


def test_a_strong_etag_is_a_version() -> None:
    assert expected_version('"17"') == 17
    assert expected_version(" 3 ") == 3


# --- one upload limit -----------------------------------------------------------------


def test_the_upload_limit_is_the_importers_limit(probe: Probe) -> None:
    limit = importer.MAX_FILE_BYTES
    assert limit == vacancy_routes.MAX_UPLOAD_BYTES

    def upload(size: int) -> object:
        data = b"unit_ref\n" + b"x" * (size - len(b"unit_ref\n"))
        files = {"file": ("list.csv", io.BytesIO(data), "text/csv")}
        return probe.request("association", "POST", f"{V}/import", files=files)

    over = upload(limit + 1)
    assert over.status_code == 413, over.text  # type: ignore[attr-defined]
    assert f"{limit // 1_048_576} MB" in over.json()["detail"]  # type: ignore[attr-defined]
    at = upload(limit)
    assert at.status_code == 422, at.text  # type: ignore[attr-defined]  # read by the importer
