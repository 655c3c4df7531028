"""After a fault: wait until the system is quiet, then count what the clients were promised
against what the database holds and what the real SMTP and HTTP receivers got."""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text

from shared import bus
from shared.db import UowFactory
from tests.chaos.load import Outcome
from tests.chaos.servers import WebhookReceiver
from tests.e2e.stack import SmtpServer, Stack

ROUTING_EVENTS = ("ReferralAssigned", "ReferralOffered", "ReferralUnroutable")

# One row per case of this run (its Idempotency-Key carries the run's prefix).
_CASES = "SELECT id, status FROM cases WHERE idempotency_key LIKE :prefix"

_COUNTS = f"""
WITH run_cases AS ({_CASES}),
received AS (
    SELECT o.case_id, o.event_id FROM outbox o JOIN run_cases c ON c.id = o.case_id
    WHERE o.event_type = 'CaseReceived'),
routed AS (
    SELECT r.case_id, count(p.event_id) AS times FROM received r
    LEFT JOIN processed_events p ON p.consumer = 'routing' AND p.event_id = r.event_id
    GROUP BY r.case_id),
announced AS (
    SELECT o.event_id, count(p.event_id) AS times FROM outbox o
    JOIN run_cases c ON c.id = o.case_id
    LEFT JOIN processed_events p ON p.consumer = 'notify' AND p.event_id = o.event_id
    WHERE o.event_type IN :routing_events GROUP BY o.event_id)
SELECT
    (SELECT count(*) FROM run_cases) AS cases,
    (SELECT count(*) FROM run_cases WHERE status = 'received') AS unrouted,
    (SELECT count(*) FROM received) AS case_received_events,
    (SELECT count(*) FROM routed WHERE times = 1) AS routed_once,
    (SELECT count(*) FROM routed WHERE times > 1) AS routed_twice,
    (SELECT count(*) FROM referrals r JOIN run_cases c ON c.id = r.case_id) AS referrals,
    (SELECT count(*) FROM (
        SELECT r.case_id, r.rule_id FROM referrals r JOIN run_cases c ON c.id = r.case_id
        GROUP BY r.case_id, r.rule_id HAVING count(*) > 1) d) AS duplicate_referrals,
    (SELECT count(*) FROM announced) AS routing_events,
    (SELECT count(*) FROM announced WHERE times = 1) AS announced_once,
    (SELECT count(*) FROM announced WHERE times > 1) AS announced_twice,
    (SELECT count(*) FROM outbox o JOIN run_cases c ON c.id = o.case_id
        WHERE o.published_at IS NULL) AS unpublished,
    (SELECT coalesce(sum(o.republished), 0) FROM outbox o
        JOIN run_cases c ON c.id = o.case_id) AS republished
"""

_NOTIFICATIONS = f"""
SELECT n.id, n.event_id, n.channel, n.address, n.state
FROM notifications n JOIN ({_CASES}) c ON c.id = n.case_id
"""


