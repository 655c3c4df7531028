"""Replies to the messages people send (docs/messaging.md): sent over the channel the
message came by (the gateway for SMS and WhatsApp, the bot for Telegram), to the number
or chat it came from as the gateway wrote it, with the message's id as the idempotency key.

The reply is the inbound message row's; it is leased while it is sent, marked sent after
the channel took it, and retried as notifications are (RetryPolicy): a few times at once
by the task, then by the sweep. Only a crash between the send and the mark can repeat it,
and the gateway dedupes on the key.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from services.notify.channels.base import DeliveryError, OutgoingMessage, PermanentDeliveryError
from services.notify.delivery_context import DeliveryContext
from shared.domain.notice import NotificationState
from shared.models import InboundMessage

log = logging.getLogger(__name__)
ORPHAN_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 100
WAITING = ("pending", "failed")


class ReplyFailed(Exception):
    """The channel did not take the reply; the task tries again shortly."""


def channel_for(inbound_channel: str) -> str:
    return "telegram" if inbound_channel == "telegram" else "gateway"


def send(delivery: DeliveryContext, message_id: uuid.UUID, *, in_task: bool = True) -> None:
    """Send the reply of one inbound message unless it was sent, is dead, or another
    sender holds it. Raises ReplyFailed when the task should retry."""
    now = delivery.clock()
    with delivery.uow_factory() as uow:
        row = uow.session.scalar(
            select(InboundMessage).where(InboundMessage.id == message_id).with_for_update()
        )
        if row is None or row.reply_text is None or not _due(row, now):
            return
        row.reply_state = "sending"
        row.reply_lease_until = now + delivery.lease
        row.reply_attempts += 1
        message = OutgoingMessage(
            notification_id=str(row.id),
            address=row.address,
            subject="",
            body=row.reply_text,
            language=row.language,
            kind="reply",
            reply_to=row.gateway_id,
            route=row.channel,
        )
        attempts, name = row.reply_attempts, channel_for(row.channel)
        uow.commit()
    channel = delivery.channels.get(name)
    try:
        if channel is None:
            raise PermanentDeliveryError(f"{name}: the channel is off on this server")
        channel.send(message)
    except PermanentDeliveryError as exc:
        _mark(delivery, message_id, "dead", error=str(exc))
        log.warning("reply to message %s is dead: %s", message_id, exc)
        return
    except DeliveryError as exc:
        state, not_before = delivery.retry.after_failure(attempts, in_task=in_task, now=now)
        _mark(delivery, message_id, state.value, error=str(exc), not_before=not_before)
        if state is NotificationState.FAILED and not_before is None:
            raise ReplyFailed(str(exc)) from None
        return
    _mark(delivery, message_id, "sent", sent_at=delivery.clock())


def _due(row: InboundMessage, now: datetime) -> bool:
    if row.reply_state == "sending":
        return row.reply_lease_until is None or row.reply_lease_until < now
    if row.reply_state not in WAITING:
        return False
    return row.reply_not_before is None or row.reply_not_before <= now


def _mark(
    delivery: DeliveryContext,
    message_id: uuid.UUID,
    state: str,
    *,
    error: str | None = None,
    not_before: datetime | None = None,
    sent_at: datetime | None = None,
) -> None:
    with delivery.uow_factory() as uow:
        row = uow.session.get_one(InboundMessage, message_id)
        row.reply_state = state
        row.reply_lease_until = None
        row.reply_not_before = not_before
        row.reply_error = error[:500] if error else None
        if sent_at is not None:
            row.reply_sent_at = sent_at
        uow.commit()


def due(delivery: DeliveryContext, *, now: datetime) -> list[uuid.UUID]:
    """Replies the sweep sends: retries whose time came, leases that ran out, and replies
    whose event task never ran."""
    waiting = InboundMessage.reply_state.in_(WAITING)
    with delivery.uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(InboundMessage.id)
                .where(
                    or_(
                        waiting & (InboundMessage.reply_not_before <= now),
                        and_(
                            InboundMessage.reply_state == "sending",
                            InboundMessage.reply_lease_until < now,
                        ),
                        waiting
                        & InboundMessage.reply_not_before.is_(None)
                        & (InboundMessage.handled_at < now - ORPHAN_AFTER),
                    )
                )
                .order_by(InboundMessage.handled_at)
                .limit(SWEEP_BATCH)
            )
        )


def sweep(delivery: DeliveryContext, *, now: datetime) -> int:
    ids = due(delivery, now=now)
    for message_id in ids:
        send(delivery, message_id, in_task=False)
    return len(ids)
