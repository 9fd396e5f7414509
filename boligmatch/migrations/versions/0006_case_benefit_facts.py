"""Cases record the money facts of issue 12: tax-free income kinds, whose income an item
is, church membership and the housing-benefit facts (boligstøtteloven §§ 14, 21-23).

``case_income_items.kind`` accepts ``boerne_og_ungeydelse`` and ``boernetilskud``;
``case_income_items.person`` says which adult receives an item (0 = the citizen);
``citizen_cases`` gains ``church_member``, ``mobility_impaired``, ``doegnhjaelp``,
``seniorpension`` and ``foertidspension_before_2003``, all false for existing cases (the
matcher's documented defaults).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_KINDS = (
    "kontanthjaelp",
    "uddannelseshjaelp",
    "foertidspension",
    "folkepension",
    "dagpenge",
    "salary",
    "other",
)
_NEW_KINDS = (*_OLD_KINDS, "boerne_og_ungeydelse", "boernetilskud")
_FLAGS = (
    "church_member",
    "mobility_impaired",
    "doegnhjaelp",
    "seniorpension",
    "foertidspension_before_2003",
)


def _kind_check(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("case_income_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_case_income_items_income_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_case_income_items_income_kind"), _kind_check(_NEW_KINDS)
        )
        batch_op.add_column(sa.Column("person", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        for name in _FLAGS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )


def downgrade() -> None:
    op.execute(
        "DELETE FROM case_income_items WHERE kind IN ('boerne_og_ungeydelse', 'boernetilskud')"
    )
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        for name in reversed(_FLAGS):
            batch_op.drop_column(name)
    with op.batch_alter_table("case_income_items", schema=None) as batch_op:
        batch_op.drop_column("person")
        batch_op.drop_constraint(op.f("ck_case_income_items_income_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_case_income_items_income_kind"), _kind_check(_OLD_KINDS)
        )
