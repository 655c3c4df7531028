"""Broker faults with real worker processes (tests/support/broker_app.py, Sekber's bus
settings and worker arguments) on a Redis of the test's own, really killed:

- a worker holding a message when Redis is killed reconnects to the restarted Redis and
  carries on, with both of Sekber's pools, and the message it held is done, not lost
  (without shared.bus.transport, kombu 5.7.0 stopped the prefork worker at every such
  kill, "Unrecoverable error: AttributeError ... 'hostname'", and the threads one at some);
- a worker alive but no longer consuming while messages wait stops itself (exit code 1);
- a restore lock left in Redis by a crash does not hold redelivery past the visibility
  timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from sekber_cli.embedded import EmbeddedRedis
from shared.runtime import heartbeat
from tests.support import broker_app


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def wait_for(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Worker:
    def __init__(
        self, pool: str, broker_url: str, files: Path, env: dict[str, str] | None = None
    ) -> None:
        self.files = files
        self.log = files / "worker.log"
        env = {
            **os.environ,
            "SEKBER_TEST_BROKER_URL": broker_url,
            "SEKBER_TEST_BROKER_DIR": str(files),
            **(env or {}),
        }
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.broker_app", pool],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(data_dir=tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_a_worker_holding_a_message_survives_redis_killed_and_restarted(
    pool: str, tmp_path: Path, redis_server: EmbeddedRedis
) -> None:
    app = broker_app.make_app(redis_server.url, tmp_path)
    worker = Worker(pool, redis_server.url, tmp_path)
    try:
        wait_for(lambda: " ready." in worker.output(), timeout=60, what="the worker")
        app.send_task(broker_app.HOLD, (1,), queue=broker_app.QUEUE)
        wait_for(lambda: lines(tmp_path / "started") == ["1"], timeout=30, what="hold to start")
        time.sleep(1.5)  # the AOF (fsync every second) now has the message in the unacked index

        redis_server.kill()
        time.sleep(1)
        redis_server.start()
        wait_for(
            lambda: "Connection to broker lost" in worker.output(),
            timeout=30,
            what="the worker to see the connection go",
        )
        (tmp_path / "release").touch()
        for n in range(5):
            app.send_task(broker_app.MARK, (n,), queue=broker_app.QUEUE)

        wait_for(
            lambda: sorted(lines(tmp_path / "marks")) == ["0", "1", "2", "3", "4"],
            timeout=60,
            what="the worker to take new messages after the restart",
        )
        # The held message is done: by the task that held it, or again after the
        # visibility timeout (prefork cancels a task whose connection is lost).
        wait_for(lambda: "1" in lines(tmp_path / "done"), timeout=60, what="the held message")
        assert worker.alive(), worker.output()[-3000:]
        assert "Unrecoverable error" not in worker.output()
        print(f"{pool}: started {lines(tmp_path / 'started')}, done {lines(tmp_path / 'done')}")
    finally:
        worker.stop()
        app.close()


def test_a_worker_that_stops_consuming_while_messages_wait_stops_itself(
    tmp_path: Path, redis_server: EmbeddedRedis
) -> None:
    """The consumer watch: the worker is told to stop consuming its queue (as the Celery
    bugs leave it: alive, connected, taking nothing); messages then wait; it stops itself
    so that a fresh one can start."""
    timings = {
        "SEKBER_VISIBILITY_TIMEOUT_SECONDS": "10",
        "SEKBER_TASK_TIME_LIMIT_SECONDS": "8",
        "SEKBER_CONSUMER_STALL_SECONDS": "16",
        "SEKBER_HEARTBEAT_DIR": str(tmp_path / "heartbeat"),
        "SEKBER_HEARTBEAT_INTERVAL_SECONDS": "1",
    }
    beat = heartbeat.path_for(str(tmp_path / "heartbeat"), "routing")
    app = broker_app.make_app(redis_server.url, tmp_path)
    worker = Worker("prefork", redis_server.url, tmp_path, env=timings)
    try:
        wait_for(lambda: " ready." in worker.output(), timeout=60, what="the worker")
        app.send_task(broker_app.MARK, (0,), queue=broker_app.QUEUE)
        wait_for(lambda: lines(tmp_path / "marks") == ["0"], timeout=30, what="a first message")
        wait_for(beat.exists, timeout=10, what="the heartbeat beside the watch")
        replies = app.control.cancel_consumer(broker_app.QUEUE, reply=True, timeout=5)
        assert replies, "the worker did not answer the cancel_consumer command"
        cancelled_at = time.monotonic()
        for n in range(1, 4):
            app.send_task(broker_app.MARK, (n,), queue=broker_app.QUEUE)

        wait_for(lambda: not worker.alive(), timeout=60, what="the worker to stop itself")
        took = time.monotonic() - cancelled_at
        assert "no longer consumes" in worker.output()
        assert worker.process.returncode == 1
        assert not beat.exists()  # the probe fails at once: the worker has stopped
        assert lines(tmp_path / "marks") == ["0"]  # the waiting messages wait on, for the next
        assert redis.Redis.from_url(redis_server.url).llen(broker_app.QUEUE) == 3
        # Stalled once messages had waited 16 s (two time limits) with none taken.
        assert 16 <= took < 16 + 15, took
        print(f"stopped itself {took:.1f} s after it stopped consuming")
    finally:
        worker.stop()
        app.close()


def lock_expiry_ms(client: redis.Redis, *, timeout: float) -> int:
    """The expiry a worker's restore sweep gives its lock, read from the SET it sends."""
    deadline = time.monotonic() + timeout
    with client.monitor() as monitor:
        for seen in monitor.listen():
            words = str(seen.get("command", "")).split()
            if words[:2] == ["SET", "unacked_mutex"] and "PX" in words:
                return int(words[words.index("PX") + 1])
            if time.monotonic() > deadline:
                raise AssertionError("no restore sweep took its lock")
    raise AssertionError("the monitor stopped")


def test_a_restore_lock_left_by_a_redis_crash_does_not_hold_up_redelivery(
    tmp_path: Path, redis_server: EmbeddedRedis
) -> None:
    """Redis killed while a worker's restore sweep holds its lock keeps the lock (the
    append-only file has it), and no sweep runs until it expires: with kombu's default,
    five minutes. A worker killed holding a message behind such a lock still has it done
    again within the visibility timeout."""
    client = redis.Redis.from_url(redis_server.url)
    app = broker_app.make_app(redis_server.url, tmp_path)
    first = Worker("prefork", redis_server.url, tmp_path)
    second: Worker | None = None
    try:
        wait_for(lambda: " ready." in first.output(), timeout=60, what="the worker")
        expiry_ms = lock_expiry_ms(client, timeout=30)
        assert expiry_ms <= 5_000
        app.send_task(broker_app.HOLD, (1,), queue=broker_app.QUEUE)
        wait_for(lambda: lines(tmp_path / "started") == ["1"], timeout=30, what="hold to start")
        # What the crash leaves: the lock, as a sweep takes it, that nobody releases.
        client.set("unacked_mutex", "left-by-a-crash", px=expiry_ms)
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait()
        killed_at = time.monotonic()
        (tmp_path / "release").touch()
        second = Worker("prefork", redis_server.url, tmp_path)

        wait_for(lambda: "1" in lines(tmp_path / "done"), timeout=60, what="redelivery")
        took = time.monotonic() - killed_at
        vt = broker_app.settings_for(redis_server.url).visibility_timeout_seconds
        assert took < vt + 5, took
        print(f"lock expiry {expiry_ms} ms; redelivered and done {took:.1f} s after the kill")
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()
        app.close()