@dataclass
class Counts:
    """The ledger of one chaos run; `problems()` lists every promise broken."""

    fault: str
    submitted: int
    accepted: int
    replayed: int
    retries: int
    client_errors: list[str]
    db: dict[str, int]
    notifications: dict[str, int]
    email: dict[str, int]
    webhook: dict[str, int]
    quiet_after: float
    # Quiet came within the harness's timeout: nothing left in the queues, the unacked set
    # or the outbox, no notification waiting.
    settled: bool = True
    # Sends the fault may repeat (a notify worker killed between a receiver taking a
    # message and the row being marked sent: at most one per sending thread, each with the
    # same Message-ID or webhook-id, docs/reliability.md).
    repeats_allowed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[str]:
        db, n, mail, hook = self.db, self.notifications, self.email, self.webhook
        repeats_allowed = self.repeats_allowed
        checks = {
            "every referral accepted (201)": self.accepted == self.submitted,
            "no client gave up": not self.client_errors,
            "cases in database == accepted": db["cases"] == self.accepted == db["same_ids"],
            "one CaseReceived per case": db["case_received_events"] == db["cases"],
            "every case routed exactly once": db["routed_once"] == db["cases"]
            and db["routed_twice"] == 0
            and db["unrouted"] == 0,
            "no task made twice": db["duplicate_referrals"] == 0,
            "one routing event per task": db["routing_events"] == db["referrals"],
            "every routing event announced exactly once": db["announced_once"]
            == db["routing_events"]
            and db["announced_twice"] == 0,
            "outbox drained": db["unpublished"] == 0,
            "every routing event has notifications": n["events_without"] == 0,
            "one notification per (event, recipient, channel)": n["duplicates"] == 0,
            "every external notification sent": n["not_sent"] == 0,
            "every e-mail received": mail["missing"] == 0,
            "no e-mail received twice": mail["twice"] <= repeats_allowed,
            "every webhook received": hook["missing"] == 0,
            "no webhook received twice": hook["twice"] <= repeats_allowed,
            "everything settled (queues, unacked set, outbox)": self.settled,
        }
        return [name for name, held in checks.items() if not held]

    def report(self) -> str:
        lines = [
            f"chaos: {self.fault}",
            f"  clients: {self.submitted} submitted, {self.accepted} accepted (201), "
            f"{self.replayed} answered as replays, {self.retries} retries, "
            f"{len(self.client_errors)} gave up",
            "  database: " + ", ".join(f"{k}={v}" for k, v in self.db.items()),
            "  notifications: " + ", ".join(f"{k}={v}" for k, v in self.notifications.items()),
            "  SMTP receiver: " + ", ".join(f"{k}={v}" for k, v in self.email.items()),
            "  webhook receiver: " + ", ".join(f"{k}={v}" for k, v in self.webhook.items()),
            f"  quiet {self.quiet_after:.1f} s after the last 201"
            if self.settled
            else f"  NOT quiet {self.quiet_after:.1f} s after the last 201",
        ]
        lines += [f"  {k}: {v}" for k, v in self.extra.items() if not k.startswith("_")]
        broken = self.problems()
        repeated = self.email["twice"] + self.webhook["twice"]
        if broken:
            lines.append("  BROKEN: " + "; ".join(broken))
        elif repeated:
            lines.append(
                f"  all promises kept ({repeated} sends repeated, in flight at the kill; "
                f"at most {self.repeats_allowed} a channel allowed)"
            )
        else:
            lines.append("  all promises kept")
        return "\n".join(lines)


def _scalar_row(uow_factory: UowFactory, sql: str, **params: Any) -> dict[str, int]:
    stmt = text(sql)
    if "routing_events" in params:
        stmt = stmt.bindparams(bindparam("routing_events", expanding=True))
    with uow_factory() as uow:
        row = uow.session.execute(stmt, params).mappings().one()
    return {k: int(v) for k, v in row.items()}


def _notifications(uow_factory: UowFactory, prefix: str) -> list[Any]:
    with uow_factory() as uow:
        return list(uow.session.execute(text(_NOTIFICATIONS), {"prefix": prefix + "%"}))


def quiet(stack: Stack, uow_factory: UowFactory, prefix: str) -> bool:
    """Nothing left to do: every case routed, the outbox drained, no notification waiting,
    and the broker's queues and unacked set empty."""
    params = {"prefix": prefix + "%", "routing_events": list(ROUTING_EVENTS)}
    try:
        db = _scalar_row(uow_factory, _COUNTS, **params)
        waiting = sum(
            1
            for n in _notifications(uow_factory, prefix)
            if n.channel != "inapp" and n.state in ("pending", "sending", "failed")
        )
        broker = (
            stack.queue_length(bus.QUEUE_ROUTING)
            + stack.queue_length(bus.QUEUE_NOTIFY)
            + stack.unacked()
        )
    except Exception:
        return False
    return (
        db["unrouted"] == 0
        and db["unpublished"] == 0
        and db["announced_once"] + db["announced_twice"] == db["routing_events"]
        and waiting == 0
        and broker == 0
    )


