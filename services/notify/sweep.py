"""The periodic sweep: send every external notification that is due and nobody sends.

That is a row whose retry time or quiet hours ended (`not_before`), a row whose sender
died while holding it (its lease ran out), and a row the event task never finished
(pending or failed, with no time set, for longer than `ORPHAN_AFTER`). The scheduler
sends the sweep to the notify queue every SEKBER_NOTIFY_SWEEP_SECONDS; two sweeps at once
are harmless, as each row is leased before it is sent. A sweep with a time budget starts
no new send once it is spent (it always tries one row): the task must end inside the
broker's visibility timeout. The rows it left are still due, so the next sweep sends them.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.notify.delivery import deliver
from services.notify.delivery_context import DeliveryContext
from shared.domain.notice import INAPP, NotificationState
from shared.models import Notification
from shared.runtime.budget import Budget

log = logging.getLogger(__name__)
ORPHAN_AFTER = timedelta(minutes=5)
BATCH = 500


def due(session: Session, *, now: datetime, limit: int = BATCH) -> list[uuid.UUID]:
    waiting = Notification.state.in_((NotificationState.PENDING, NotificationState.FAILED))
    return list(
        session.scalars(
            select(Notification.id)
            .where(
                Notification.channel != INAPP,
                or_(
                    waiting & (Notification.not_before <= now),
                    and_(
                        Notification.state == NotificationState.SENDING,
                        Notification.lease_until < now,
                    ),
                    waiting
                    & Notification.not_before.is_(None)
                    & (Notification.created_at < now - ORPHAN_AFTER),
                ),
            )
            .order_by(Notification.created_at, Notification.id)
            .limit(limit)
        )
    )


def sweep(
    delivery: DeliveryContext,
    *,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Send what is due; return how many rows were tried. A failure is scheduled for its
    next retry (never retried by this task)."""
    budget_seconds = delivery.budget_seconds
    budget = Budget(budget_seconds, clock=clock)
    with delivery.uow_factory() as uow:
        ids = due(uow.session, now=now)
    for tried, notification_id in enumerate(ids):
        if budget.spent(tried):
            log.warning(
                "notify sweep stopped after its budget of %.1fs with %d due row(s) left; "
                "the next sweep sends them",
                budget_seconds,
                len(ids) - tried,
            )
            return tried
        deliver(delivery, notification_ids=[notification_id], in_task=False, now=now)
    return len(ids)
