"""The primary dies and its replica takes over, under load: Redis under Sentinel, and
PostgreSQL with a synchronous streaming standby promoted with `pg_ctl promote`.

The promises are the chaos suite's (every accepted case routed once, every notification
recorded and delivered once, counted at the real SMTP and webhook receivers), with no
repeat allowed; each test also prints how long routing stood still.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from sqlalchemy import text

from shared.db import UowFactory
from tests.chaos.ha_servers import SentinelGroup, StreamingPair
from tests.chaos.harness import Harness
from tests.chaos.load import Load

ROUTED = "SELECT count(*) FROM processed_events WHERE consumer = 'routing'"


class RoutingPulse:
    """Samples how many events routing has handled, five times a second, to find the
    longest time it handled none (a query that fails counts as no progress)."""

    def __init__(self, uow_factory: UowFactory) -> None:
        self._uow_factory = uow_factory
        self._stop = threading.Event()
        self._moves: list[float] = []
        self._thread = threading.Thread(target=self._run, name="pulse", daemon=True)

    def _count(self) -> int | None:
        try:
            with self._uow_factory() as uow:
                return int(uow.session.execute(text(ROUTED)).scalar_one())
        except Exception:  # the database is failing over: no progress seen
            return None

    def _run(self) -> None:
        last = self._count()
        while not self._stop.wait(0.2):
            now = self._count()
            if now is not None and last is not None and now > last:
                self._moves.append(time.monotonic())
            last = now if now is not None else last

    def start(self) -> RoutingPulse:
        self._thread.start()
        return self

    def longest_pause_after(self, moment: float) -> float:
        """The longest time without progress from `moment` to the last progress seen."""
        self._stop.set()
        self._thread.join()
        marks = [moment] + [at for at in self._moves if at > moment]
        return max((b - a for a, b in itertools.pairwise(marks)), default=0.0)


def test_a_redis_primary_killed_under_sentinel_loses_and_repeats_nothing(
    harness_sentinel: tuple[Harness, SentinelGroup],
) -> None:
    harness, group = harness_sentinel
    pulse = RoutingPulse(harness.uow_factory).start()
    moments: dict[str, float] = {}

    def kill_primary(h: Harness, load: Load) -> dict[str, Any]:
        queued = sum(map(h.stack.queue_length, ("sekber.routing", "sekber.notify")))
        moments["fault"] = time.monotonic()
        group.primary.kill()
        promoted = group.wait_promoted()
        return {
            "messages queued just before the kill": queued,
            "Sentinel promoted the replica after": f"{promoted:.1f} s",
        }

    counts = harness.run("Redis primary SIGKILL, Sentinel failover", kill_primary)
    pause = pulse.longest_pause_after(moments["fault"])
    print(f"  routing stood still for at most {pause:.1f} s after the kill")
    assert counts.problems() == []


def test_a_postgresql_primary_lost_and_its_standby_promoted_loses_and_repeats_nothing(
    harness_streaming_pair: tuple[Harness, StreamingPair],
) -> None:
    harness, pair = harness_streaming_pair
    pulse = RoutingPulse(harness.uow_factory).start()
    moments: dict[str, float] = {}

    def fail_over(h: Harness, load: Load) -> dict[str, Any]:
        moments["fault"] = time.monotonic()
        promoted = pair.fail_over()
        return {"standby took writes after": f"{promoted:.1f} s"}

    counts = harness.run("PostgreSQL primary lost, standby promoted", fail_over)
    pause = pulse.longest_pause_after(moments["fault"])
    print(f"  routing stood still for at most {pause:.1f} s after the primary stopped")
    assert counts.problems() == []
