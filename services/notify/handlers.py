"""Notify's reaction to events: record each notification once, then deliver it.

Which notifications an event calls for is recipients.py's business, and what the
recipient's preferences make of each is policy.py's; this module is the same for every
event.

Recording is exactly-once (processed_events plus a unique key per event, recipient and
channel). Delivery to an external channel is at-least-once (delivery.py): a row is leased
while it is being sent, so a redelivered task leaves it alone, and it is marked sent after
the channel accepted it. Only a crash between the two can repeat a message; every
provider gets the notification id as its idempotency key (Message-ID, Idempotency-Key,
webhook-id), so a receiver that dedupes on it sees it once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from services.notify import messages, recipients
from services.notify.channels.base import Channel
from services.notify.context import message_context
from services.notify.delivery import (
    DeliveryFailed,
    Leased,
    deliver,
    release,
    send_leased,
    timeline,
)
from services.notify.delivery_context import DeliveryContext
from services.notify.recipients import INAPP, Audience, Recipient
from shared.db import UowFactory
from shared.domain.notice import EVENT_TYPE_OF, NotificationState, Preferences, Verdict, decide
from shared.events import Envelope, NotificationReplayRequested
from shared.models import Case, Coordinator, Notification, Referral
from shared.models.base import new_id, utcnow
from shared.notifications import preferences
from shared.notifications.inbox_feed import InboxItem
from shared.outbox.store import claim_many
from shared.runtime import logcontext
from shared.runtime.batches import Poisoned, report, run_split

__all__ = ["CONSUMER", "DeliveryFailed", "deliver", "handle", "handle_batch", "record"]

log = logging.getLogger(__name__)
CONSUMER = "notify"


# Errors that say the database or its connection went away: a batch meeting one is
# retried whole by its task, not split.
TRANSIENT = (OperationalError, InterfaceError)


def handle(*, envelope: Envelope, delivery: DeliveryContext) -> None:
    """Record and deliver the event's notifications (what `delivery` holds says how)."""
    event = envelope.event()
    if isinstance(event, NotificationReplayRequested):
        # The row was set back to pending with the event; delivery is idempotent, so a
        # redelivered replay finds it sent and does nothing.
        release(delivery.uow_factory, event.notification_id)
        ids = [event.notification_id]
    else:
        recorded = record(envelope=envelope, delivery=delivery, now=delivery.clock())
        _push(delivery, [recorded])
        if recorded.first_time:
            # Rows due now were recorded leased to this task: no second look for them.
            send_leased(delivery, leased=recorded.leased, budget_seconds=delivery.budget_seconds)
            return
        if not recorded.again:
            return
        # A redelivered event: send what the first attempt left, unless someone holds it.
        ids = _undelivered(delivery.uow_factory, [envelope.id])
    deliver(delivery, notification_ids=ids, budget_seconds=delivery.budget_seconds)


def handle_batch(*, envelopes: list[Envelope], delivery: DeliveryContext) -> None:
    """Record the notifications of a batch of events in one transaction (one claim
    statement, one insert per table), then deliver them all.

    A batch whose recording fails is split (shared.runtime.batches) until the event that
    fails alone is found; the others are recorded and delivered. Those are logged and
    raised at the end as PoisonedEvents (the message ends as failed; the reconciliation
    sweep offers them again later). A delivery that failed raises DeliveryFailed after
    the whole batch was tried, and the task's retry sends what is left."""
    replays: list[uuid.UUID] = []
    others: list[Envelope] = []
    poisoned: list[Poisoned[Envelope]] = []
    for envelope in envelopes:
        try:
            event = envelope.event()
        except ValueError as exc:  # an unknown type, a payload that is not the type's
            poisoned.append(Poisoned(envelope, exc))
            continue
        if isinstance(event, NotificationReplayRequested):
            replays.append(event.notification_id)
        else:
            others.append(envelope)
    recorded: dict[uuid.UUID, Recorded] = {}

    def work(part: Sequence[Envelope]) -> None:
        found = record_many(envelopes=list(part), delivery=delivery, now=delivery.clock())
        recorded.update(zip((e.id for e in part), found, strict=True))

    poisoned += run_split(others, work, transient=TRANSIENT)
    _push(delivery, recorded.values())
    leased = [row for result in recorded.values() for row in result.leased]
    again = [e.id for e in others if e.id in recorded and recorded[e.id].again]
    for notification_id in replays:
        # The row was set back to pending with the event; delivery is idempotent, so a
        # redelivered replay finds it sent and does nothing.
        release(delivery.uow_factory, notification_id)
    try:
        send_leased(delivery, leased=leased, budget_seconds=delivery.budget_seconds)
    finally:
        # A redelivered event: send what the first attempt left, unless someone holds it.
        ids = [*replays, *_undelivered(delivery.uow_factory, again)]
        if ids:
            deliver(delivery, notification_ids=ids, budget_seconds=delivery.budget_seconds)
    report(poisoned, what="recorded")  # after the others were delivered


