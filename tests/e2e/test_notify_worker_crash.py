"""A notify worker killed with SIGKILL in the middle of sending an e-mail: the message
comes back from Redis to the restarted worker, the row the dead worker had leased is sent
again by the sweep once its lease runs out, and every recipient gets one message per
channel.

The SMTP server is made slow inside DATA so the kill lands mid-send. Two receivers:
one takes the mail with its 250 reply (aiosmtpd cancels the handler when the client
vanishes, as an MTA does when the connection drops before it accepted), one has taken
the mail before the kill cut its reply off: the remaining at-least-once edge, where the
resend carries the same Message-ID (docs/reliability.md, "Notify: a crash mid-send").
"""

from __future__ import annotations

import asyncio
import signal
import threading
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Notification
from tests.e2e.stack import Mailbox, SmtpServer, Stack, wait_until
from tests.e2e.test_referral_flow import east_java_villages, referral

SLOW_SECONDS = 3.0  # inside the 5 s SMTP timeout
# Redelivery (visibility timeout), then the dead worker's lease (60 s) and one sweep (30 s).
SETTLE_SECONDS = 180

Handler = Callable[[Any, Any, Any], Awaitable[str]]


class SlowData:
    """A handle_DATA that waits inside DATA, taking the mail before or after the wait."""

    def __init__(self, mailbox: Mailbox, *, take_first: bool) -> None:
        self.original: Handler = mailbox.take
        self.take_first = take_first
        self.entered = threading.Event()

    async def __call__(self, server: Any, session: Any, envelope: Any) -> str:
        self.entered.set()
        if self.take_first:
            status = await self.original(server, session, envelope)
            await asyncio.sleep(SLOW_SECONDS)
            return status
        # Cancelled here if the client goes away: the mail was never taken.
        await asyncio.sleep(SLOW_SECONDS)
        return await self.original(server, session, envelope)


def rows(uow_factory: UowFactory, case_id: uuid.UUID) -> list[Notification]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(select(Notification).where(Notification.case_id == case_id))
        )


def kill_notify_mid_send(
    stack: Stack,
    smtp: SmtpServer,
    uow_factory: UowFactory,
    monkeypatch: pytest.MonkeyPatch,
    *,
    take_first: bool,
) -> tuple[dict[str, Any], list[Notification]]:
    slow = SlowData(smtp.mailbox, take_first=take_first)
    monkeypatch.setattr(smtp.mailbox, "intercept", slow)
    [village] = east_java_villages(uow_factory, 1)
    case = stack.post_referral(referral("GEL", village))
    assert slow.entered.wait(timeout=90), "notify never reached the SMTP server's DATA"
    stack.supervisor.kill("notify", signal.SIGKILL)
    wait_until(lambda: not stack.supervisor.alive("notify"), timeout=30, what="notify to die")
    [leased] = [n for n in rows(uow_factory, uuid.UUID(case["case_id"])) if n.channel == "email"]
    assert leased.state == "sending", "the kill landed while the e-mail was being sent"

    stack.supervisor.start_one("notify")
    stack.wait_worker_ready("notify")
    settled = wait_until(
        lambda: (
            (found := rows(uow_factory, uuid.UUID(case["case_id"])))
            and all(n.state == "sent" for n in found)
            and found
        ),
        timeout=SETTLE_SECONDS,
        what="every notification of the case sent after the restart",
    )
    return case, settled


def assert_one_row_per_recipient_and_channel(notes: list[Notification]) -> None:
    keys = Counter((n.event_id, n.coordinator_id, n.channel) for n in notes)
    assert keys and set(keys.values()) == {1}
    [email] = [n for n in notes if n.channel == "email"]
    assert email.attempts == 2  # the killed attempt and the one after the lease ran out


def test_a_notify_worker_killed_mid_send_still_sends_each_message_once(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, notes = kill_notify_mid_send(stack, smtp, uow_factory, monkeypatch, take_first=False)

    assert_one_row_per_recipient_and_channel(notes)
    mails = smtp.mailbox.for_tracking_code(case["tracking_code"])
    [email] = [n for n in notes if n.channel == "email"]
    assert [m["To"] for m in mails] == [email.address]
    assert mails[0]["X-Sekber-Notification-Id"] == str(email.id)


def test_a_mail_taken_just_before_the_kill_comes_again_with_the_same_message_id(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, notes = kill_notify_mid_send(stack, smtp, uow_factory, monkeypatch, take_first=True)

    assert_one_row_per_recipient_and_channel(notes)
    mails = smtp.mailbox.for_tracking_code(case["tracking_code"])
    [email] = [n for n in notes if n.channel == "email"]
    # At-least-once: the server had it, the sender never heard; the resend is the same mail.
    assert len(mails) == 2
    assert {m["Message-ID"] for m in mails} == {mails[0]["Message-ID"]}
    assert {m["X-Sekber-Notification-Id"] for m in mails} == {str(email.id)}
