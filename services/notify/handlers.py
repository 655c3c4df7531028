"""Notify's reaction to events: record each notification once, then deliver it.

Which notifications an event calls for is recipients.py's business; this module is the
same for every event.

Recording is exactly-once (processed_events plus a unique key per event, recipient and
channel). Delivery to an external channel is at-least-once: a row is leased while it is
being sent, so a redelivered task leaves it alone, and it is marked sent after the channel
accepted it. Only a crash between the two can repeat a message, and the stable
Message-ID lets mail clients fold that duplicate.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.notify import messages, recipients
from services.notify.channels.base import (
    Channel,
    DeliveryError,
    OutgoingMessage,
    PermanentDeliveryError,
)
from services.notify.context import case_link, message_context
from services.notify.recipients import INAPP
from shared.actionlinks import Issuer
from shared.db import UowFactory
from shared.events import Envelope, NotificationReplayRequested
from shared.models import Case, CaseEvent, Notification
from shared.models.base import utcnow
from shared.outbox import claim

log = logging.getLogger(__name__)
CONSUMER = "notify"
LEASE = timedelta(seconds=60)


class DeliveryFailed(Exception):
    """Some notifications could not be delivered yet; the task retries them."""


def handle(
    *,
    uow_factory: UowFactory,
    envelope: Envelope,
    channels: dict[str, Channel],
    base_url: str,
    max_attempts: int,
    action_links: Issuer | None = None,
) -> None:
    """Record and deliver the event's notifications. With `action_links`, a message asking
    a coordinator to answer a task carries signed accept and decline links."""
    event = envelope.event()
    if isinstance(event, NotificationReplayRequested):
        # The row was set back to pending with the event; delivery is idempotent, so a
        # redelivered replay finds it sent and does nothing.
        ids = [event.notification_id]
    else:
        record(
            uow_factory=uow_factory,
            envelope=envelope,
            channels=channels,
            base_url=base_url,
            action_links=action_links,
        )
        ids = _undelivered(uow_factory, envelope.id)
    deliver(
        uow_factory=uow_factory,
        notification_ids=ids,
        channels=channels,
        base_url=base_url,
        max_attempts=max_attempts,
    )


def record(
    *,
    uow_factory: UowFactory,
    envelope: Envelope,
    channels: dict[str, Channel],
    base_url: str,
    action_links: Issuer | None = None,
) -> None:
    """Write every notification the event calls for (recipients.py says whom and what)."""
    event = envelope.event()
    if not recipients.handles(event):
        log.info("notify ignores %s %s", envelope.type, envelope.id)
        return
    with uow_factory() as uow:
        session = uow.session
        if not claim(session, consumer=CONSUMER, event_id=envelope.id):
            return
        feeds = {name: c.feed for name, c in channels.items() if c.feed is not None}
        plan = recipients.with_feeds(recipients.plan(session, event), feeds)
        for recipient in plan.recipients:
            context = message_context(
                session,
                plan=plan,
                recipient=recipient,
                base_url=base_url,
                action_links=action_links,
                now=utcnow(),
            )
            text = messages.render(recipient.kind, language=recipient.language, context=context)
            for channel in (INAPP, *channels):
                address = recipient.addresses.get(channel)
                if not address:
                    continue
                note = Notification(
                    dedup_key=f"{envelope.id}:{recipient.key}:{channel}",
                    event_id=envelope.id,
                    kind=recipient.kind,
                    case_id=plan.case_id,
                    referral_id=plan.referral_id,
                    coordinator_id=recipient.coordinator_id,
                    channel=channel,
                    address=address,
                    language=recipient.language,
                    subject=text.subject[:200],
                    body=text.body,
                )
                if channel == INAPP:  # the row is the inbox entry: delivered on commit
                    note.state, note.sent_at, note.attempts = "sent", utcnow(), 1
                session.add(note)
                session.flush()
                if channel == INAPP:
                    _timeline(session, note, "notification_delivered")
        uow.commit()


def _undelivered(uow_factory: UowFactory, event_id: uuid.UUID) -> list[uuid.UUID]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Notification.id).where(
                    Notification.event_id == event_id,
                    Notification.channel != INAPP,
                    Notification.state.in_(("pending", "failed", "sending")),
                )
            )
        )


def deliver(
    *,
    uow_factory: UowFactory,
    notification_ids: list[uuid.UUID],
    channels: dict[str, Channel],
    base_url: str,
    max_attempts: int,
) -> None:
    """Send each notification that is not sent, dead or held by another sender."""
    failures = []
    for notification_id in notification_ids:
        leased = _lease(uow_factory, notification_id)
        if leased is None:
            continue
        note, tracking_code = leased
        channel = channels.get(note.channel)
        try:
            if channel is None:
                raise DeliveryError(f"channel {note.channel} is not configured")
            channel.send(
                OutgoingMessage(
                    str(note.id),
                    note.address or "",
                    note.subject,
                    note.body,
                    note.language,
                    kind=note.kind,
                    tracking_code=tracking_code,
                    link=case_link(base_url, note.case_id),
                )
            )
        except DeliveryError as exc:
            permanent = isinstance(exc, PermanentDeliveryError)
            dead = permanent or note.attempts >= max_attempts
            _finish(uow_factory, note.id, state="dead" if dead else "failed", error=str(exc))
            log.warning(
                "notification %s via %s failed (attempt %d): %s",
                note.id,
                note.channel,
                note.attempts,
                exc,
            )
            if not dead:
                failures.append(note.id)
            continue
        _finish(uow_factory, note.id, state="sent", error=None)
    if failures:
        raise DeliveryFailed(f"{len(failures)} notification(s) to retry")


def _lease(uow_factory: UowFactory, notification_id: uuid.UUID) -> tuple[Notification, str] | None:
    """Take the row for sending unless someone else holds it or it is done; with the case's
    tracking code."""
    now = utcnow()
    with uow_factory() as uow:
        result = uow.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                or_(
                    Notification.state.in_(("pending", "failed")),
                    (Notification.state == "sending") & (Notification.lease_until < now),
                ),
            )
            .values(state="sending", attempts=Notification.attempts + 1, lease_until=now + LEASE)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        note = uow.session.get_one(Notification, notification_id)
        tracking_code = uow.session.get_one(Case, note.case_id).tracking_code
        uow.commit()
        return note, tracking_code


def _finish(
    uow_factory: UowFactory, notification_id: uuid.UUID, *, state: str, error: str | None
) -> None:
    with uow_factory() as uow:
        note = uow.session.get_one(Notification, notification_id)
        note.state, note.last_error, note.lease_until = state, error, None
        if state == "sent":
            note.sent_at = utcnow()
        _timeline(uow.session, note, f"notification_{state}")
        uow.commit()


def _timeline(session: Session, note: Notification, kind: str) -> None:
    session.add(
        CaseEvent(
            case_id=note.case_id,
            kind=kind,
            actor="notify",
            data={
                "channel": note.channel,
                "notification_id": str(note.id),
                "attempts": note.attempts,
                "kind": note.kind,
            },
        )
    )
