"""the relay's wake-up sent by the database: a statement trigger on outbox

Revision ID: 0011_outbox_wake_trigger
Revises: 0010_dashboard_rollups
Create Date: 2026-12-05 18:10:00

Issue 24: every transaction that staged an event sent `NOTIFY sekber_outbox` as a
statement of its own (a round trip per transaction in intake, routing and notify). A
statement-level trigger on outbox now sends it with the INSERT; PostgreSQL still delivers
it only when the transaction commits, once however many rows (it folds identical
notifications of one transaction). SQLite has no NOTIFY: the relay polls there.
"""

from __future__ import annotations

from alembic import op

from shared.outbox.store import WAKE_CHANNEL

revision = "0011_outbox_wake_trigger"
down_revision = "0010_dashboard_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION sekber_outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN PERFORM pg_notify('{WAKE_CHANNEL}', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER outbox_wake AFTER INSERT ON outbox"
        " FOR EACH STATEMENT EXECUTE FUNCTION sekber_outbox_wake()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_wake ON outbox")
    op.execute("DROP FUNCTION IF EXISTS sekber_outbox_wake()")
