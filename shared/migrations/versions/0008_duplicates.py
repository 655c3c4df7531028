"""possible duplicates, the names' sound keys, merged cases

Revision ID: 0008_duplicates
Revises: 0007_nik_at_rest
Create Date: 2026-12-05 08:00:00

Adds case_name_keys (the sound keys of each case's beneficiary name by kecamatan, filled for
the cases already stored), possible_duplicates, cases.merged_into_id / merged_at /
merged_by, and an index on cases (beneficiary_birth_date, village_code).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.models.base import UTCDateTime

revision = "0008_duplicates"
down_revision = "0007_nik_at_rest"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "case_name_keys",
        sa.Column("area", sa.String(length=8), primary_key=True),
        sa.Column("key", sa.String(length=24), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id"), primary_key=True),
    )
    op.create_index(op.f("ix_case_name_keys_case_id"), "case_name_keys", ["case_id"])
    op.create_table(
        "possible_duplicates",
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("other_id", sa.Uuid(), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("match", sa.String(length=24), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.Column("resolution", sa.String(length=12)),
        sa.Column("resolved_by", sa.String(length=160)),
        sa.Column("resolved_at", UTCDateTime()),
    )
    op.create_index(op.f("ix_possible_duplicates_other_id"), "possible_duplicates", ["other_id"])
    # Plain ADD COLUMNs (no table copy: SQLite keeps the triggers that read cases; it takes
    # a REFERENCES clause in ADD COLUMN, which Alembic does not write for it).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cases ADD COLUMN merged_into_id CHAR(32) REFERENCES cases (id)")
    else:
        op.add_column("cases", sa.Column("merged_into_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(
            "fk_cases_merged_into_id_cases", "cases", "cases", ["merged_into_id"], ["id"]
        )
    op.add_column("cases", sa.Column("merged_at", UTCDateTime(), nullable=True))
    op.add_column("cases", sa.Column("merged_by", sa.String(length=160), nullable=True))
    op.create_index(op.f("ix_cases_merged_into_id"), "cases", ["merged_into_id"])
    op.create_index("ix_cases_birth_village", "cases", ["beneficiary_birth_date", "village_code"])
    _key_stored_names()


def _key_stored_names() -> None:
    from shared.domain import names

    bind = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Uuid()),
        sa.column("beneficiary_name"),
        sa.column("village_code"),
    )
    keys = sa.table(
        "case_name_keys", sa.column("area"), sa.column("key"), sa.column("case_id", sa.Uuid())
    )
    last = None
    while True:
        query = sa.select(cases.c.id, cases.c.beneficiary_name, cases.c.village_code).order_by(
            cases.c.id
        )
        if last is not None:
            query = query.where(cases.c.id > last)
        rows = bind.execute(query.limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        entries = [
            {"area": village[:8], "key": key[:24], "case_id": case_id}
            for case_id, name, village in rows
            for key in names.word_keys(name or "")
        ]
        if entries:
            bind.execute(keys.insert(), entries)


def downgrade() -> None:
    op.drop_index("ix_cases_birth_village", table_name="cases")
    op.drop_index(op.f("ix_cases_merged_into_id"), table_name="cases")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_cases_merged_into_id_cases", "cases", type_="foreignkey")
    for column in ("merged_by", "merged_at", "merged_into_id"):
        op.drop_column("cases", column)
    op.drop_table("possible_duplicates")
    op.drop_table("case_name_keys")
