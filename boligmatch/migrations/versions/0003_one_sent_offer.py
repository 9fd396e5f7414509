"""At most one sent (unanswered) offer per vacancy and per citizen, by the database.

The workflow already sends one offer per home and lets a citizen answer one offer at a
time (under row locks); these partial unique indexes make that an invariant of the
data, as the accepted-offer indexes of 0001 do for accepted offers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SENT = sa.text("status = 'sent'")


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        for name, column in (
            ("uq_offers_sent_case", "case_id"),
            ("uq_offers_sent_vacancy", "vacancy_id"),
        ):
            batch_op.create_index(
                name, [column], unique=True, sqlite_where=_SENT, postgresql_where=_SENT
            )


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        for name in ("uq_offers_sent_vacancy", "uq_offers_sent_case"):
            batch_op.drop_index(name, sqlite_where=_SENT, postgresql_where=_SENT)