def _push(delivery: DeliveryContext, recorded: Iterable[Recorded]) -> None:
    """Each new in-app entry to its recipient's open pages (the live inbox feed)."""
    if delivery.inbox is None:
        return
    for result in recorded:
        for recipient, item in result.pushes:
            delivery.inbox.publish(recipient, item)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What record() wrote: in-app entries to push live, and the external rows due now,
    leased to the caller (empty when the event had been recorded before)."""

    first_time: bool
    # Recorded before (a redelivered event of a kind notify handles): what that attempt
    # left undelivered is to be sent.
    again: bool = False
    pushes: list[tuple[str, InboxItem]] = field(default_factory=list)
    leased: list[Leased] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Row:
    channel: str
    address: str
    state: str
    not_before: datetime | None


def record(
    *, envelope: Envelope, delivery: DeliveryContext, now: datetime | None = None
) -> Recorded:
    """Write every notification the event calls for (recipients.py says whom and what,
    the recipient's preferences how and when). External rows due now are written leased
    to the caller, who sends them next (a caller that dies leaves them to the sweep when
    the lease runs out)."""
    return record_many(envelopes=[envelope], delivery=delivery, now=now)[0]


def record_many(
    *, envelopes: list[Envelope], delivery: DeliveryContext, now: datetime | None = None
) -> list[Recorded]:
    """record() for several events in one transaction, with one claim statement; one
    Recorded per envelope, in order."""
    now = now or utcnow()
    results = [Recorded(first_time=False) for _ in envelopes]
    wanted = []
    for position, envelope in enumerate(envelopes):
        if recipients.handles(envelope.event()):
            wanted.append(position)
        else:
            log.info("notify ignores %s %s", envelope.type, envelope.id)
    if not wanted:
        return results
    with delivery.uow_factory() as uow:
        fresh = claim_many(
            uow.session, consumer=CONSUMER, event_ids=[envelopes[i].id for i in wanted]
        )
        # Held while recording: the session's identity map keeps only weak references.
        kept = _preload(uow.session, [envelopes[i] for i in wanted if envelopes[i].id in fresh])
        for position in wanted:
            envelope = envelopes[position]
            if envelope.id in fresh:
                fresh.discard(envelope.id)  # the same event twice in a batch: once
                with logcontext.correlated(envelope.correlation_id):
                    results[position] = _record_one(uow.session, envelope, delivery, now)
            else:
                results[position] = Recorded(first_time=False, again=True)
        uow.commit()
        del kept
    return results


def _preload(session: Session, envelopes: list[Envelope]) -> list[object]:
    """The cases, tasks and coordinators a batch's events name, read in one statement
    each, so that every look-up of them while recording finds them in the session
    instead of asking the database once per event."""
    ids: dict[str, set[uuid.UUID]] = {"case": set(), "referral": set(), "coordinator": set()}
    for envelope in envelopes:
        payload = envelope.payload
        for kind in ids:
            one = payload.get(f"{kind}_id")
            if one:
                ids[kind].add(uuid.UUID(str(one)))
            for many in payload.get(f"{kind}_ids") or ():
                ids[kind].add(uuid.UUID(str(many)))
    loaded: list[object] = []
    for model, wanted in ((Case, ids["case"]), (Referral, ids["referral"]),
                          (Coordinator, ids["coordinator"])):  # fmt: skip
        if wanted:
            loaded += session.scalars(select(model).where(model.id.in_(wanted))).all()
    return loaded


def _record_one(
    session: Session, envelope: Envelope, delivery: DeliveryContext, now: datetime
) -> Recorded:
    event = envelope.event()
    channels, lease = delivery.channels, delivery.lease
    recorded = Recorded(first_time=True)
    feeds = {name: c.feed for name, c in channels.items() if c.feed is not None}
    plan = recipients.with_feeds(recipients.plan(session, event), feeds)
    for recipient in plan.recipients:
        context = message_context(
            session,
            plan=plan,
            recipient=recipient,
            base_url=delivery.base_url,
            action_links=delivery.action_links,
            now=utcnow(),
        )
        text = messages.render(recipient.kind, language=recipient.language, context=context)
        prefs = _preferences(session, recipient)
        for row in _rows(recipient, channels, prefs, urgency=context["urgency"], now=now):
            note = Notification(
                # Set here rather than at the flush: one flush at commit writes every
                # row of the event in one statement per table.
                id=new_id(),
                created_at=utcnow(),
                dedup_key=f"{envelope.id}:{recipient.key}:{row.channel}",
                event_id=envelope.id,
                kind=recipient.kind,
                case_id=plan.case_id,
                referral_id=plan.referral_id,
                coordinator_id=recipient.coordinator_id,
                channel=row.channel,
                address=row.address,
                language=recipient.language,
                subject=text.subject[:200],
                body=text.body,
                state=row.state,
                not_before=row.not_before,
            )
            if row.channel == INAPP:  # the row is the inbox entry: delivered on commit
                note.state, note.sent_at, note.attempts = NotificationState.SENT, utcnow(), 1
            elif row.state == NotificationState.PENDING and row.not_before is None:
                note.state, note.attempts, note.lease_until = (
                    NotificationState.SENDING,
                    1,
                    utcnow() + lease,
                )
                recorded.leased.append(Leased(note, str(context["tracking_code"])))
            session.add(note)
            if row.channel == INAPP:
                timeline(session, note, "notification_delivered")
                recorded.pushes.append((recipient.key, _inbox_item(note, recipient, context)))
    return recorded


def _preferences(session: Session, recipient: Recipient) -> Preferences:
    if recipient.coordinator_id is None or recipient.audience is not Audience.COORDINATOR:
        return Preferences()
    return preferences.load(session, str(recipient.coordinator_id))


def _rows(
    recipient: Recipient,
    channels: dict[str, Channel],
    prefs: Preferences,
    *,
    urgency: str,
    now: datetime,
) -> list[_Row]:
    rows = []
    for channel in (INAPP, *channels):
        address = recipient.addresses.get(channel)
        if not address:
            continue
        decision = decide(prefs, kind=recipient.kind, channel=channel, urgency=urgency, now=now)
        if decision.verdict is Verdict.SKIP:
            continue
        state = (
            NotificationState.HELD
            if decision.verdict is Verdict.HOLD
            else NotificationState.PENDING
        )
        rows.append(_Row(channel, address, state, decision.not_before))
    return rows


def _inbox_item(note: Notification, recipient: Recipient, context: dict[str, Any]) -> InboxItem:
    titles = {
        language: messages.render(recipient.kind, language=language, context=context).subject
        for language in ("id", "en")
    }
    return InboxItem(
        id=str(note.id),
        event_type=EVENT_TYPE_OF.get(note.kind, note.kind),
        case_id=str(note.case_id),
        tracking_code=str(context["tracking_code"]),
        urgency=str(context["urgency"]),
        created_at=note.created_at.isoformat(),
        title_id=titles["id"],
        title_en=titles["en"],
    )


def _undelivered(uow_factory: UowFactory, event_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    if not event_ids:
        return []
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Notification.id).where(
                    Notification.event_id.in_(event_ids),
                    Notification.channel != INAPP,
                    Notification.state.in_(
                        (
                            NotificationState.PENDING,
                            NotificationState.FAILED,
                            NotificationState.SENDING,
                        )
                    ),
                )
            )
        )
