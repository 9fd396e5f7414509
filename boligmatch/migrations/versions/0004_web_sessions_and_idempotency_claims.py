"""Server-side web sessions; Idempotency-Key records claimed before the work and scoped.

``web_sessions`` holds what a browser's random session id stands for (only the id's
hash is stored), so a sign-out revokes it and an expired one is refused.
``idempotency_keys`` gains ``scope`` (the caller's municipality or association) in
its unique key, and its answer columns become nullable: a row is now inserted
before the work, as a claim that parallel retries wait on, and filled in by the
work's own transaction. Existing rows keep an empty scope.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_web_sessions_id_hash")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_expires_at"), ["expires_at"])

    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("response_body", existing_type=sa.JSON(), nullable=True)
        batch_op.drop_constraint("uq_idempotency_keys_key_subject_route", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_idempotency_keys_key_subject_scope_route"),
            ["key", "subject", "scope", "route"],
        )


def downgrade() -> None:
    # Claims still in progress have no answer to keep under the old, NOT NULL schema.
    op.execute("DELETE FROM idempotency_keys WHERE status_code IS NULL OR response_body IS NULL")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_idempotency_keys_key_subject_scope_route", type_="unique")
        batch_op.alter_column("response_body", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("scope")
    # Without the scope, keys used in two municipalities would collide: keep the first.
    op.execute(
        "DELETE FROM idempotency_keys WHERE id NOT IN (SELECT MIN(id) FROM idempotency_keys "
        "GROUP BY key, subject, route)"
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_idempotency_keys_key_subject_route", ["key", "subject", "route"]
        )

    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_expires_at"))
    op.drop_table("web_sessions")
