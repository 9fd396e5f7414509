"""Helpers shared by the commands that use the database."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from boligmatch.db import make_engine, session_factory
from boligmatch.migrate import upgrade
from boligmatch.settings import get_settings
from inventory.reference_load import load_municipalities


def migrated_sessions(url: str | None = None) -> sessionmaker[Session]:
    """Sessions on the configured database, migrated to head with the municipalities loaded.

    Commands are the first thing a new user runs, so they bring the embedded SQLite
    database up to date themselves rather than failing on a missing table.
    """
    url = url or get_settings().database_url
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with sessions() as session, session.begin():
        load_municipalities(session)
    return sessions
