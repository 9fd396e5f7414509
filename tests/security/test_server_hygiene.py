"""Probes of the server itself: body limit, security headers (API, pages, /docs), 503 while
the database is down, and secrets that never reach the output."""

from __future__ import annotations

import os
import select as select_module
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import Probe, seed
from fastapi.testclient import TestClient
from playwright.sync_api import Browser
from sqlalchemy.engine import make_url

from api.app import create_app
from api.auth import Role, issue_token
from api.hardening import CONTENT_SECURITY_POLICY
from kernel.settings import DEVELOPMENT_SECRET, Settings, get_settings

ROOT = Path(__file__).resolve().parents[2]
STAFF = {
    "Authorization": "Bearer "
    + issue_token(subject="staff-461", role=Role.staff, municipality_code="461")
}


@contextmanager
def served(app: object) -> Iterator[int]:
    """``app`` on uvicorn on a free loopback port (for raw-socket probes)."""
    import uvicorn

    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- body size ----------------------------------------------------------------------------


def test_a_declared_oversize_body_is_refused_before_it_is_sent(probe: Probe) -> None:
    with served(probe.app) as port, socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(
            b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: {STAFF['Authorization']}\r\n".encode()
            + b"Content-Length: 104857600\r\n\r\n{"  # 100 MB announced, one byte sent
        )
        conn.settimeout(5)
        received = b""
        while chunk := conn.recv(65536):  # the server closes after its answer
            received += chunk
        answer = received.decode()
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413"), head
    assert "content-type: application/problem+json" in head.lower()
    assert "content-too-large" in body


