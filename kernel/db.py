"""Database kernel: the declarative base, engines and sessions for SQLite and PostgreSQL.

One naming-convention ``MetaData`` gives every constraint a stable name, so Alembic
migrations (batch mode on SQLite) can drop and alter them on both databases.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import pydantic_core
from sqlalchemy import JSON, DateTime, Engine, Enum, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every ORM model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        dt.datetime: DateTime(timezone=True),
    }


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint on both databases."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def utcnow() -> dt.datetime:
    """Timezone-aware now, the one clock the models use."""
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: Seconds a new PostgreSQL connection may take. Without a bound, a database behind a
#: network that drops packets holds each request for the kernel's TCP timeout (minutes)
#: before the API can answer 503; with it, the answer comes within seconds.
CONNECT_TIMEOUT_SECONDS = 5


def json_text(value: Any) -> str:
    """A JSON column's text, written by pydantic-core's serialiser.

    A match run stores its problem and result (megabytes for a large municipality) on
    every decline; the standard library's encoder took about a tenth of that request.
    The text parses back to the same value (non-ASCII is written as UTF-8, not escaped).
    """
    return pydantic_core.to_json(value, inf_nan_mode="constants").decode()


def json_value(text: str) -> Any:
    """A JSON column's value, parsed by orjson (a run's result of several megabytes is
    read on every view of it; orjson parses it in about a third of the standard
    library's time). A text orjson refuses (``NaN``, written by an older release) is
    parsed by the standard library. Integers beyond 64 bits would come back as floats;
    the columns hold none (scores and ids are far below)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its folder created.

    PostgreSQL gets pre-ping (a dropped connection is replaced, not handed out) and a
    connect timeout of :data:`CONNECT_TIMEOUT_SECONDS` unless the URL or ``connect_args``
    sets one.
    """
    parsed = make_url(url)
    kwargs.setdefault("json_serializer", json_text)
    kwargs.setdefault("json_deserializer", json_value)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        kwargs["connect_args"] = {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            **kwargs.get("connect_args", {}),
        }
    return create_engine(url, pool_pre_ping=True, **kwargs)


def refresh_statistics(session: Session) -> None:
    """Have PostgreSQL re-read its tables' statistics after a bulk load (no-op on SQLite).

    Right after thousands of rows are written, the planner still believes the tables
    nearly empty until autovacuum analyses them (up to a minute later): it then joins the
    municipality's units to the open vacancies by a nested loop over every pair (612,040
    rows filtered to read 360 homes, 35-65 ms per re-offer instead of about 2 ms).
    ``ANALYZE`` runs inside the caller's transaction and counts its own new rows.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (for responses)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits as one unit, or rolls back entirely on error."""
    with factory() as session, session.begin():
        yield session
