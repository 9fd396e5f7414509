"""Match runs' documents compressed with LZ4 on PostgreSQL (no change on SQLite).

Issue 16: every decline stores a new run with its problem snapshot and result, about
6 MB of JSON for a 1,500-case municipality. PostgreSQL compresses such values with pglz
by default; storing one took about 125 ms on the 2-core benchmark machine, about 80 ms
with LZ4 (`bench/reoffer.py`). Only new values are written with LZ4; older ones stay
pglz and read as before. A server built without LZ4 (it is optional before PostgreSQL
16) keeps pglz.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("problem", "result")


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    values = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return isinstance(values, list) and "lz4" in values


def _set_compression(method: str) -> None:
    clauses = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in _COLUMNS)
    op.execute(f"ALTER TABLE match_runs {clauses}")


def upgrade() -> None:
    if _lz4_available():
        _set_compression("lz4")


def downgrade() -> None:
    if _lz4_available():
        _set_compression("pglz")