def wait_quiet(
    stack: Stack, uow_factory: UowFactory, prefix: str, *, timeout: float
) -> tuple[float, bool]:
    """Seconds until quiet twice in a row 2 s apart, and whether that came; at the timeout,
    give up and count anyway (the counts then say what is missing)."""
    started = time.monotonic()
    streak = 0
    while time.monotonic() - started < timeout:
        streak = streak + 1 if quiet(stack, uow_factory, prefix) else 0
        if streak >= 2:
            return time.monotonic() - started, True
        time.sleep(2)
    return time.monotonic() - started, False


def count(
    *,
    fault: str,
    submitted: int,
    outcome: Outcome,
    uow_factory: UowFactory,
    prefix: str,
    smtp: SmtpServer,
    webhook: WebhookReceiver,
    quiet_after: float,
    settled: bool = True,
    repeats_allowed: int = 0,
    extra: dict[str, Any] | None = None,
) -> Counts:
    params = {"prefix": prefix + "%", "routing_events": list(ROUTING_EVENTS)}
    db = _scalar_row(uow_factory, _COUNTS, **params)
    with uow_factory() as uow:
        ids = {str(i) for i in uow.session.scalars(text(_CASES).columns(), params)}
    db["same_ids"] = len(ids & {case_id for case_id, _ in outcome.accepted.values()})

    rows = _notifications(uow_factory, prefix)
    per_key = collections.Counter((r.event_id, r.channel, r.address) for r in rows)
    with uow_factory() as uow:
        routing_event_ids = set(
            uow.session.scalars(
                text(
                    f"SELECT o.event_id FROM outbox o JOIN ({_CASES}) c "
                    "ON c.id = o.case_id WHERE o.event_type IN :routing_events"
                ).bindparams(bindparam("routing_events", expanding=True)),
                params,
            )
        )
    notified = {r.event_id for r in rows}
    by_channel = collections.Counter(r.channel for r in rows)
    notifications = {
        "rows": len(rows),
        **{f"{c}": k for c, k in sorted(by_channel.items())},
        "events_without": len(routing_event_ids - notified),
        "duplicates": sum(1 for v in per_key.values() if v > 1),
        "not_sent": sum(1 for r in rows if r.channel != "inapp" and r.state != "sent"),
        "dead": sum(1 for r in rows if r.state == "dead"),
    }
    emails = {str(r.id) for r in rows if r.channel == "email"}
    got = collections.Counter(
        str(m["X-Sekber-Notification-Id"]) for _, m in smtp.mailbox.received()
    )
    message_ids = {str(m["Message-ID"]) for _, m in smtp.mailbox.received()}
    hooks = {str(r.id) for r in rows if r.channel == "webhook"}
    got_hooks = webhook.counts()
    return Counts(
        fault=fault,
        submitted=submitted,
        accepted=len(outcome.accepted),
        replayed=outcome.replayed,
        retries=outcome.retries,
        client_errors=list(outcome.errors),
        db=db,
        notifications=notifications,
        email={
            "expected": len(emails),
            "received": sum(got[i] for i in emails),
            "distinct": len(emails & set(got)),
            "message_ids": len(message_ids),
            "missing": len(emails - set(got)),
            "twice": sum(1 for i in emails if got[i] > 1),
            "unknown": sum(v for k, v in got.items() if k not in emails),
        },
        webhook={
            "expected": len(hooks),
            "received": sum(got_hooks[i] for i in hooks),
            "missing": len(hooks - set(got_hooks)),
            "twice": sum(1 for i in hooks if got_hooks[i] > 1),
            "unknown": sum(v for k, v in got_hooks.items() if k not in hooks),
        },
        quiet_after=quiet_after,
        settled=settled,
        repeats_allowed=repeats_allowed,
        extra=dict(extra or {}),
    )
