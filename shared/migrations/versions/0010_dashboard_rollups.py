"""dashboard rollups: counts per WIB day, area and pillar, kept by triggers

Revision ID: 0010_dashboard_rollups
Revises: 0009_imports
Create Date: 2026-12-05 18:30:00

Issue 28: at 1,000,000 cases the dashboard's flows (cases received and closed, tasks
accepted, declined, late, the durations' percentiles) read every task of the period.
dashboard_rollups holds them summed per WIB day, area (nation, province, kab/kota) and
pillar (all, each), with the durations as log-spaced histograms; dashboard_case_ends
holds per case and pillar what decides when the case closed. Triggers on cases and
referrals keep both in the transaction of every change (shared/rollups/triggers.py), the
sums by appending to dashboard_rollup_deltas (no writer waits for another on a summed
row), which the relay folds into dashboard_rollups every few seconds;
the tables are filled from the facts here and by `sekber rebuild-rollups`.

The SQL comes from shared/rollups (one definition for the triggers and the rebuild): a
later change of it needs a migration of its own that drops and creates the triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.domain import histogram
from shared.models.base import UTCDateTime
from shared.models.rollup import MEASURES
from shared.rollups import statements, triggers

revision = "0010_dashboard_rollups"
down_revision = "0009_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    assert len(MEASURES) == 19 + 2 * histogram.COUNT
    op.create_table(
        "dashboard_rollups",
        sa.Column("area", sa.String(length=5), nullable=False),
        sa.Column("pillar", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in MEASURES),
        sa.PrimaryKeyConstraint("area", "pillar", "day", name=op.f("pk_dashboard_rollups")),
    )
    op.create_table(
        "dashboard_rollup_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False,
                  autoincrement=True),
        sa.Column("area", sa.String(length=5), nullable=False),
        sa.Column("pillar", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in MEASURES),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_rollup_deltas")),
    )  # fmt: skip
    op.create_table(
        "dashboard_case_ends",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("pillar", sa.String(length=16), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.Column("open_tasks", sa.Integer(), nullable=False),
        sa.Column("last_end", UTCDateTime(), nullable=True),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "pillar", name=op.f("pk_dashboard_case_ends")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in triggers.postgres() if postgres else triggers.create_sqlite():
        op.execute(statement)
    for statement in statements.rebuild(statements.Dialect(postgres=postgres)):
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in triggers.drop_postgres() if postgres else triggers.drop_sqlite():
        op.execute(statement)
    op.execute("DELETE FROM reference_versions WHERE name = 'dashboard_rollups'")
    op.drop_table("dashboard_case_ends")
    op.drop_table("dashboard_rollup_deltas")
    op.drop_table("dashboard_rollups")
