"""dashboard: the case's facts copied onto its tasks, and covering indexes

Revision ID: 0003_dashboard
Revises: 0002
Create Date: 2026-11-27 23:30:00

Measured at 1,000,000 cases (bench/dashboard_scale.py): joining tasks to their cases for
the region, category and urgency filters cost seconds. The tasks now carry those facts
(and the case's receipt time), copied by a trigger when a task is inserted (a case never
changes them), and the dashboard reads them through covering indexes alone.

On SQLite a later batch_alter_table("referrals") rebuilds the table and so drops the
trigger: such a migration must create it again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_dashboard"
down_revision = "0003_notify"
branch_labels = None
depends_on = None

_COPIED = {
    "case_village_code": "village_code",
    "case_category_code": "category_code",
    "case_urgency": "urgency",
    "case_received_at": "created_at",
}

_CASE = ["case_village_code", "case_category_code", "case_urgency"]
_OPEN = "status IN ('accepted','in-progress','on-hold','requested','routing','unassigned')"
# name: (columns, included columns, partial index condition)
_INDEXES: dict[str, tuple[list[str], list[str], str | None]] = {
    "ix_referrals_dash_open": (
        ["case_village_code"],
        ["status", "case_id", "pillar_code", "coordinator_id", "case_category_code",
         "case_urgency", "assigned_at", "created_at", "accept_due_at", "contact_due_at",
         "resolve_due_at"],
        _OPEN,
    ),
    "ix_referrals_dash_accepted": (["accepted_at"], ["created_at", "pillar_code", *_CASE], None),
    "ix_referrals_dash_closed": (
        ["closed_at"],
        ["case_id", "status", "reason_code", "pillar_code", "case_received_at", *_CASE],
        None,
    ),
    "ix_referrals_dash_received": (["case_received_at"], ["case_id", "pillar_code", *_CASE], None),
    "ix_referrals_dash_case_pillar": (["case_id", "pillar_code"], [], None),
    "ix_referrals_dash_late_accept": (
        ["accept_due_at"],
        ["pillar_code", *_CASE],
        "coalesce(accepted_at, closed_at) IS NULL"
        " OR coalesce(accepted_at, closed_at) > accept_due_at",
    ),
    "ix_referrals_dash_late_contact": (
        ["contact_due_at"],
        ["pillar_code", *_CASE],
        "coalesce(started_at, closed_at) IS NULL"
        " OR coalesce(started_at, closed_at) > contact_due_at",
    ),
    "ix_referrals_dash_late_resolve": (
        ["resolve_due_at"],
        ["pillar_code", *_CASE],
        "closed_at IS NULL OR closed_at > resolve_due_at",
    ),
}  # fmt: skip

_PG_FUNCTION = """
CREATE FUNCTION referrals_copy_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.case_village_code IS NULL THEN
        SELECT village_code, category_code, urgency, created_at
          INTO NEW.case_village_code, NEW.case_category_code, NEW.case_urgency,
               NEW.case_received_at
          FROM cases WHERE id = NEW.case_id;
    END IF;
    RETURN NEW;
END
$$
"""
_PG_TRIGGER = """
CREATE TRIGGER referrals_copy_case BEFORE INSERT ON referrals
FOR EACH ROW EXECUTE FUNCTION referrals_copy_case()
"""
_SQLITE_TRIGGER = f"""
CREATE TRIGGER referrals_copy_case AFTER INSERT ON referrals
FOR EACH ROW WHEN NEW.case_village_code IS NULL
BEGIN
    UPDATE referrals SET {
    ", ".join(f"{mine} = (SELECT {theirs} FROM cases WHERE id = NEW.case_id)"
              for mine, theirs in _COPIED.items())
} WHERE id = NEW.id;
END
"""  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_village_code", sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column("case_category_code", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("case_urgency", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("case_received_at", sa.DateTime(timezone=True), nullable=True)
        )
    copied = ", ".join(
        f"{mine} = (SELECT {theirs} FROM cases WHERE cases.id = referrals.case_id)"
        for mine, theirs in _COPIED.items()
    )
    op.execute(f"UPDATE referrals SET {copied}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER)
    op.create_index(
        "ix_cases_dash_received",
        "cases",
        ["created_at"],
        postgresql_include=["village_code", "category_code", "urgency"],
    )
    for name, (columns, include, where) in _INDEXES.items():
        condition = sa.text(where) if where else None
        op.create_index(
            name,
            "referrals",
            columns,
            postgresql_include=include,
            postgresql_ops={"case_village_code": "varchar_pattern_ops"},
            postgresql_where=condition,
            sqlite_where=condition,
        )


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="referrals")
    op.drop_index("ix_cases_dash_received", table_name="cases")
    op.execute("DROP TRIGGER IF EXISTS referrals_copy_case" + _on_referrals())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS referrals_copy_case()")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for column in _COPIED:
            batch_op.drop_column(column)


def _on_referrals() -> str:
    return " ON referrals" if op.get_bind().dialect.name == "postgresql" else ""
