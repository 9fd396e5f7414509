"""Alembic migrations go from empty to head and back down on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from boligmatch.migrate import downgrade, upgrade
from boligmatch.models import Base
from inventory.reference_load import load_municipalities
from kernel.db import make_engine, session_factory


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_to_head_and_down_to_base(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == set(Base.metadata.tables)
    downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) == set()
    upgrade(empty_db_url)  # and up again: the downgrade left nothing behind
    assert _tables(empty_db_url) == set(Base.metadata.tables)


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    """Autogenerate finds nothing to do: the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_audit_trail_is_append_only(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, entity, entity_id) "
                "VALUES (CURRENT_TIMESTAMP, 'staff:1', 'case.create', 'case', 'C-1')"
            )
        )
    for statement in ("UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_events")).scalar_one() == "staff:1"
    engine.dispose()


def test_match_runs_documents_are_stored_with_lz4_on_postgresql(empty_db_url: str) -> None:
    """Migration 0008: a run's problem and result are compressed with LZ4 where the
    server has it (a large value is compressed, and read back whole); pglz again after
    a downgrade. SQLite has no such setting and is left as it is."""
    if not empty_db_url.startswith("postgresql"):
        pytest.skip("column compression is a PostgreSQL setting")
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)

    def methods() -> set[str]:
        with engine.connect() as conn:
            return set(
                conn.execute(
                    text(
                        "SELECT attcompression FROM pg_attribute WHERE attrelid = "
                        "'match_runs'::regclass AND attname IN ('problem', 'result')"
                    )
                ).scalars()
            )

    try:
        with engine.connect() as conn:
            has_lz4 = (
                "lz4"
                in conn.execute(
                    text(
                        "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"
                    )
                ).scalar_one()
            )
        if not has_lz4:
            pytest.skip("this PostgreSQL was built without LZ4")
        assert methods() == {"l"}
        document = {
            "rows": [{"id": f"C{i}", "text": "ledig bolig i Vollsmose"} for i in range(9000)]
        }
        with session_factory(engine)() as session, session.begin():
            load_municipalities(session)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO match_runs (municipality_code, created_at, created_by, method,"
                    " status, problem, result, stats) VALUES ('461', now(), 'test', 'x', 'OPTIMAL',"
                    " CAST(:doc AS json), CAST(:doc AS json), '{}')"
                ),
                {"doc": json.dumps(document)},
            )
        with engine.connect() as conn:
            stored, method = conn.execute(
                text("SELECT result, pg_column_compression(result) FROM match_runs")
            ).one()
        assert (stored, method) == (document, "lz4")
        downgrade(empty_db_url, "0007")
        assert methods() == {"p"}
    finally:
        engine.dispose()
