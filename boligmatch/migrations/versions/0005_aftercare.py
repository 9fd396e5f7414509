"""From offer to a kept home (issue 15): letters, the outbox, move-in steps, follow-ups.

New tables: ``offer_letters`` (the HTML and PDF letter of each sent offer),
``outbox_messages`` (the transactional outbox the ``send-notices`` worker drains),
``association_contacts`` (where an association gets notices), ``move_in_steps`` and
``follow_ups``. Cases gain their contact person (the caseworker, shelter or support
worker who reaches the citizen), the letter language, the link to an earlier case of a
citizen who became homeless again, and when their personal data was anonymised.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 21:52:54.792800
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "association_contacts",
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["housing_associations.id"],
            name=op.f("fk_association_contacts_association_id_housing_associations"),
        ),
        sa.PrimaryKeyConstraint("association_id", name=op.f("pk_association_contacts")),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "still_housed",
                "moved_on",
                "evicted",
                "returned_homeless",
                name="follow_up_outcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("months IN (3, 6, 12)", name=op.f("ck_follow_ups_months_3_6_12")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["citizen_cases.id"], name=op.f("fk_follow_ups_case_id_citizen_cases")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_follow_ups_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("offer_id", "months", name=op.f("uq_follow_ups_offer_id_months")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "move_in_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("detail", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["citizen_cases.id"], name=op.f("fk_move_in_steps_case_id_citizen_cases")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_move_in_steps_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_move_in_steps")),
        sa.UniqueConstraint("offer_id", "kind", name=op.f("uq_move_in_steps_offer_id_kind")),
    )
    with op.batch_alter_table("move_in_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_move_in_steps_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_move_in_steps_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_move_in_steps_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "offer_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["citizen_cases.id"], name=op.f("fk_offer_letters_case_id_citizen_cases")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_offer_letters_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_letters")),
        sa.UniqueConstraint("offer_id", name=op.f("uq_offer_letters_offer_id")),
    )
    with op.batch_alter_table("offer_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_letters_case_id"), ["case_id"], unique=False)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("attachment_name", sa.String(length=120), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="outbox_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["citizen_cases.id"], name=op.f("fk_outbox_messages_case_id_citizen_cases")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_outbox_messages_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_outbox_messages_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_municipality_code"), ["municipality_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_messages_offer_id"), ["offer_id"], unique=False)

    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_organisation", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("letter_language", sa.String(length=2), server_default="da", nullable=False)
        )
        batch_op.add_column(sa.Column("reopened_from_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_citizen_cases_reopened_from_id_citizen_cases"),
            "citizen_cases",
            ["reopened_from_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_citizen_cases_reopened_from_id_citizen_cases"), type_="foreignkey"
        )
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("reopened_from_id")
        batch_op.drop_column("letter_language")
        batch_op.drop_column("contact_organisation")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_name")

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_offer_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_municipality_code"))
        batch_op.drop_index("ix_outbox_messages_due")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_case_id"))

    op.drop_table("outbox_messages")
    with op.batch_alter_table("offer_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_letters_case_id"))

    op.drop_table("offer_letters")
    with op.batch_alter_table("move_in_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_move_in_steps_offer_id"))
        batch_op.drop_index(batch_op.f("ix_move_in_steps_due_on"))
        batch_op.drop_index(batch_op.f("ix_move_in_steps_case_id"))

    op.drop_table("move_in_steps")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_offer_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_due_on"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_case_id"))

    op.drop_table("follow_ups")
    op.drop_table("association_contacts")
