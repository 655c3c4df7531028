"""inbound messages from the messaging gateway (issue 27)

Revision ID: 0013_inbound_messages
Revises: 0012_open_load_index
Create Date: 2026-12-05 20:00:00

Coordinators answer their tasks and case workers report cases by SMS, WhatsApp or
Telegram (docs/messaging.md): each message the gateway sends is kept once by its id with
what it did and its reply; a case worker's account gets a registered phone number, and a
coordinator's directory phone is kept beside it as +62... to find the sender by.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.domain import phone as phones
from shared.models.base import UTCDateTime

revision = "0013_inbound_messages"
down_revision = "0012_open_load_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("gateway_id", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=120), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("sender_kind", sa.String(length=12), nullable=True),
        sa.Column("sender_ref", sa.String(length=80), nullable=True),
        sa.Column("command", sa.String(length=10), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("reply_state", sa.String(length=10), nullable=True),
        sa.Column("reply_attempts", sa.Integer(), nullable=False),
        sa.Column("reply_lease_until", UTCDateTime(), nullable=True),
        sa.Column("reply_not_before", UTCDateTime(), nullable=True),
        sa.Column("reply_sent_at", UTCDateTime(), nullable=True),
        sa.Column("reply_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_inbound_messages_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_inbound_messages_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("gateway_id", name=op.f("uq_inbound_messages_gateway_id")),
    )
    op.create_index(op.f("ix_inbound_messages_sender"), "inbound_messages", ["sender"])
    op.create_index(op.f("ix_inbound_messages_reply_state"), "inbound_messages", ["reply_state"])
    op.add_column("users", sa.Column("phone", sa.String(length=16), nullable=True))
    op.create_index(op.f("ix_users_phone"), "users", ["phone"], unique=True)
    op.add_column("coordinators", sa.Column("phone_key", sa.String(length=16), nullable=True))
    op.create_index(op.f("ix_coordinators_phone_key"), "coordinators", ["phone_key"])
    _key_the_phones()


def _key_the_phones() -> None:
    """The directory's phones as they were written, kept as +62... beside them."""
    coordinators = sa.table(
        "coordinators", sa.column("id", sa.Uuid()), sa.column("phone"), sa.column("phone_key")
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(coordinators.c.id, coordinators.c.phone).where(coordinators.c.phone.is_not(None))
    ).all()
    for coordinator_id, phone in rows:
        key = phones.normalise(phone)
        if key is not None:
            bind.execute(
                sa.update(coordinators)
                .where(coordinators.c.id == coordinator_id)
                .values(phone_key=key)
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_coordinators_phone_key"), table_name="coordinators")
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_column("phone_key")
    op.drop_index(op.f("ix_users_phone"), table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("phone")
    op.drop_index(op.f("ix_inbound_messages_reply_state"), table_name="inbound_messages")
    op.drop_index(op.f("ix_inbound_messages_sender"), table_name="inbound_messages")
    op.drop_table("inbound_messages")
