"""service gaps by region: a kab/kota's tasks by place, the weekly digest

Revision ID: 0014_service_gaps
Revises: 0013_inbound_messages
Create Date: 2026-12-06 10:00:00

Issue 26: the service gaps of a kab/kota's kecamatan are counted from that kab/kota's
tasks alone (the rollups stop at kab/kota): ix_referrals_gaps_place holds them by the
case's village code with every column the count reads, so it reads the index only, a
few tens of thousands of entries for the largest kab/kota at 1,000,000 cases. And
service_gap_digests keeps the weekly digest of the worst gaps to a province's
supervisors, one per province and week.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.models.base import UTCDateTime
from shared.models.case import gaps_place_index

revision = "0014_service_gaps"
down_revision = "0013_inbound_messages"
branch_labels = None
depends_on = None

INDEX = "ix_referrals_gaps_place"


def upgrade() -> None:
    index = gaps_place_index()
    options = index.dialect_options["postgresql"]
    op.create_index(
        INDEX,
        "referrals",
        ["case_village_code"],
        postgresql_ops=options["ops"],
        postgresql_include=options["include"],
    )
    op.create_table(
        "service_gap_digests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("body_id", sa.Text(), nullable=False),
        sa.Column("subject_en", sa.String(length=200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_gap_digests")),
        sa.UniqueConstraint(
            "region_code", "week_start", name=op.f("uq_service_gap_digests_region_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("service_gap_digests")
    op.drop_index(INDEX, table_name="referrals")
