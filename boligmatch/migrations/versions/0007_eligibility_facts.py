"""Eligibility facts: a department's § 59 area category, a case's birth date and § 59 facts.

Issue 12: almenboligloven § 59 stk. 6 and 7 restrict municipal allocation in listed
areas by facts of the household; ældreboliger and skæve boliger have their own target
groups; youth units go by exact age. Every new column is optional (null or false), so
existing rows keep their meaning: a listed department without a category is an udsat
boligområde, as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CASE_DATES = (
    "birth_date",
    "released_from_prison_on",
    "secure_institution_released_on",
    "lease_terminated_on",
    "hjemrejseydelse_since",
    "dagpenge_since",
)
_CASE_FLAGS = ("disability", "skaev_target_group", "non_eu_citizen", "foertidspension")


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_category", sa.String(length=16), nullable=True))
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        for name in _CASE_DATES:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        for name in _CASE_FLAGS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade() -> None:
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        for name in (*reversed(_CASE_FLAGS), *reversed(_CASE_DATES)):
            batch_op.drop_column(name)
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("area_category")
