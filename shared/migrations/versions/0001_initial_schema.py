"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:40:04.501493
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name_id", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_categories")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("republished", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_published_at"), ["published_at"], unique=False)

    op.create_table(
        "pillars",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_id", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("sees_identity", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_pillars")),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=120), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reference_versions")),
    )
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=13), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_regions_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "rule_sets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_sets")),
        sa.UniqueConstraint("version", name=op.f("uq_rule_sets_version")),
    )
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_sets_active"), ["active"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tracking_code", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("disaster_scope", sa.String(length=12), nullable=True),
        sa.Column("beneficiary_name", sa.String(length=160), nullable=False),
        sa.Column("beneficiary_nik", sa.String(length=16), nullable=True),
        sa.Column("beneficiary_birth_date", sa.Date(), nullable=True),
        sa.Column("beneficiary_sex", sa.String(length=1), nullable=True),
        sa.Column("reporter_name", sa.String(length=160), nullable=False),
        sa.Column("reporter_organisation", sa.String(length=160), nullable=True),
        sa.Column("reporter_phone", sa.String(length=32), nullable=True),
        sa.Column("reporter_email", sa.String(length=254), nullable=True),
        sa.Column("reported_by", sa.String(length=160), nullable=False),
        sa.Column("legal_basis", sa.String(length=24), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_code"], ["categories.code"], name=op.f("fk_cases_category_code_categories")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["regions.code"], name=op.f("fk_cases_village_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_cases_idempotency_key")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_cases_tracking_code")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_reported_by"), ["reported_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_village_code"), ["village_code"], unique=False)

    op.create_table(
        "coordinators",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("external_ref", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("pillar_code", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("on_leave_until", sa.Date(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=True),
        sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pillar_code"], ["pillars.code"], name=op.f("fk_coordinators_pillar_code_pillars")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_coordinators_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinators")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_coordinators_external_ref")),
    )
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coordinators_pillar_region", ["pillar_code", "region_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coordinators_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=160), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("pillar_code", sa.String(length=16), nullable=False),
        sa.Column("coordinator_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("replaces_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("purpose_en", sa.String(length=200), nullable=False),
        sa.Column("care", sa.String(length=12), nullable=False),
        sa.Column("start_level", sa.String(length=10), nullable=False),
        sa.Column("matched_level", sa.String(length=10), nullable=True),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("rules_version", sa.String(length=60), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("reason_code", sa.String(length=32), nullable=True),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("outcome_code", sa.String(length=32), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accept_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_marks", sa.JSON(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_referrals_coordinator_id_coordinators"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["referrals.id"], name=op.f("fk_referrals_parent_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["pillar_code"], ["pillars.code"], name=op.f("fk_referrals_pillar_code_pillars")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["referrals.id"], name=op.f("fk_referrals_replaces_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referrals_accept_due_at"), ["accept_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referrals_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referrals_contact_due_at"), ["contact_due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referrals_coordinator_id"), ["coordinator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referrals_resolve_due_at"), ["resolve_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referrals_status"), ["status"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dedup_key", sa.String(length=160), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("coordinator_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notifications_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_notifications_coordinator_id_coordinators"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_notifications_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_notifications_dedup_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_coordinator_id"), ["coordinator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_state"), ["state"], unique=False)

    op.create_table(
        "referral_offers",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("coordinator_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_referral_offers_coordinator_id_coordinators"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_referral_offers_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("referral_id", "coordinator_id", name=op.f("pk_referral_offers")),
    )
    with op.batch_alter_table("referral_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_offers_coordinator_id"), ["coordinator_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("referral_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_offers_coordinator_id"))

    op.drop_table("referral_offers")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_state"))
        batch_op.drop_index(batch_op.f("ix_notifications_event_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_coordinator_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_case_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_status"))
        batch_op.drop_index(batch_op.f("ix_referrals_resolve_due_at"))
        batch_op.drop_index(batch_op.f("ix_referrals_coordinator_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_contact_due_at"))
        batch_op.drop_index(batch_op.f("ix_referrals_case_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_accept_due_at"))

    op.drop_table("referrals")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordinators_updated_at"))
        batch_op.drop_index("ix_coordinators_pillar_region")

    op.drop_table("coordinators")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_village_code"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_reported_by"))
        batch_op.drop_index(batch_op.f("ix_cases_created_at"))

    op.drop_table("cases")
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_sets_active"))

    op.drop_table("rule_sets")
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regions_parent_code"))

    op.drop_table("regions")
    op.drop_table("reference_versions")
    op.drop_table("processed_events")
    op.drop_table("pillars")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_published_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_case_id"))

    op.drop_table("outbox")
    op.drop_table("categories")
