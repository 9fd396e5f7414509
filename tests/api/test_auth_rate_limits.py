"""Rate limits: changing requests per credential, sign-in attempts per address.

Over the limit the answer is 429 problem+json with ``Retry-After``; other
credentials, and reads, go on unhindered. The limits are settings; the buckets
refill at the per-minute rate (checked with a fake clock).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from api_testkit import Api

from api.auth import Principal, Role
from api.ratelimit import RateLimiter
from api.web.session import create_session
from kernel.settings import get_settings

RUNS = "/api/v1/match-runs"


@pytest.fixture
def tight_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Three changing requests at once, then one a minute; three sign-in attempts."""
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__WRITES_BURST", "3")
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__WRITES_PER_MINUTE", "1")
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__SIGN_IN_BURST", "3")
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__SIGN_IN_PER_MINUTE", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_writes_are_limited_per_credential(api: Api, tight_limits: None) -> None:
    for _ in range(3):
        assert api.request("staff", "POST", RUNS, json={}).status_code == 201
    refused = api.request("staff", "POST", RUNS, json={})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"] == "https://boligmatch.dk/problems/too-many-requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Reads by the same credential, and writes by other credentials, go on.
    assert api.request("staff", "GET", RUNS).status_code == 200
    assert api.request("staff_other", "POST", RUNS, json={}).status_code == 201
    vacancy = api.own_vacancy_ids(api.key_association_id)
    if vacancy:
        withdrawn = api.request("api_key", "POST", f"/api/v1/vacancies/{vacancy[0]}/withdraw")
        assert withdrawn.status_code != 429


def test_an_api_key_has_its_own_write_limit(api: Api, tight_limits: None) -> None:
    answers = [
        api.request("api_key", "POST", "/api/v1/vacancies", json={}).status_code for _ in range(4)
    ]
    assert answers[:3] == [422] * 3 and answers[3] == 429  # counted, even when refused
    assert api.request("association", "POST", "/api/v1/vacancies", json={}).status_code == 422


def test_a_limit_of_zero_switches_it_off(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__WRITES_BURST", "1")
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__WRITES_PER_MINUTE", "0")
    get_settings.cache_clear()
    try:
        assert [api.request("staff", "POST", RUNS, json={}).status_code for _ in range(3)] == [
            201
        ] * 3
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_sign_in_attempts_are_limited_per_address(api: Api, tight_limits: None) -> None:
    login = api.client.get("/login")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', login.text)
    assert csrf is not None
    guesses = [
        api.client.post("/login", data={"token": f"guess-{n}", "csrf": csrf.group(1)})
        for n in range(4)
    ]
    assert [g.status_code for g in guesses[:3]] == [400] * 3
    assert guesses[3].status_code == 429 and int(guesses[3].headers["retry-after"]) >= 1
    assert "For mange loginforsøg" in guesses[3].text


def test_web_writes_are_limited_per_session(api: Api, tight_limits: None) -> None:
    session_id = create_session(
        api.sessions, Principal("web-writer", Role.staff, municipality_code="461"), method="test"
    )
    api.client.cookies.set("bm_auth", session_id)
    page = api.client.get("/staff")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf is not None
    posts = [
        api.client.post("/staff/match", data={"csrf": csrf.group(1)}, follow_redirects=False)
        for _ in range(4)
    ]
    assert [p.status_code for p in posts[:3]] == [303] * 3
    assert posts[3].status_code == 429 and posts[3].headers["retry-after"]
    assert api.client.get("/staff").status_code == 200  # reading goes on


def test_the_openapi_document_names_429_on_every_change(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                assert "429" in operation["responses"], f"{method} {path}"
                assert "Retry-After" in operation["responses"]["429"]["headers"]
            elif method == "get":
                assert "429" not in operation["responses"], f"{method} {path}"


def test_buckets_refill_at_the_configured_rate() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    take = lambda: limiter.take("write", "k", per_minute=6, burst=2)  # noqa: E731
    assert take() == 0.0 and take() == 0.0
    assert take() == pytest.approx(10.0)  # one more in 60 s / 6
    now[0] += 5
    assert take() == pytest.approx(5.0)
    now[0] += 5
    assert take() == 0.0
    assert limiter.take("write", "other", per_minute=6, burst=2) == 0.0  # per key