def test_a_streamed_oversize_body_is_cut_off(probe: Probe) -> None:
    limit = get_settings().max_request_bytes

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    answer = probe.request(
        "staff",
        "POST",
        "/api/v1/cases",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["type"].endswith("/content-too-large")
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_bodies_within_the_limit_still_work(probe: Probe) -> None:
    answer = probe.request("staff", "POST", "/api/v1/cases", json={"cpr": "x"})
    assert answer.status_code == 422  # parsed and validated, not refused for its size


# --- headers ------------------------------------------------------------------------------

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize(
    ("who", "path", "status", "no_store"),
    [
        ("staff", "/api/v1/cases", 200, True),
        ("staff", "/api/v1/vacancies", 200, True),
        (None, "/api/v1/cases", 401, True),
        ("staff", "/api/v1/cases/999999", 404, True),
        (None, "/login", 200, True),
        (None, "/docs", 200, True),
        (None, "/openapi.json", 200, True),
        (None, "/health", 200, True),
        (None, "/static/web/app.js", 200, False),
        (None, "/docs/assets/swagger-ui-bundle.js", 200, False),
    ],
)
def test_every_response_carries_the_security_headers(
    probe: Probe, who: str | None, path: str, status: int, no_store: bool
) -> None:
    answer = probe.request(who, "GET", path)
    assert answer.status_code == status, answer.text[:300]
    for name, value in HEADERS.items():
        assert answer.headers[name] == value, name
    assert "strict-transport-security" not in answer.headers  # development
    if no_store:
        assert answer.headers["cache-control"] == "no-store"
    else:
        assert answer.headers["cache-control"].startswith("public")


def test_csp_has_no_inline_scripts_and_forbids_framing() -> None:
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_templates_hold_no_inline_script_or_style() -> None:
    import re

    templates = ROOT / "api" / "web" / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    found = {
        path.name: match.group(0)
        for path in templates.glob("*.html")
        if (match := inline.search(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_docs_need_no_cdn(probe: Probe) -> None:
    page = probe.request(None, "GET", "/docs").text
    assert "http" not in page.replace('xmlns="http', "")  # every asset from this server
    assert "<script>" not in page


def test_hsts_in_production_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BOLIGMATCH_ENVIRONMENT", "production")
    get_settings.cache_clear()
    try:
        app = create_app(database_url=f"sqlite:///{tmp_path / 'p.db'}")
        with TestClient(app) as client:
            answer = client.get("/health")
        assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
        app.state.engine.dispose()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


@pytest.mark.browser
def test_docs_render_in_chromium_without_csp_violations(probe: Probe, browser: Browser) -> None:
    if probe.db_url.startswith("postgresql"):
        pytest.skip("the browser probe runs once, on SQLite")
    with served(probe.app) as port:
        page = browser.new_page()
        try:
            page.add_init_script(
                "window.__csp = [];"
                "document.addEventListener('securitypolicyviolation',"
                " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            for path in ("/docs", "/login"):
                page.goto(f"http://127.0.0.1:{port}{path}")
                if path == "/docs":
                    page.wait_for_selector(".opblock", timeout=20_000)
                    page.locator(".opblock-summary").first.click()
                page.wait_for_timeout(300)
                assert page.evaluate("window.__csp") == [], path
        finally:
            page.close()


# --- the database goes away ---------------------------------------------------------------


def _assert_unavailable(answer: object) -> None:
    from httpx import Response

    assert isinstance(answer, Response)
    assert answer.status_code == 503, answer.text[:300]
    assert answer.headers["retry-after"].isdigit()
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/service-unavailable")
    assert answer.headers["x-content-type-options"] == "nosniff"


class _Proxy:
    """A TCP forwarder in front of PostgreSQL that can be stopped: a database outage."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while self.running:
                ready, _, _ = select_module.select([a, b], [], [], 0.2)
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except OSError:
            return

    def stop(self) -> None:
        self.running = False
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept(): the port now refuses
        self.listener.close()
        for conn in self.connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass


def test_database_outage_answers_503_with_retry_after(db_url: str, tmp_path: Path) -> None:
    seed(db_url)
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        live = tmp_path / "live.db"
        shutil.copyfile(url.database, live)
        app = create_app(database_url=f"sqlite:///{live}")
    else:
        proxy = _Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxied = url.set(host="127.0.0.1", port=proxy.port)
        app = create_app(database_url=proxied.render_as_string(hide_password=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/cases", headers=STAFF).status_code == 200
        # the database goes away: the file becomes unreadable / the server stops answering
        if url.get_backend_name() == "sqlite":
            live.unlink()
            live.mkdir()
        else:
            proxy.stop()
        app.state.engine.dispose()
        _assert_unavailable(client.get("/api/v1/cases", headers=STAFF))
        _assert_unavailable(
            client.post(
                "/api/v1/cases",
                headers=STAFF,
                json={"cpr": "0101901234", "situation": 2, "homeless_since": "2025-01-15"},
            )
        )
        _assert_unavailable(client.get("/login"))
    app.state.engine.dispose()


def test_an_unreachable_database_answers_503(tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again: nothing listens there
    for url in (
        f"postgresql+psycopg://boligmatch@127.0.0.1:{port}/nowhere",
        f"sqlite:///{tmp_path}",  # a directory, not a database file
    ):
        app = create_app(database_url=url)
        with TestClient(app, raise_server_exceptions=False) as client:
            _assert_unavailable(client.get("/api/v1/cases", headers=STAFF))
        app.state.engine.dispose()


# --- environments and secrets -------------------------------------------------------------


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``boligmatch serve`` in a fresh process with only ``env`` as BOLIGMATCH settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMATCH_")}
    return subprocess.run(
        [sys.executable, "-c", "from boligmatch.cli import main; main()", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        check=False,
    )


def test_a_start_up_error_prints_no_secret() -> None:
    secret = "short-but-secret-Xq7Zk"
    done = _serve(
        {
            "BOLIGMATCH_ENVIRONMENT": "production",
            "BOLIGMATCH_CPR_HASH_SECRET": secret,
            "BOLIGMATCH_JWT_SECRET": "j" * 40,
        }
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "BOLIGMATCH_CPR_HASH_SECRET must be set to a secret of at least 32" in output
    for part in (secret, secret[-4:], "j" * 8):
        assert part not in output
    assert "Traceback" not in output


def test_the_test_environment_is_gone() -> None:
    done = _serve({"BOLIGMATCH_ENVIRONMENT": "test"})
    assert done.returncode != 0
    assert "BOLIGMATCH_ENVIRONMENT: Input should be 'development' or 'production'" in done.stderr


def test_development_with_default_secrets_serves_loopback_only() -> None:
    done = _serve({"BOLIGMATCH_ENVIRONMENT": "development"}, "--host", "0.0.0.0")
    assert done.returncode != 0
    assert "lytter ikke på 0.0.0.0 med udviklingshemmelighederne" in done.stderr
    assert DEVELOPMENT_SECRET not in done.stderr


def test_production_refuses_the_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOLIGMATCH_ENVIRONMENT", "production")
    monkeypatch.setenv("BOLIGMATCH_CPR_HASH_SECRET", DEVELOPMENT_SECRET)
    monkeypatch.setenv("BOLIGMATCH_JWT_SECRET", DEVELOPMENT_SECRET)
    with pytest.raises(ValueError) as refused:
        Settings()
    assert DEVELOPMENT_SECRET not in str(refused.value)


def test_settings_repr_holds_no_secret() -> None:
    settings = get_settings()
    assert settings.cpr_hash_secret not in repr(settings)
    assert settings.jwt_secret not in repr(settings)
