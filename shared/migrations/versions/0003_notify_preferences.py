"""notify: preferences, quiet hours (not_before), digests, Telegram chat ids

Revision ID: 0003_notify
Revises: 0002
Create Date: 2026-11-27 23:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_notify"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("recipient", sa.String(length=160), nullable=False),
        sa.Column("event_type", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "recipient", "event_type", "channel", name=op.f("pk_notification_preferences")
        ),
    )
    op.create_table(
        "notification_settings",
        sa.Column("recipient", sa.String(length=160), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=True),
        sa.Column("quiet_to", sa.Time(), nullable=True),
        sa.Column("digest_low_urgency", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_notification_settings")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("digest_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notifications_not_before"), ["not_before"])
        batch_op.create_index(batch_op.f("ix_notifications_digest_id"), ["digest_id"])
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_chat_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.drop_column("telegram_chat_id")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_digest_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_not_before"))
        batch_op.drop_column("digest_id")
        batch_op.drop_column("not_before")
    op.drop_table("notification_settings")
    op.drop_table("notification_preferences")
