"""bulk intake: imports and their rows

Revision ID: 0009_imports
Revises: 0008_duplicates
Create Date: 2026-12-05 11:30:00

Adds imports (one uploaded spreadsheet) and import_rows (each data row's outcome, its
cells encrypted while they are kept).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.models.base import UTCDateTime

revision = "0009_imports"
down_revision = "0008_duplicates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=160), nullable=False),
        sa.Column("uploader_name", sa.String(length=160), nullable=False),
        sa.Column("uploader_user", sa.String(length=80), nullable=False),
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("problem", sa.String(length=400)),
    )
    op.create_index(op.f("ix_imports_file_hash"), "imports", ["file_hash"])
    op.create_index(op.f("ix_imports_uploaded_by"), "imports", ["uploaded_by"])
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.Uuid(), sa.ForeignKey("imports.id"), primary_key=True),
        sa.Column("row", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cells", sa.Text()),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id")),
        sa.Column("tracking_code", sa.String(length=32)),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("done_at", UTCDateTime()),
    )
    op.create_index("ix_import_rows_import_id_status", "import_rows", ["import_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_import_rows_import_id_status", table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index(op.f("ix_imports_uploaded_by"), table_name="imports")
    op.drop_index(op.f("ix_imports_file_hash"), table_name="imports")
    op.drop_table("imports")
