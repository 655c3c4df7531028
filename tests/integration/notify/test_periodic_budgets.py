"""The notify sweep and the daily digests stop starting new sends when their time budget
is spent, so that the task ends inside the broker's visibility timeout, and leave the
rest, untouched and still due, to their next run.

Coordinators live in the made-up province 41. The rows are due at a moment in 2001 that
no other test uses, so a sweep at that moment sees only this test's rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.notify import digest, sweep
from services.notify.channels.base import Channel
from shared.db import UowFactory
from shared.domain.notice import JAKARTA, RetryPolicy
from shared.models import Notification
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import delivery
from tests.support.made_up_regions import village_in

RETRY = RetryPolicy(fast_attempts=1, schedule=(60, 600))
# 08:00 WIB on a day of 2001: after the digest hour, and a day of its own for the digests'
# dedup keys.
MOMENT = datetime(2001, 3, 6, 8, 0, tzinfo=JAKARTA).astimezone(UTC)


def recipients(uow_factory: UowFactory, count: int) -> list[tuple[uuid.UUID, scenes.Scene]]:
    """Coordinators of province 41, each with a case of their own."""
    village = village_in(uow_factory, "41")
    made = []
    for _ in range(count):
        coordinator = scenes.coordinator(uow_factory, pillar="TKSK", region=village[:8])
        made.append(
            (coordinator, scenes.open_case(uow_factory, village=village, assigned_to=coordinator))
        )
    return made


def email_row(
    uow_factory: UowFactory,
    coordinator: uuid.UUID,
    scene: scenes.Scene,
    *,
    state: str,
    not_before: datetime | None = None,
) -> uuid.UUID:
    with uow_factory() as uow:
        row = Notification(
            dedup_key=f"test-budget:{uuid.uuid4()}",
            event_id=uuid.uuid4(),
            kind="assignment",
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            coordinator_id=coordinator,
            channel="email",
            address=scenes.email_of(uow_factory, coordinator),
            language="id",
            subject=f"Tugas baru {scene.tracking_code}",
            body="Ada tugas baru untuk Anda.",
            state=state,
            not_before=not_before,
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def states(uow_factory: UowFactory, ids: list[uuid.UUID]) -> list[str]:
    with uow_factory() as uow:
        return [uow.session.get_one(Notification, i).state for i in ids]


def test_a_sweep_out_of_time_leaves_the_due_rows_to_the_next_sweep(
    uow_factory: UowFactory, channels: dict[str, Channel], smtp: SmtpServer
) -> None:
    rows = [
        email_row(uow_factory, coordinator, scene, state="pending", not_before=MOMENT)
        for coordinator, scene in recipients(uow_factory, 3)
    ]

    def sweep_once(budget_seconds: float) -> int:
        return sweep.sweep(
            delivery(uow_factory, channels, retry=RETRY, budget_seconds=budget_seconds),
            now=MOMENT + timedelta(seconds=1),
        )

    # A spent budget still sends one row, so that every sweep gets somewhere.
    assert sweep_once(0) == 1
    assert sorted(states(uow_factory, rows)) == ["pending", "pending", "sent"]
    assert sweep_once(0) == 1
    assert sweep_once(60) == 1  # the last one; a budget that lasts sends all there is
    assert states(uow_factory, rows) == ["sent"] * 3
    assert sweep_once(0) == 0

    with uow_factory() as uow:
        attempts = list(
            uow.session.scalars(select(Notification.attempts).where(Notification.id.in_(rows)))
        )
    assert attempts == [1, 1, 1]  # nothing was tried and given back


def test_digests_out_of_time_leave_the_other_recipients_held_for_the_next_run(
    uow_factory: UowFactory, channels: dict[str, Channel], smtp: SmtpServer
) -> None:
    people = recipients(uow_factory, 3)
    held = {
        coordinator: email_row(uow_factory, coordinator, scene, state="held")
        for coordinator, scene in people
    }

    def run() -> int:
        return digest.send_digests(
            delivery(uow_factory, channels, retry=RETRY, budget_seconds=0), hour=7, now=MOMENT
        )

    def digested() -> set[uuid.UUID]:
        return {c for c, row in held.items() if states(uow_factory, [row]) == ["digested"]}

    # Held rows of other tests may be in the database too: each run makes at most one
    # digest, whoever it is for, and leaves the others held.
    assert run() <= 1
    assert len(digested()) <= 1
    for _ in range(100):
        if digested() == set(held):
            break
        assert run() <= 1
    assert digested() == set(held)

    with uow_factory() as uow:
        digests = list(
            uow.session.scalars(
                select(Notification).where(
                    Notification.kind == "digest", Notification.coordinator_id.in_(list(held))
                )
            )
        )
    assert len(digests) == len(held)
    assert {d.coordinator_id for d in digests} == set(held)
    assert {d.state for d in digests} == {"sent"}
    assert run() == 0  # each has today's digest
