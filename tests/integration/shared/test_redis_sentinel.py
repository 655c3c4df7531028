"""Every way Sekber talks to Redis follows the primary when Sentinel moves it: the plain
and asyncio clients (live inbox, health, queue depths), the sign-in rate limits and the
broker, after the primary is killed and its replica promoted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from limits import parse
from limits.errors import StorageError
from limits.strategies import MovingWindowRateLimiter

from shared import bus
from shared.config import Settings
from shared.redisconn import clients
from tests.chaos.ha_servers import SentinelGroup
from tests.support.auth import SECRET

T = TypeVar("T")


@pytest.fixture
def group(tmp_path: Path) -> Iterator[SentinelGroup]:
    running = SentinelGroup(tmp_path / "sentinel").start()
    try:
        yield running
    finally:
        running.stop()


def eventually(step: Callable[[], T]) -> T:
    """`step`, tried again for up to 20 s while Redis errors say the move is not over."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return step()
        except (redis.RedisError, StorageError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _async_roundtrip(url: str, key: str) -> object:
    async def go() -> object:
        client = clients.async_client(url, socket_timeout=2)
        try:
            await client.set(key, b"async")
            return await client.get(key)
        finally:
            await client.aclose()

    # A thread of its own: another test in this process may have left a loop running here.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, go()).result()


def test_every_redis_client_follows_the_primary_after_a_failover(group: SentinelGroup) -> None:
    client = clients.client(group.url, socket_timeout=2)
    limiter = MovingWindowRateLimiter(clients.limits_storage(group.url, key_prefix="t"))
    settings = Settings(environment="test", secret_key=SECRET, redis_url=group.url)
    app = bus.make_celery(settings, name="sentinel-test")
    five = parse("5/minute")

    client.set("before", "1")
    assert limiter.hit(five, "someone")
    with app.producer_or_acquire() as producer:
        producer.publish({"n": 1}, routing_key="probe", exchange="", declare=[])

    group.primary.kill()
    group.wait_promoted()

    # A client's first command after the move may meet the dead primary, or a sentinel
    # that has not caught up yet; the next asks the sentinels again.
    eventually(lambda: client.set("after", "2"))
    assert client.get("before") == b"1"  # written before the kill, replicated
    assert eventually(lambda: _async_roundtrip(group.url, "async-key")) == b"async"
    assert eventually(lambda: limiter.hit(five, "someone"))
    assert limiter.get_window_stats(five, "someone").remaining == 3
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=10, interval_start=0.2, interval_step=0.2)
        producer = conn.Producer()
        producer.publish({"n": 2}, routing_key="probe", exchange="", declare=[])
        assert bus.waiting(producer, {"probe"}) == {"probe": 2}
        assert bus.replicated(producer, bus.replication(settings))  # no replica: no wait
    assert int(client.llen("probe")) == 2
    client.close()
