"""Alembic migrations go from empty to head and back down on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from boligmatch.migrate import downgrade, upgrade
from boligmatch.models import Base
from kernel.db import make_engine


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
