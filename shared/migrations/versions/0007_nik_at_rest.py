"""the NIK encrypted at rest, looked up by a blind index

Revision ID: 0007_nik_at_rest
Revises: 0006_region_upgrade
Create Date: 2026-12-05 03:10:00

Adds cases.beneficiary_nik_enc (AES-GCM under SEKBER_DATA_KEY) and
cases.beneficiary_nik_index (HMAC-SHA256, indexed), encrypts every stored NIK in batches,
and drops the plaintext column. A database holding NIKs cannot be migrated without the key
(the message says so); an empty one can.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_nik_at_rest"
down_revision = "0006_region_upgrade"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.add_column("cases", sa.Column("beneficiary_nik_enc", sa.String(length=120)))
    op.add_column("cases", sa.Column("beneficiary_nik_index", sa.String(length=64)))
    op.create_index(
        op.f("ix_cases_beneficiary_nik_index"), "cases", ["beneficiary_nik_index"], unique=False
    )
    bind = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id"),
        sa.column("beneficiary_nik", sa.String),
        sa.column("beneficiary_nik_enc", sa.String),
        sa.column("beneficiary_nik_index", sa.String),
    )
    pending = sa.select(cases.c.id, cases.c.beneficiary_nik).where(
        cases.c.beneficiary_nik.is_not(None), cases.c.beneficiary_nik_enc.is_(None)
    )
    ring = None
    while rows := bind.execute(pending.limit(BATCH)).all():
        if ring is None:
            from shared.identity import keyring

            ring = keyring.active()  # refuses, naming SEKBER_DATA_KEY, when it is not set
        bind.execute(
            cases.update()
            .where(cases.c.id == sa.bindparam("row_id"))
            .values(
                beneficiary_nik_enc=sa.bindparam("enc"),
                beneficiary_nik_index=sa.bindparam("idx"),
            ),
            [
                {"row_id": row_id, "enc": ring.encrypt(nik), "idx": ring.index(nik)}
                for row_id, nik in rows
            ],
        )
    op.drop_column("cases", "beneficiary_nik")


def downgrade() -> None:
    raise NotImplementedError("the plaintext NIK is not written back; restore a backup")
