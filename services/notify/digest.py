"""The daily digest: low-urgency alerts held for a recipient (state `held`, see
policy.decide) go out as one message per recipient and channel, once a day from
SEKBER_DIGEST_HOUR_WIB on.

Idempotent per (recipient, channel, day): the digest's dedup key carries the local date,
so a second run that day, or two at once, makes no second digest; alerts held after
today's digest wait for tomorrow's. The digest lists tracking codes, categories, villages
and urgencies only: no names, no NIK.

A run with a time budget starts no new digest once it is spent (it always makes one):
the task must end inside the broker's visibility timeout. Recipients it left keep their
alerts held, and the next run (every few minutes) makes and sends their digests.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.notify import gap_digest, messages
from services.notify.context import case_context
from services.notify.delivery import DIGEST, deliver
from services.notify.delivery_context import DeliveryContext
from services.notify.wording import URGENCY_ID, local_time
from shared.db import UowFactory
from shared.domain.notice import NotificationState, digest_due, local_day, quiet_until
from shared.models import Case, Coordinator, Notification
from shared.notifications import preferences
from shared.runtime.budget import Budget

log = logging.getLogger(__name__)
# What a digest says of each case: no initials, no names, no NIK.
DIGEST_FIELDS = (
    "tracking_code",
    "category_code",
    "category_id",
    "category_en",
    "village",
    "kab_kota",
    "urgency",
)
NAMESPACE = uuid.UUID("6f1d9a52-5d43-4d1c-9d0e-0c1f7a3b2e11")


@dataclass(frozen=True, slots=True)
class Group:
    coordinator_id: uuid.UUID
    channel: str


def send_digests(
    delivery: DeliveryContext,
    *,
    hour: int,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Make today's digests if it is time, send them; return how many were made."""
    if not digest_due(now, hour=hour):
        return 0
    uow_factory, budget_seconds = delivery.uow_factory, delivery.budget_seconds
    budget = Budget(budget_seconds, clock=clock)
    with uow_factory() as uow:
        groups = list(
            dict.fromkeys(
                Group(coordinator_id, channel)
                for coordinator_id, channel in uow.session.execute(
                    select(Notification.coordinator_id, Notification.channel)
                    .where(
                        Notification.state == NotificationState.HELD,
                        Notification.coordinator_id.is_not(None),
                    )
                    .order_by(Notification.coordinator_id, Notification.channel)
                )
                if coordinator_id is not None
            )
        )
    made = 0
    for done, group in enumerate(groups):
        if budget.spent(done):
            log.warning(
                "digests stopped after their budget of %.1fs with %d recipient channel(s) "
                "left; the next run makes and sends theirs",
                budget_seconds,
                len(groups) - done,
            )
            break
        # Made and sent together, so that a run never leaves a digest made and unsent.
        digest_id = _make(uow_factory, group, base_url=delivery.base_url, now=now)
        if digest_id is None:
            continue
        made += 1
        deliver(delivery, notification_ids=[digest_id], in_task=False, now=now)
    # The province supervisors' weekly digest of service gaps, once its week is due; after
    # the coordinators' digests, so that a failure here (the task fails and the next check
    # tries again) never holds theirs back.
    gap_digest.send_weekly(uow_factory, hour=hour, now=now, base_url=delivery.base_url)
    return made


def dedup_key(group: Group, now: datetime) -> str:
    return f"digest:{group.coordinator_id}:{group.channel}:{local_day(now).isoformat()}"


def _make(
    uow_factory: UowFactory, group: Group, *, base_url: str, now: datetime
) -> uuid.UUID | None:
    key = dedup_key(group, now)
    with uow_factory() as uow:
        session = uow.session
        if session.scalar(select(Notification.id).where(Notification.dedup_key == key)):
            return None  # today's digest is out; what was held since waits for tomorrow
        held = list(
            session.scalars(
                select(Notification)
                .where(
                    Notification.state == NotificationState.HELD,
                    Notification.coordinator_id == group.coordinator_id,
                    Notification.channel == group.channel,
                )
                .order_by(Notification.created_at, Notification.id)
                .with_for_update()
            )
        )
        if not held:
            return None
        coordinator = session.get_one(Coordinator, group.coordinator_id)
        items = []
        for case_id in dict.fromkeys(n.case_id for n in held):
            facts = case_context(session, case=session.get_one(Case, case_id), base_url=base_url)
            item = {k: facts[k] for k in DIGEST_FIELDS}
            item["urgency_id"] = URGENCY_ID.get(item["urgency"], item["urgency"])
            items.append(item)
        text = messages.render(
            DIGEST,
            language=coordinator.language,
            context={
                "recipient": coordinator.name,
                "urgency": "low",
                "items": items,
                "day_id": local_time(now, "id").rsplit(" ", 2)[0],
                "day_en": local_time(now, "en").rsplit(" ", 2)[0],
                "link": f"{base_url.rstrip('/')}/api/v1/inbox",
            },
        )
        prefs = preferences.load(session, str(group.coordinator_id))
        note = Notification(
            dedup_key=key,
            event_id=uuid.uuid5(NAMESPACE, key),
            kind=DIGEST,
            case_id=held[0].case_id,
            coordinator_id=group.coordinator_id,
            channel=group.channel,
            address=held[-1].address,
            language=coordinator.language,
            subject=text.subject[:200],
            body=text.body,
            state=NotificationState.PENDING,
            not_before=quiet_until(prefs, now),
        )
        session.add(note)
        session.flush()
        for row in held:
            row.state, row.digest_id = NotificationState.DIGESTED, note.id
        try:
            uow.commit()
        except IntegrityError:  # another run made today's digest first
            log.info("digest %s was made by another run", key)
            return None
        return note.id
