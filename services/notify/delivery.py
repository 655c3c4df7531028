"""Sending recorded notifications: lease a row, hand it to its channel, mark the outcome.

A row is leased (`state = sending`, `lease_until`) while it is sent, so a second sender
leaves it alone; it is marked `sent` after the channel accepted it. A sender killed in
between leaves the lease to run out; the sweep (sweep.py) then sends the row again, with
the same notification id, which every provider receives as its idempotency key. A row
with `not_before` in the future (quiet hours, a scheduled retry) is not taken before then.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from services.notify.channels.base import (
    DeliveryError,
    OutgoingMessage,
    PermanentDeliveryError,
)
from services.notify.context import case_link
from services.notify.delivery_context import DEFAULT_LEASE, DeliveryContext
from shared.db import UowFactory
from shared.domain.notice import NotificationState
from shared.models import Case, Notification
from shared.models.base import utcnow
from shared.models.timeline import add_case_event

__all__ = ["DEFAULT_LEASE", "DIGEST", "DeliveryFailed", "Leased", "deliver", "send_leased"]

log = logging.getLogger(__name__)
DIGEST = "digest"
# Waits between attempts to mark a sent row (7.5 s in all, well inside the lease): a
# PostgreSQL restart found by the chaos suite took 0.5-2 s. A task still marking when its
# message's visibility timeout passes is harmless: the redelivered event finds the row
# leased and leaves it alone.
MARK_SENT_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)


class DeliveryFailed(Exception):
    """Some notifications could not be delivered yet; the task retries them."""


@dataclass(frozen=True, slots=True)
class Leased:
    """A row this sender holds (`state = sending`), with its case's tracking code."""

    note: Notification
    tracking_code: str


def deliver(
    delivery: DeliveryContext,
    *,
    notification_ids: list[uuid.UUID],
    in_task: bool = True,
    now: datetime | None = None,
    budget_seconds: float | None = None,
) -> None:
    """Send each notification that is due and not sent, dead or held by another sender.

    Raises DeliveryFailed when a row failed and is left for the task to retry at once
    (`in_task`, within the policy's fast attempts); a row with a later retry time waits
    for the sweep. With `budget_seconds`, no row is taken once that much time has gone:
    the rest are left as they are, for the next run."""
    started = time.monotonic()

    def rows() -> Iterator[Leased]:
        for position, notification_id in enumerate(notification_ids):
            if _spent(started, budget_seconds):
                _send_on(delivery, notification_ids[position:])
                return
            leased = _lease(delivery.uow_factory, notification_id, delivery.lease, now or utcnow())
            if leased is not None:
                yield leased

    _send_all(delivery, rows(), in_task=in_task)


def send_leased(
    delivery: DeliveryContext, *, leased: list[Leased], budget_seconds: float | None = None
) -> None:
    """Send rows that were recorded already leased to this sender (handlers.record), in
    the task that recorded them. Rows left when the budget is spent are handed back to the
    sweep (due now), not kept until their lease runs out."""
    started = time.monotonic()

    def rows() -> Iterator[Leased]:
        for position, row in enumerate(leased):
            if _spent(started, budget_seconds):
                left = [rest.note.id for rest in leased[position:]]
                _hand_back(delivery.uow_factory, left)
                _send_on(delivery, left)
                return
            yield row

    _send_all(delivery, rows(), in_task=True)


def _send_on(delivery: DeliveryContext, left: list[uuid.UUID]) -> None:
    """Rows a spent budget left (due now): to `delivery.later`, else to the sweep."""
    if delivery.later is None:
        log.info("delivery budget spent; %d row(s) left for the sweep", len(left))
        return
    log.info("delivery budget spent; %d row(s) sent on in a message of their own", len(left))
    delivery.later(left)


def _hand_back(uow_factory: UowFactory, ids: list[uuid.UUID]) -> None:
    """Rows leased but never tried go back to the sweep, due now, their attempt not counted."""
    with uow_factory() as uow:
        uow.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.state == NotificationState.SENDING)
            .values(
                state=NotificationState.PENDING,
                attempts=Notification.attempts - 1,
                lease_until=None,
                not_before=utcnow(),
            )
        )
        uow.commit()


def _spent(started: float, budget_seconds: float | None) -> bool:
    return budget_seconds is not None and time.monotonic() - started >= budget_seconds


