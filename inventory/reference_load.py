"""Load the 98 municipalities with VIVE's counts into the database (idempotent)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.models import Municipality
from kernel.reference import municipality_counts


def load_municipalities(session: Session) -> int:
    """Insert or refresh every municipality; returns how many there are."""
    existing = {m.code: m for m in session.scalars(select(Municipality))}
    for row in municipality_counts():
        m = existing.get(row.code) or Municipality(code=row.code)
        m.name, m.region = row.name, row.region
        m.homeless_2022, m.homeless_2024 = row.homeless_2022, row.homeless_2024
        m.per_1000_2024 = row.per_1000_2024
        session.add(m)
    session.flush()
    return len(municipality_counts())
