"""a coordinator's open tasks by a partial index

Revision ID: 0012_open_load_index
Revises: 0011_outbox_wake_trigger
Create Date: 2026-12-05 18:40:00

Issue 24 (growth): routing counts each candidate's open tasks for every decision. Through
the index on coordinator_id it read every task the coordinator ever had (about 2,000 each
at 3 million cases) and intersected them with all open tasks; a partial index of the open
rows keeps the count as cheap at ten years as on the first day.
"""

from __future__ import annotations

from alembic import op

from shared.models.case import open_load_index

revision = "0012_open_load_index"
down_revision = "0011_outbox_wake_trigger"
branch_labels = None
depends_on = None


NAME = "ix_referrals_open_load"


def upgrade() -> None:
    index = open_load_index()
    op.create_index(
        NAME,
        "referrals",
        ["coordinator_id"],
        postgresql_where=index.dialect_options["postgresql"]["where"],
        sqlite_where=index.dialect_options["sqlite"]["where"],
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="referrals")