def _send_all(delivery: DeliveryContext, rows: Iterator[Leased], *, in_task: bool) -> None:
    uow_factory, channels, retry = delivery.uow_factory, delivery.channels, delivery.retry
    base_url = delivery.base_url
    failures = []
    for row in rows:
        note = row.note
        channel = channels.get(note.channel)
        try:
            if channel is None:
                raise DeliveryError(f"channel {note.channel} is not configured")
            channel.send(_outgoing(note, row.tracking_code, base_url))
        except DeliveryError as exc:
            if isinstance(exc, PermanentDeliveryError):
                state, not_before = NotificationState.DEAD, None
            else:
                state, not_before = retry.after_failure(
                    note.attempts, in_task=in_task, now=utcnow()
                )
            _finish(uow_factory, note, state=state, error=str(exc), not_before=not_before)
            log.warning(
                "notification %s via %s failed (attempt %d, now %s): %s",
                note.id,
                note.channel,
                note.attempts,
                state,
                exc,
            )
            if state == NotificationState.FAILED and not_before is None:
                failures.append(note.id)
            continue
        # Marked at once, each on its own: a mark kept for later is a message sent again
        # when the sender dies or the database goes away first (the chaos suite's
        # PostgreSQL restart repeated 7 e-mails of a batch whose marks waited).
        _mark_sent(uow_factory, [note])
    if failures:
        raise DeliveryFailed(f"{len(failures)} notification(s) to retry")


def release(uow_factory: UowFactory, notification_id: uuid.UUID) -> None:
    """A replayed row (set back to pending) goes now, not at the retry time it had."""
    with uow_factory() as uow:
        uow.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id, Notification.state == NotificationState.PENDING
            )
            .values(not_before=None)
        )
        uow.commit()


def _outgoing(note: Notification, tracking_code: str, base_url: str) -> OutgoingMessage:
    if note.kind == DIGEST:  # several cases: the link leads to the inbox
        tracking_code, link = "", f"{base_url.rstrip('/')}/api/v1/inbox"
    else:
        link = case_link(base_url, note.case_id)
    return OutgoingMessage(
        str(note.id),
        note.address or "",
        note.subject,
        note.body,
        note.language,
        kind=note.kind,
        tracking_code=tracking_code,
        link=link,
    )


def _lease(
    uow_factory: UowFactory, notification_id: uuid.UUID, lease: timedelta, now: datetime
) -> Leased | None:
    """Take the row for sending unless it is not due, someone else holds it or it is done;
    with the case's tracking code."""
    with uow_factory() as uow:
        result = uow.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                or_(
                    Notification.state.in_((NotificationState.PENDING, NotificationState.FAILED))
                    & or_(Notification.not_before.is_(None), Notification.not_before <= now),
                    (Notification.state == NotificationState.SENDING)
                    & (Notification.lease_until < now),
                ),
            )
            .values(
                state=NotificationState.SENDING,
                attempts=Notification.attempts + 1,
                lease_until=now + lease,
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        note = uow.session.get_one(Notification, notification_id)
        tracking_code = uow.session.get_one(Case, note.case_id).tracking_code
        uow.commit()
        return Leased(note, tracking_code)


def _mark_sent(uow_factory: UowFactory, notes: list[Notification]) -> None:
    """Mark rows the channel accepted as sent, in one transaction, riding out a database
    that restarts meanwhile: given up, the rows would wait for their lease to run out and
    go again."""
    if not notes:
        return
    for delay in (*MARK_SENT_RETRY_DELAYS, None):
        try:
            with uow_factory() as uow:
                uow.session.execute(
                    update(Notification)
                    .where(Notification.id.in_([note.id for note in notes]))
                    .values(
                        state=NotificationState.SENT,
                        last_error=None,
                        lease_until=None,
                        not_before=None,
                        sent_at=utcnow(),
                    )
                )
                for note in notes:
                    timeline(uow.session, note, f"notification_{NotificationState.SENT}")
                uow.commit()
            return
        except (OperationalError, InterfaceError) as exc:
            if delay is None:
                raise
            log.warning(
                "%d notification(s) sent but not marked yet (%s); again in %.1fs",
                len(notes),
                type(exc).__name__,
                delay,
            )
            time.sleep(delay)


def _finish(
    uow_factory: UowFactory,
    note: Notification,
    *,
    state: str,
    error: str | None,
    not_before: datetime | None,
) -> None:
    """Record the outcome of the attempt on `note` (the row as leased, detached)."""
    values: dict[str, object] = {
        "state": state,
        "last_error": error,
        "lease_until": None,
        "not_before": not_before,
    }
    if state == NotificationState.SENT:
        values["sent_at"] = utcnow()
    with uow_factory() as uow:
        uow.session.execute(update(Notification).where(Notification.id == note.id).values(**values))
        timeline(uow.session, note, f"notification_{state}")
        uow.commit()


def timeline(session: Session, note: Notification, kind: str) -> None:
    """The delivery on the case's timeline; a digest's on the timeline of every case in it."""
    if note.kind == DIGEST:
        cases = list(
            session.scalars(
                select(Notification.case_id).where(Notification.digest_id == note.id).distinct()
            )
        )
    else:
        cases = [note.case_id]
    for case_id in cases:
        add_case_event(
            session,
            case_id=case_id,
            kind=kind,
            actor="notify",
            data={
                "channel": note.channel,
                "notification_id": str(note.id),
                "attempts": note.attempts,
                "kind": note.kind,
            },
        )
