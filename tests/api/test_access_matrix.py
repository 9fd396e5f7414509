"""Role × endpoint matrix over every route the app really has.

The routes are read from ``app.routes``, so a new endpoint (this helper's, the
offer workflow's or the planners') fails `test_every_route_is_in_the_table`
until someone decides who may call it. Requests carry an invalid body and an id
no row has: the role check runs before body validation and lookups, so an
allowed caller gets anything but 401/403 (404 or 422) and nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from api_testkit import PRINCIPAL_ROLES, PRINCIPALS, Api, TestClient, api_routes

from api.app import create_app

STAFF, ASSOC, PLANNER, ADMIN = "staff", "association", "planner", "admin"

# Who may call what: (method, path) -> the roles admitted. One line per endpoint.
ACCESS: dict[tuple[str, str], frozenset[str]] = {
    # vacancies (inventory): associations write their own, staff read their municipality's
    ("GET", "/api/v1/vacancies"): frozenset({STAFF, ASSOC}),
    ("POST", "/api/v1/vacancies"): frozenset({ASSOC}),
    ("POST", "/api/v1/vacancies/import"): frozenset({ASSOC, ADMIN}),
    ("GET", "/api/v1/vacancies/{vacancy_id}"): frozenset({STAFF, ASSOC}),
    ("PATCH", "/api/v1/vacancies/{vacancy_id}"): frozenset({ASSOC}),
    ("POST", "/api/v1/vacancies/{vacancy_id}/withdraw"): frozenset({ASSOC}),
    # citizens' cases: staff of the case's municipality only
    ("GET", "/api/v1/cases"): frozenset({STAFF}),
    ("POST", "/api/v1/cases"): frozenset({STAFF}),
    ("GET", "/api/v1/cases/{case_id}"): frozenset({STAFF}),
    ("PATCH", "/api/v1/cases/{case_id}"): frozenset({STAFF}),
    ("POST", "/api/v1/cases/{case_id}/close"): frozenset({STAFF}),
    # match runs and offers (workflow helper): staff; associations see offer status only
    ("POST", "/api/v1/match-runs"): frozenset({STAFF}),
    ("GET", "/api/v1/match-runs"): frozenset({STAFF}),
    ("GET", "/api/v1/match-runs/{run_id}"): frozenset({STAFF}),
    ("GET", "/api/v1/match-runs/{run_id}/offers"): frozenset({STAFF}),
    ("GET", "/api/v1/match-runs/{run_id}/explain"): frozenset({STAFF}),
    ("GET", "/api/v1/match-runs/{run_id}/why-not"): frozenset({STAFF}),
    ("POST", "/api/v1/offers"): frozenset({STAFF}),
    ("GET", "/api/v1/offers"): frozenset({STAFF}),
    ("GET", "/api/v1/offers/{offer_id}"): frozenset({STAFF}),
    ("POST", "/api/v1/offers/{offer_id}/accept"): frozenset({STAFF}),
    ("POST", "/api/v1/offers/{offer_id}/decline"): frozenset({STAFF}),
    ("GET", "/api/v1/association/offers"): frozenset({ASSOC}),
    # letters and notices (issue 15): staff read letters and set contact persons;
    # an association sets its own notice address
    ("GET", "/api/v1/offers/{offer_id}/letter"): frozenset({STAFF}),
    ("GET", "/api/v1/offers/{offer_id}/letter.pdf"): frozenset({STAFF}),
    ("PUT", "/api/v1/cases/{case_id}/contact-person"): frozenset({STAFF}),
    ("PUT", "/api/v1/association/notice-address"): frozenset({ASSOC}),
    # planning (planning helper): planners and administrators, aggregates only
    ("GET", "/api/v1/planning/shortfall"): frozenset({PLANNER, ADMIN}),
    ("GET", "/api/v1/planning/shortfall.csv"): frozenset({PLANNER, ADMIN}),
    ("GET", "/api/v1/planning/shortfall.png"): frozenset({PLANNER, ADMIN}),
}


MISSING_ID = "2147483647"  # a valid id that no row has: allowed callers get 404, never a change


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", MISSING_ID, path)


def _send(api: Api, who: str | None, method: str, path: str) -> int:
    # A JSON array is no endpoint's body, so an allowed caller gets 422 and nothing runs.
    kwargs = {"json": []} if method in {"POST", "PATCH", "PUT"} else {}
    return int(api.request(who, method, _concrete(path), **kwargs).status_code)


@pytest.fixture(scope="module")
def bare_client() -> Iterator[TestClient]:
    """The app without a database: enough for route listing and anonymous requests."""
    with TestClient(create_app(database_url="sqlite://"), raise_server_exceptions=False) as client:
        yield client


def test_every_route_is_in_the_table(bare_client: TestClient) -> None:
    missing = sorted(set(api_routes(bare_client.app)) - set(ACCESS))
    assert not missing, (
        "routes without an access rule in tests/api/test_access_matrix.py ACCESS: "
        + ", ".join(f"{m} {p}" for m, p in missing)
    )


def test_anonymous_gets_401_everywhere(bare_client: TestClient) -> None:
    routes = api_routes(bare_client.app)
    assert len(routes) >= 11
    for method, path in routes:
        response = bare_client.request(method, _concrete(path), json=[])
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_bad_credentials_get_401(api: Api) -> None:
    from api.auth import Role, issue_token

    bad = {
        "expired": {
            "Authorization": "Bearer " + issue_token(subject="x", role=Role.admin, ttl_minutes=-1)
        },
        "forged": {"Authorization": "Bearer " + _forged_token()},
        "garbage": {"Authorization": "Bearer not-a-token"},
        "unknown key": {"X-API-Key": "bm_000000000000_nonsense"},
        "malformed key": {"X-API-Key": "hello"},
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
    }
    for label, headers in bad.items():
        response = api.client.get("/api/v1/vacancies", headers=headers)
        assert response.status_code == 401, (label, response.text)
        assert response.json()["type"].endswith("/unauthorized")


def _forged_token() -> str:
    import jwt

    claims = {"sub": "x", "role": "admin", "iat": 0, "exp": 4102444800}
    return jwt.encode(claims, "a-wrong-secret-that-is-long-enough-for-hs256")


def test_role_matrix(api: Api) -> None:
    """Each principal: allowed routes answer anything but 401/403, the others exactly 403."""
    wrong: list[str] = []
    for who in PRINCIPALS:
        role = PRINCIPAL_ROLES[who]
        for method, path in api_routes(api.app):
            allowed = role in ACCESS.get((method, path), frozenset())
            status = _send(api, who, method, path)
            if (allowed and status in (401, 403)) or (not allowed and status != 403):
                verdict = "allowed" if allowed else "forbidden"
                wrong.append(f"{who} ({role}) {method} {path}: {status}, expected {verdict}")
    assert not wrong, "\n".join(wrong)
