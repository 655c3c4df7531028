"""`sekber probe SERVICE` against real service processes: a running one passes, a frozen
or stopped one fails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from typer.testing import CliRunner

from sekber_cli import probe, up
from sekber_cli.main import app
from shared.config import Settings
from shared.runtime import heartbeat

ROOT = Path(__file__).resolve().parents[3]
MAX_AGE = 3.0


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SEKBER_")},
        "SEKBER_ENVIRONMENT": "test",
        "SEKBER_SECRET_KEY": settings.secret_key,
        "SEKBER_DATA_KEY": settings.data_key,
        "SEKBER_DATABASE_URL": settings.database_url,
        "SEKBER_REDIS_URL": settings.redis_url,
        "SEKBER_BROKER_KEY_PREFIX": f"sekber-probe-{uuid.uuid4().hex[:8]}:",
        "SEKBER_HEARTBEAT_DIR": str(tmp_path / "heartbeat"),
        "SEKBER_HEARTBEAT_INTERVAL_SECONDS": "0.5",
        "SEKBER_HEARTBEAT_MAX_AGE_SECONDS": str(MAX_AGE),
        "SEKBER_LOG_LEVEL": "WARNING",
    }


class Service:
    """One `sekber SERVICE` process in a process group of its own."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sekber_cli.main", name],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def signal(self, sig: int) -> None:
        os.killpg(self.process.pid, sig)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.process.wait(timeout=10)
        return self.process.returncode

    def probe(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sekber_cli.probe", self.name],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )

    def wait_probe(self, code: int, timeout: float) -> subprocess.CompletedProcess[str]:
        deadline = time.monotonic() + timeout
        while True:
            result = self.probe()
            if result.returncode == code or time.monotonic() > deadline:
                return result
            assert self.process.poll() is None or code != probe.PASS, self.stderr()
            time.sleep(0.5)

    def stderr(self) -> str:
        if self.process.poll() is None:
            return ""
        assert self.process.stderr is not None
        return self.process.stderr.read()[-3000:]


@pytest.fixture
def started(env: dict[str, str]) -> Iterator[list[Service]]:
    services: list[Service] = []
    yield services
    for service in services:
        service.stop()
    broker = redis.Redis.from_url(env["SEKBER_REDIS_URL"])
    keys = list(broker.scan_iter(match=f"{env['SEKBER_BROKER_KEY_PREFIX']}*"))
    if keys:
        broker.delete(*keys)
    broker.close()


@pytest.mark.parametrize("name", ["notify", "relay", "scheduler", "routing"])
def test_a_running_service_passes_the_probe_and_a_frozen_or_stopped_one_fails(
    name: str, env: dict[str, str], started: list[Service]
) -> None:
    service = Service(name, env)
    started.append(service)

    alive = service.wait_probe(probe.PASS, timeout=60)
    assert alive.returncode == probe.PASS, (alive.stderr, service.stderr())
    assert "alive" in alive.stdout

    # Frozen (as a process hung in a call would be): the heartbeat gets old.
    service.signal(signal.SIGSTOP)
    frozen = service.wait_probe(probe.FAIL, timeout=MAX_AGE + 10)
    assert frozen.returncode == probe.FAIL
    assert "old" in frozen.stderr
    service.signal(signal.SIGCONT)
    assert service.wait_probe(probe.PASS, timeout=20).returncode == probe.PASS

    # Stopped: the heartbeat file goes with the process.
    service.stop()
    stopped = service.probe()
    assert stopped.returncode == probe.FAIL
    assert "no heartbeat" in stopped.stderr


def test_the_probe_says_so_when_heartbeats_are_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no var/heartbeats/ of a `sekber up` here
    monkeypatch.setenv("SEKBER_HEARTBEAT_DIR", "")

    result = CliRunner().invoke(app, ["probe", "routing"])

    assert result.exit_code == probe.OFF
    assert "SEKBER_HEARTBEAT_DIR" in result.output and "var/heartbeats/" in result.output


def test_without_a_setting_the_probe_reads_the_heartbeats_of_sekber_up_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEKBER_HEARTBEAT_DIR", "")
    heartbeat.Heartbeat(heartbeat.path_for(up.heartbeat_dir(""), "notify"), every=5).beat()

    alive = CliRunner().invoke(app, ["probe", "notify"])
    missing = CliRunner().invoke(app, ["probe", "relay"])

    assert alive.exit_code == probe.PASS, alive.output
    assert missing.exit_code == probe.FAIL
    assert "no heartbeat at var/heartbeats/relay.heartbeat" in missing.output


def test_a_service_started_as_up_starts_it_passes_the_probe_run_beside_it(
    env: dict[str, str], started: list[Service], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sekber up` gives its children SEKBER_HEARTBEAT_DIR=var/heartbeats (absolute); a
    probe in another terminal, in the same directory and with no setting, finds them."""
    workdir = tmp_path / "here"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    env["SEKBER_HEARTBEAT_DIR"] = up.heartbeat_dir("")
    assert env["SEKBER_HEARTBEAT_DIR"] == str(workdir / "var" / "heartbeats")
    service = Service("relay", env)
    started.append(service)
    # Another terminal: neither the folder nor the secret key (up keeps it in var/) is set.
    alone = {k: v for k, v in env.items() if k not in ("SEKBER_HEARTBEAT_DIR", "SEKBER_SECRET_KEY")}

    deadline = time.monotonic() + 60
    while True:
        result = subprocess.run(
            [sys.executable, "-m", "sekber_cli.main", "probe", "relay"],
            env=alone,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode == probe.PASS or time.monotonic() > deadline:
            break
        assert service.process.poll() is None, service.stderr()
        time.sleep(0.5)

    assert result.returncode == probe.PASS, (result.stderr, service.stderr())
    assert "relay: alive" in result.stdout


def test_the_sekber_command_reads_a_fresh_and_a_stale_heartbeat(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SEKBER_HEARTBEAT_DIR", str(tmp_path))
    monkeypatch.setenv("SEKBER_HEARTBEAT_MAX_AGE_SECONDS", "60")
    beat = heartbeat.Heartbeat(heartbeat.path_for(str(tmp_path), "relay"), every=5)
    beat.beat()

    fresh = CliRunner().invoke(app, ["probe", "relay"])
    old = time.time() - 120
    os.utime(beat.path, (old, old))
    stale = CliRunner().invoke(app, ["probe", "relay"])
    unknown = CliRunner().invoke(app, ["probe", "intake"])

    assert fresh.exit_code == probe.PASS, fresh.output
    assert stale.exit_code == probe.FAIL
    assert "120s old, over 60s" in stale.output
    assert unknown.exit_code != probe.PASS


def test_a_task_running_past_its_time_limit_holds_the_heartbeat_back() -> None:
    now = time.time()
    limit = 40.0

    assert not heartbeat.any_stuck([], now=now, limit=limit)
    assert not heartbeat.any_stuck([now - 39, None], now=now, limit=limit)
    assert heartbeat.any_stuck([now - 1, now - 41], now=now, limit=limit)
