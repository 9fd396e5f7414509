"""Inventory, citizens' cases, match runs, offers and the append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:05:19.773696
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


AUDIT_GUARD_SQLITE = (
    "CREATE TRIGGER audit_events_no_{op} BEFORE {OP} ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
AUDIT_GUARD_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql
"""


def _guard_audit_trail() -> None:
    """Refuse UPDATE and DELETE on the audit trail in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_GUARD_POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for name in ("update", "delete"):
            op.execute(AUDIT_GUARD_SQLITE.format(op=name, OP=name.upper()))


def _unguard_audit_trail() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        for name in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{name}")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "housing_associations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_associations")),
        sa.UniqueConstraint("name", name=op.f("uq_housing_associations_name")),
    )
    op.create_table(
        "municipalities",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("homeless_2022", sa.Integer(), nullable=False),
        sa.Column("homeless_2024", sa.Integer(), nullable=False),
        sa.Column("per_1000_2024", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("name", name=op.f("uq_municipalities_name")),
    )
    op.create_table(
        "citizen_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("cpr_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("wealth_dkk", sa.Double(), nullable=False),
        sa.Column("situation", sa.Integer(), nullable=False),
        sa.Column("homeless_since", sa.Date(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column(
            "support",
            sa.Enum(
                "CTI",
                "ICM",
                "ACT",
                "SEL85",
                "none",
                name="support_method",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("needs_wheelchair", sa.Boolean(), nullable=False),
        sa.Column("needs_ground_floor", sa.Boolean(), nullable=False),
        sa.Column("has_pets", sa.Boolean(), nullable=False),
        sa.Column("kontanthjaelp_since", sa.Date(), nullable=True),
        sa.Column("preferred_lat", sa.Double(), nullable=True),
        sa.Column("preferred_lon", sa.Double(), nullable=True),
        sa.Column("refused_offers", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "housed",
                "closed",
                "removed",
                name="case_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "adults >= 1 AND children >= 0", name=op.f("ck_citizen_cases_household_size")
        ),
        sa.CheckConstraint(
            "birth_year BETWEEN 1900 AND 2100", name=op.f("ck_citizen_cases_birth_year_range")
        ),
        sa.CheckConstraint(
            "refused_offers >= 0", name=op.f("ck_citizen_cases_refusals_not_negative")
        ),
        sa.CheckConstraint(
            "situation BETWEEN 1 AND 9", name=op.f("ck_citizen_cases_situation_1_9")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_citizen_cases_municipality_code_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_cases")),
        sa.UniqueConstraint("case_ref", name=op.f("uq_citizen_cases_case_ref")),
    )
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_cases_cpr_hash"), ["cpr_hash"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_citizen_cases_municipality_code"), ["municipality_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_citizen_cases_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_citizen_cases_active_cpr",
            ["cpr_hash"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("social_caretaker", sa.Boolean(), nullable=False),
        sa.Column("listed_area", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["housing_associations.id"],
            name=op.f("fk_departments_association_id_housing_associations"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_departments_municipality_code_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint(
            "association_id", "number", name=op.f("uq_departments_association_id_number")
        ),
    )
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_departments_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_departments_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("polygon_wkt", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_districts_municipality_code_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
        sa.UniqueConstraint(
            "municipality_code", "name", name=op.f("uq_districts_municipality_code_name")
        ),
    )
    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_districts_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "match_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("problem", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_match_runs_municipality_code_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_runs")),
    )
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_runs_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "case_area_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=80), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("avoid", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "avoid OR rank >= 1", name=op.f("ck_case_area_preferences_ranked_unless_avoided")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["citizen_cases.id"],
            name=op.f("fk_case_area_preferences_case_id_citizen_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_area_preferences")),
        sa.UniqueConstraint("case_id", "area", name=op.f("uq_case_area_preferences_case_id_area")),
    )
    op.create_table(
        "case_income_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "kontanthjaelp",
                "uddannelseshjaelp",
                "foertidspension",
                "folkepension",
                "dagpenge",
                "salary",
                "other",
                name="income_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("monthly_dkk", sa.Double(), nullable=False),
        sa.CheckConstraint(
            "monthly_dkk >= 0", name=op.f("ck_case_income_items_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["citizen_cases.id"],
            name=op.f("fk_case_income_items_case_id_citizen_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_income_items")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("unit_ref", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("area", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "family",
                "youth",
                "elderly",
                "skaev",
                "transitional",
                name="unit_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("rooms", sa.Integer(), nullable=False),
        sa.Column("size_m2", sa.Double(), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
        sa.Column("elevator", sa.Boolean(), nullable=False),
        sa.Column("wheelchair", sa.Boolean(), nullable=False),
        sa.Column("pets_allowed", sa.Boolean(), nullable=False),
        sa.Column("rent_dkk", sa.Double(), nullable=False),
        sa.Column("utilities_dkk", sa.Double(), nullable=False),
        sa.Column("deposit_dkk", sa.Double(), nullable=False),
        sa.Column("rent_reduction_dkk", sa.Double(), nullable=False),
        sa.Column("rent_reduction_until", sa.Date(), nullable=True),
        sa.Column(
            "allocation",
            sa.Enum(
                "municipal",
                "association",
                name="allocation_right",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("allocation_municipality_code", sa.String(length=4), nullable=True),
        sa.CheckConstraint("deposit_dkk >= 0", name=op.f("ck_units_deposit_not_negative")),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name=op.f("ck_units_wgs84")
        ),
        sa.CheckConstraint("rent_dkk >= 0", name=op.f("ck_units_rent_not_negative")),
        sa.CheckConstraint(
            "rent_reduction_dkk >= 0 AND rent_reduction_dkk <= rent_dkk",
            name=op.f("ck_units_reduction_within_rent"),
        ),
        sa.CheckConstraint("rooms >= 1", name=op.f("ck_units_rooms_positive")),
        sa.CheckConstraint("size_m2 > 0", name=op.f("ck_units_size_positive")),
        sa.CheckConstraint("utilities_dkk >= 0", name=op.f("ck_units_utilities_not_negative")),
        sa.ForeignKeyConstraint(
            ["allocation_municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_units_allocation_municipality_code_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_units_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint(
            "department_id", "unit_ref", name=op.f("uq_units_department_id_unit_ref")
        ),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_units_allocation_municipality_code"),
            ["allocation_municipality_code"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_units_department_id"), ["department_id"], unique=False)

    op.create_table(
        "vacancies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "offered",
                "let",
                "withdrawn",
                name="vacancy_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_vacancies_version_positive")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_vacancies_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancies")),
    )
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vacancies_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_vacancies_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            "uq_vacancies_active_unit",
            ["unit_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('open', 'offered')"),
            postgresql_where=sa.text("status IN ('open', 'offered')"),
        )

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_run_id", sa.Integer(), nullable=True),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "sent",
                "accepted",
                "declined",
                "expired",
                "withdrawn",
                name="offer_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("answer_deadline", sa.Date(), nullable=True),
        sa.Column("decline_reason", sa.String(length=40), nullable=True),
        sa.Column("decline_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status != 'declined' OR decline_reason IS NOT NULL",
            name=op.f("ck_offers_declined_has_reason"),
        ),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_offers_rank_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["citizen_cases.id"], name=op.f("fk_offers_case_id_citizen_cases")
        ),
        sa.ForeignKeyConstraint(
            ["match_run_id"], ["match_runs.id"], name=op.f("fk_offers_match_run_id_match_runs")
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_offers_vacancy_id_vacancies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_match_run_id"), ["match_run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_vacancy_id"), ["vacancy_id"], unique=False)
        batch_op.create_index(
            "uq_offers_accepted_case",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.create_index(
            "uq_offers_accepted_vacancy",
            ["vacancy_id"],
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )

    _guard_audit_trail()


def downgrade() -> None:
    _unguard_audit_trail()
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_offers_accepted_vacancy",
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index(
            "uq_offers_accepted_case",
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index(batch_op.f("ix_offers_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_offers_status"))
        batch_op.drop_index(batch_op.f("ix_offers_match_run_id"))
        batch_op.drop_index(batch_op.f("ix_offers_case_id"))

    op.drop_table("offers")
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_vacancies_active_unit",
            sqlite_where=sa.text("status IN ('open', 'offered')"),
            postgresql_where=sa.text("status IN ('open', 'offered')"),
        )
        batch_op.drop_index(batch_op.f("ix_vacancies_unit_id"))
        batch_op.drop_index(batch_op.f("ix_vacancies_status"))

    op.drop_table("vacancies")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_department_id"))
        batch_op.drop_index(batch_op.f("ix_units_allocation_municipality_code"))

    op.drop_table("units")
    op.drop_table("case_income_items")
    op.drop_table("case_area_preferences")
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_runs_municipality_code"))

    op.drop_table("match_runs")
    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_districts_municipality_code"))

    op.drop_table("districts")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_municipality_code"))
        batch_op.drop_index(batch_op.f("ix_departments_association_id"))

    op.drop_table("departments")
    with op.batch_alter_table("citizen_cases", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_citizen_cases_active_cpr",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_citizen_cases_status"))
        batch_op.drop_index(batch_op.f("ix_citizen_cases_municipality_code"))
        batch_op.drop_index(batch_op.f("ix_citizen_cases_cpr_hash"))

    op.drop_table("citizen_cases")
    op.drop_table("municipalities")
    op.drop_table("housing_associations")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
