"""Stored Idempotency-Key answers expire after the retention and are deleted."""

from __future__ import annotations

import datetime as dt

from api_testkit import Api
from sqlalchemy import func, select, update

from api.idempotency import REPLAYED_HEADER, purge_expired
from api.models import IdempotencyRecord
from kernel.db import utcnow
from kernel.settings import get_settings

RUNS = "/api/v1/match-runs"


def _records(api: Api) -> int:
    with api.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0)


def test_an_answer_is_replayed_within_the_retention_and_forgotten_after_it(api: Api) -> None:
    key = {"Idempotency-Key": "run-retention-1"}
    first = api.request("staff", "POST", RUNS, json={}, headers=key)
    assert first.status_code == 201, first.text
    replay = api.request("staff", "POST", RUNS, json={}, headers=key)
    assert replay.headers.get(REPLAYED_HEADER) == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert _records(api) == 1

    hours = get_settings().idempotency_retention_hours
    with api.sessions() as s, s.begin():
        s.execute(
            update(IdempotencyRecord).values(
                created_at=utcnow() - dt.timedelta(hours=hours, minutes=1)
            )
        )
    again = api.request("staff", "POST", RUNS, json={}, headers=key)
    assert again.status_code == 201, again.text
    assert REPLAYED_HEADER not in again.headers
    assert again.json()["id"] != first.json()["id"]  # a new plan, not the old answer
    assert _records(api) == 1  # the expired answer was deleted, the new one stored


def test_purge_keeps_answers_younger_than_the_retention(api: Api) -> None:
    for n in range(3):
        response = api.request("staff", "POST", RUNS, json={}, headers={"Idempotency-Key": f"k{n}"})
        assert response.status_code == 201, response.text
    hours = get_settings().idempotency_retention_hours
    with api.sessions() as s, s.begin():
        s.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "k0")
            .values(created_at=utcnow() - dt.timedelta(hours=hours + 1))
        )
        s.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "k1")
            .values(created_at=utcnow() - dt.timedelta(hours=hours - 1))
        )
    with api.sessions() as s, s.begin():
        assert purge_expired(s) == 1
    with api.sessions() as s:
        assert sorted(s.scalars(select(IdempotencyRecord.key))) == ["k1", "k2"]
