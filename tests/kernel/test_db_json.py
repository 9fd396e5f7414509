"""JSON columns: written by pydantic-core, read by orjson, and the same value back."""

from __future__ import annotations

import gc
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select

from api.app import create_app
from kernel.db import json_text, json_value, make_engine


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, None, True], "ø": "Østergade 4.950 kr.", "n": 2**62},
        [{"nested": {"deep": ["x", {"y": -1}]}}],
        "plain",
        0,
    ],
)
def test_json_columns_give_the_same_value_back(tmp_path: Any, value: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/j.db")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("v", JSON))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, v=value))
    with engine.connect() as conn:
        assert conn.execute(select(table.c.v)).scalar_one() == value
    assert json_value(json_text(value)) == value


def test_a_text_written_by_an_older_release_with_nan_still_reads() -> None:
    """orjson refuses the token NaN (the standard library wrote it); it is read anyway."""
    value = json_value('{"a": NaN, "b": 1}')
    assert math.isnan(value["a"]) and value["b"] == 1


def test_the_server_freezes_its_startup_heap_only_while_it_runs(tmp_path: Any) -> None:
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(database_url=f"sqlite:///{tmp_path}/a.db")) as client:
        assert gc.get_freeze_count() > 10_000  # the libraries' objects, out of the scans
        assert client.get("/health").status_code in (200, 503)
    assert gc.get_freeze_count() == 0
