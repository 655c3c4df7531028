"""region code list upgrades: retired codes, the crosswalk, the code a case was filed under

Revision ID: 0006_region_upgrade
Revises: 0005_calendar
Create Date: 2026-12-05 02:45:00

`sekber regions upgrade` loads a new Kemendagri list with a crosswalk of old to new codes:
retired codes stay (marked), the crosswalk is kept, and cases move to the current code
while keeping the one they were filed under and the list it came from (backfilled here).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_region_upgrade"
down_revision = "0005_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("regions", sa.Column("retired_in", sa.String(length=120), nullable=True))
    op.create_table(
        "region_successors",
        sa.Column("old_code", sa.String(length=13), nullable=False),
        sa.Column("new_code", sa.String(length=13), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("takes_cases", sa.Boolean(), nullable=False),
        sa.Column("version", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("old_code", "new_code", name=op.f("pk_region_successors")),
    )
    op.add_column("cases", sa.Column("filed_village_code", sa.String(length=13), nullable=True))
    op.add_column("cases", sa.Column("filed_regions_version", sa.String(length=120), nullable=True))
    op.execute(
        "UPDATE cases SET filed_village_code = village_code, filed_regions_version = "
        "(SELECT version FROM reference_versions WHERE name = 'regions')"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("filed_regions_version")
        batch_op.drop_column("filed_village_code")
    op.drop_table("region_successors")
    with op.batch_alter_table("regions") as batch_op:
        batch_op.drop_column("retired_in")
