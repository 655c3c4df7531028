"""calendar_days: closed days (or working days again) an administrator set for a year

Revision ID: 0005_calendar
Revises: 0004_sessions
Create Date: 2026-12-05 02:35:00

The national holidays come from the `holidays` package and each year's cuti bersama from
shared/data/calendar/YYYY.toml; this table holds what an administrator changed since
(`sekber calendar set-leave`, `sekber calendar set-workday`). A new table only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_calendar"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("set_by", sa.String(length=80), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )


def downgrade() -> None:
    op.drop_table("calendar_days")
