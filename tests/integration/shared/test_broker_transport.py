"""A worker holding a message when Redis is killed reconnects to the restarted Redis and
carries on, with both of Sekber's pools; the message it held is done, not lost.

Without shared.broker_transport the prefork worker stops at every such kill ("Unrecoverable
error: AttributeError ... 'hostname'", kombu 5.7.0) and the threads worker at some.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sekber_cli.embedded import EmbeddedRedis
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
    def __init__(self, pool: str, broker_url: str, files: Path) -> None:
        self.files = files
        self.log = files / "worker.log"
        env = {
            **os.environ,
            "SEKBER_TEST_BROKER_URL": broker_url,
            "SEKBER_TEST_BROKER_DIR": str(files),
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
