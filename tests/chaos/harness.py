"""One chaos run: the real stack on its own Redis, referrals pouring in, one fault part-way
through, then the ledger."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.config import Settings
from shared.db import UowFactory
from tests.chaos import ledger
from tests.chaos.load import Load
from tests.chaos.servers import RedisServer, WebhookReceiver
from tests.e2e.stack import SmtpServer, Stack
from tests.support.auth import DATA_KEY, SECRET

# A fixed test secret: "whsec_" and the base64 of 32 bytes.
WEBHOOK_SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
QUIET_TIMEOUT = 300.0


@dataclass
class Harness:
    stack: Stack
    redis: RedisServer
    smtp: SmtpServer
    webhook: WebhookReceiver
    uow_factory: UowFactory
    villages: list[str]
    referrals: int

    def run(
        self,
        fault: str,
        inject: Callable[[Harness, Load], dict[str, Any]],
        *,
        at: float = 0.3,
        repeats_allowed: int = 0,
    ) -> ledger.Counts:
        """Submit the referrals; when `at` of them are accepted, inject the fault (its
        return value joins the report); wait until quiet and count. `repeats_allowed`: the
        sends the fault may repeat (ledger.Counts)."""
        prefix = f"chaos-{uuid.uuid4().hex[:8]}-"
        load = Load(
            base_url=self.stack.base_url, villages=self.villages, total=self.referrals,
            prefix=prefix,
        )  # fmt: skip
        started = time.monotonic()
        submitting = threading.Thread(target=load.run, name="load")
        submitting.start()
        extra: dict[str, Any] = {}
        try:
            load.wait_accepted(int(self.referrals * at), timeout=300)
            extra = inject(self, load)
        finally:
            submitting.join()
        submitted_s = time.monotonic() - started
        quiet_after, settled = ledger.wait_quiet(
            self.stack, self.uow_factory, prefix, timeout=QUIET_TIMEOUT
        )
        extra = {
            **extra,
            "submitting took": f"{submitted_s:.1f} s "
            f"({len(load.outcome.accepted) / submitted_s:.0f} referrals/s)",
        }
        counts = ledger.count(
            fault=fault,
            submitted=self.referrals,
            outcome=load.outcome,
            uow_factory=self.uow_factory,
            prefix=prefix,
            smtp=self.smtp,
            webhook=self.webhook,
            quiet_after=quiet_after,
            settled=settled,
            repeats_allowed=repeats_allowed,
            extra=extra,
        )
        print(counts.report())
        if counts.problems():  # the processes' last words, to start the diagnosis
            for name in self.stack.supervisor.names:
                print(f"--- last lines of {name} ---")
                print("\n".join(self.stack.supervisor.output(name)[-40:]))
        return counts


def stack_for(
    *, database_url: str, redis_url: str, smtp: SmtpServer, webhook: WebhookReceiver
) -> Stack:
    settings = Settings(
        environment="test",
        secret_key=SECRET,
        data_key=DATA_KEY,
        database_url=database_url,
        redis_url=redis_url,
        broker_key_prefix="",
        visibility_timeout_seconds=10,
        task_time_limit_seconds=8,
    )
    return Stack(
        settings=settings,
        smtp_port=smtp.port,
        # Thousands of referrals make hundreds of thousands of log lines: keep them off the
        # terminal (SEKBER_CHAOS_ECHO=1 shows them); a run that breaks a promise prints
        # each process's last lines instead.
        echo=os.environ.get("SEKBER_CHAOS_ECHO") == "1",
        extra_env={
            # The sweep is part of the design under test: on, with a short threshold.
            "SEKBER_RECONCILE_AFTER_SECONDS": "60",
            "SEKBER_RECONCILE_EVERY_SECONDS": "10",
            "SEKBER_WEBHOOK_URL": webhook.url,
            "SEKBER_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SEKBER_DEADLINE_SCAN_SECONDS": "30",
        },
    )


def unacked_tags(stack: Stack, queue: str) -> set[str]:
    """Delivery tags of the messages taken from `queue` and not yet acknowledged."""
    raw = stack.redis.hgetall(stack.settings.broker_key_prefix + "unacked")
    tags = set()
    for tag, value in raw.items():
        _message, _exchange, routing_key = json.loads(value)
        if routing_key == queue:
            tags.add(tag.decode() if isinstance(tag, bytes) else tag)
    return tags


def seconds_until_restored(stack: Stack, tags: set[str], *, timeout: float = 60) -> float:
    """How long kombu took to put a dead worker's unacknowledged messages back."""
    started = time.monotonic()
    key = stack.settings.broker_key_prefix + "unacked"
    while time.monotonic() - started < timeout:
        if not any(stack.redis.hexists(key, tag) for tag in tags):
            break
        time.sleep(0.2)
    return time.monotonic() - started
