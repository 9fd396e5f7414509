"""Property-based API testing from the app's own OpenAPI document (Schemathesis 4).

Every operation gets a bounded number of generated requests (valid ones and, as
the second mode, invalid ones), sent as staff (vacancy writes as the association
that owns the vacancies, since only associations write them) through the ASGI
app on the real databases. The checks: never a 5xx, and status code, content
type, headers and body all as the schema documents them. One test per OpenAPI
tag, so a failure names the area of the API it is in.

(Schemathesis' ``pytest.from_fixture`` does not work with pytest 9, so the test
draws from each operation's Hypothesis strategy itself.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_testkit import Api
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as ALL_CHECKS
from schemathesis.checks import load_all_checks
from test_schemathesis_stateful import CONFIG

from api.app import create_app

EXAMPLES_PER_OPERATION = 5


def caller(tag: str, method: str) -> str:
    """Staff send the requests, except where only associations may (vacancy writes)."""
    if tag == "association" or (tag == "vacancies" and method.upper() != "GET"):
        return "association"
    return "staff"


# Every check Schemathesis has, with the narrow, explained expectations of the stateful
# test (test_schemathesis_stateful.CONFIG).
load_all_checks()
CHECKS = list(ALL_CHECKS.get_all())


def _tags() -> list[str]:
    """The OpenAPI tags of the app as built now: one test per area of the API."""
    app = create_app(database_url="sqlite://")  # never connects: only the schema is read
    tags = {tag for op in app.openapi()["paths"].values() for o in op.values() for tag in o["tags"]}
    return sorted(tags)


def _exercise(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    """Send a bounded number of generated requests of one operation and check each answer."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        # nothing to make invalid (an operation without parameters or body)
        assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.mark.parametrize("tag", _tags())
def test_api_conforms_to_its_schema(api: Api, tag: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app, config=CONFIG).include(
        tag=tag
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        headers = api.headers(caller(tag, operation.method))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _exercise(operation, mode, headers)
