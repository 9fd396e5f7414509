"""Stateful API testing from the app's own OpenAPI links (Schemathesis 4), every check on.

The app documents how an answer feeds the next request (``api.app.LINKS``: create a
case -> read it -> change it with its ``ETag`` -> close it; plan -> the run's offers ->
send the first -> accept or decline it; ...). Schemathesis' state machine follows those
links with generated data, on the real databases, and runs every check it has on each
answer: no 5xx, status codes, content types, headers and bodies as documented, invalid
data refused, valid data accepted, nothing usable after it is gone, authentication not
ignored. A bounded number of scenarios keeps the run short (well under a minute).

Realistic data is injected only where random data cannot reach the code: a valid
department of the caller for a new home, a fresh valid CPR number for a new case, and
only into requests generated as valid (``positive``), so the negative checks keep
their meaning.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_testkit import Api
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from sqlalchemy import select

from api.app import LINKS
from inventory.models import Department
from kernel.settings import get_settings

load_all_checks()

SCENARIOS = 20
STEPS = 8

# Fresh valid CPR numbers (1 January 1990 onwards, one day per number): never a citizen's.
_FRESH_CPR = (
    f"{d:02d}{m:02d}{y:02d}{n:04d}"
    for y, m, d, n in itertools.product(
        range(90, 100), range(1, 13), range(1, 29), range(1000, 1001)
    )
)

AUTH_HEADERS = {"authorization", "x-api-key"}

# Every check runs.
ALL_CHECKS = list(CHECKS.get_all())

# Explained, narrow adjustments of the checks' expectations (each names its reason):
# (One [[operations]] entry per operation: the first entry an operation matches applies.)
CONFIG = SchemathesisConfig.from_str(
    """
# Actions on a resource answer 412 when If-Match does not name the resource's current
# version: a stale tag, another resource's tag, or text that is no tag at all (RFC 9110
# 13.1.1). The schema can say If-Match is a string, not which version is current, so a
# schema-valid request may rightly fail its precondition.
[[operations]]
include-name-regex = "^POST /api/v1/[a-z-]+/[{][a-z_]+[}]/(withdraw|close|accept|decline)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx",
]

# The same for changes (PATCH), and for changes and new records alike: rules across
# fields and against the calendar, which JSON Schema cannot state, answer 422 naming the
# rule: a case's homelessness cannot begin after it was registered or in the future; a
# home's rent reduction cannot exceed its rent.
[[operations]]
include-name-regex = "^POST /api/v1/(cases|vacancies)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx",
]

# A plan's weights are the matcher's Weights shape, checked by the matcher (422 naming
# the field, e.g. weights.housed), and the planning day lies in 2000-2100, a range JSON
# Schema cannot state for a date.
[[operations]]
include-name-regex = "^POST /api/v1/match-runs$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]

# Staff may send a chosen home to a chosen citizen only when the pair passes the hard
# rules (the citizen's pet, the home's kind, affordability, ...): the matcher judges the
# pair from the stored data and answers 422 `pair-infeasible` naming each broken rule, a
# judgement no schema of two ids can make.
[[operations]]
include-name-regex = "^POST /api/v1/offers$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]

# An uploaded vacancy list is a file: OpenAPI can say "binary", not "a CSV or an .xlsx
# workbook with these columns", so a schema-valid upload is usually refused (422 with the
# rows' problems, nothing imported).
[[operations]]
include-name-regex = "^POST /api/v1/vacancies/import$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]

# Changes (PATCH) need If-Match: without it they answer 428 Precondition Required, the
# status RFC 6585 section 3 defines for exactly this (the schema marks the header
# required); and the two rules above apply to them as well.
[[operations]]
include-name-regex = "^PATCH /api/v1/(cases|vacancies)/[{](case|vacancy)_id[}]$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx",
]
checks.missing_required_header.expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]
"""
)


def caller(operation: Any) -> str:
    """Associations own homes (all vacancy operations); staff do the rest."""
    return "association" if "/vacancies" in operation.path else "staff"


def test_links_are_documented_where_they_start(api: Api) -> None:
    schema = api.app.openapi()
    for path, method, status in LINKS:
        links = schema["paths"][path][method]["responses"][status]["links"]
        assert links, (path, method, status)
        operation_ids = {
            operation["operationId"]
            for operations in schema["paths"].values()
            for operation in operations.values()
        }
        assert all(link["operationId"] in operation_ids for link in links.values())


@pytest.fixture
def no_write_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Writes unthrottled: a 429 that depends on the clock would make the scenarios' answers,
    and so Hypothesis's choices, differ between runs (the limits have their own tests)."""
    monkeypatch.setenv("BOLIGMATCH_RATE_LIMITS__WRITES_PER_MINUTE", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_api_statefully(api: Api, no_write_limit: None) -> None:
    with api.sessions() as session:
        department_id = session.scalars(
            select(Department.id).where(Department.association_id == api.association_id)
        ).first()
    assert department_id is not None
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app, config=CONFIG)
    machine = schema.as_state_machine()

    class Workflow(machine):  # type: ignore[misc,valid-type]
        def setup(self) -> None:
            # Each scenario starts from the same database: Hypothesis explores scenarios
            # that share their first steps, and those steps must answer as they did before
            # (else it stops with FlakyStrategyDefinition, a bundle now empty).
            api.restore()

        def before_call(self, case: Any) -> None:
            mode = case.meta.generation.mode if case.meta is not None else None
            if mode is not GenerationMode.POSITIVE:
                return
            # A valid request carries the caller's own credential (get_call_kwargs), not
            # a random API key generated from the security schemes: the server reads an
            # X-API-Key first, so a random one would turn every valid request into 401.
            if case.headers:
                for name in [h for h in case.headers if h.lower() in AUTH_HEADERS]:
                    del case.headers[name]
            if not isinstance(case.body, dict):
                return
            label = f"{case.method.upper()} {case.path}"
            if label == "POST /api/v1/vacancies" and isinstance(case.body.get("unit"), dict):
                case.body["unit"]["department_id"] = department_id
            elif label == "POST /api/v1/cases":
                case.body["cpr"] = next(_FRESH_CPR)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": api.headers(caller(case.operation))}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            # Findings are collected, not raised: Hypothesis would otherwise shrink a
            # failing scenario, replaying steps against a database they already changed.
            answered.setdefault(case.operation.label, set()).add(response.status_code)
            try:
                case.validate_response(response, checks=ALL_CHECKS, recorder=self.recorder)
            except (AssertionError, FailureGroup, Failure) as finding:
                findings.append(f"{case.method} {case.formatted_path}: {finding}"[:3000])

    findings: list[str] = []
    answered: dict[str, set[int]] = {}
    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    assert not findings, "\n\n".join(dict.fromkeys(findings))
    # The links carried real ids: an operation on one resource answered with success.
    linked = [label for label, statuses in answered.items() if "{" in label]
    assert any(min(answered[label]) < 300 for label in linked), answered
