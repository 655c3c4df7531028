"""The real Sekber processes for end-to-end tests, plus a real SMTP server to receive mail."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families

from sekber_cli.embedded import free_port
from sekber_cli.supervisor import (
    READY_LINES,
    ChildSpec,
    Supervisor,
    sekber_children,
    wait_for_http,
)
from shared.config import Settings
from shared.redisconn import clients as redisconn
from tests.support.auth import headers_for


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # A test's own DATA handler, called instead of take(). aiosmtpd binds handle_DATA
    # when a connection opens, and notify keeps its connection: a handler swapped on
    # the instance would miss the connection already open.
    intercept: Callable[[Any, Any, Any], Awaitable[str]] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.intercept is not None:
            return await self.intercept(server, session, envelope)
        return await self.take(server, session, envelope)

    async def take(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def received(self) -> list[tuple[list[str], Message]]:
        with self.lock:
            return list(self.messages)

    def for_tracking_code(self, code: str) -> list[Message]:
        return [m for _, m in self.received() if code in str(m["Subject"])]


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


CASE_WORKER = "e2e@puskesos.example"
# A national supervisor: follows every case the tests submit.
SUPERVISOR = headers_for("supervisor", "e2e-supervisor", "Bu Ratna")


class Stack:
    """intake, routing, notify, relay and the scheduler as real processes (the same ones
    `sekber up` runs)."""

    def __init__(
        self,
        *,
        settings: Settings,
        smtp_port: int,
        extra_env: dict[str, str] | None = None,
        echo: bool = True,
        replicas: dict[str, int] | None = None,
    ) -> None:
        """`extra_env` is added last, so it may override the test timings below (the chaos
        suite turns the reconciliation sweep on and adds a webhook receiver); `echo=False`
        keeps the processes' output off stderr (the benchmark); `replicas` runs more than
        one process of a service (named `routing-2`, ... beside `routing`)."""
        self.settings = settings
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "SEKBER_ENVIRONMENT": "test",
            "SEKBER_SECRET_KEY": settings.secret_key,
            "SEKBER_DATA_KEY": settings.data_key,
            "SEKBER_DATABASE_URL": settings.database_url,
            "SEKBER_REDIS_URL": settings.redis_url,
            "SEKBER_BROKER_KEY_PREFIX": settings.broker_key_prefix,
            "SEKBER_HTTP_PORT": str(self.port),
            "SEKBER_PUBLIC_BASE_URL": self.base_url,
            "SEKBER_SMTP_HOST": "127.0.0.1",
            "SEKBER_SMTP_PORT": str(smtp_port),
            "SEKBER_SMTP_STARTTLS": "false",
            # Short broker timings so a killed worker's message comes back within seconds.
            "SEKBER_VISIBILITY_TIMEOUT_SECONDS": str(settings.visibility_timeout_seconds),
            "SEKBER_TASK_TIME_LIMIT_SECONDS": str(settings.task_time_limit_seconds),
            # Keep the reconciliation sweep out of the way: these tests prove the broker path.
            "SEKBER_RECONCILE_AFTER_SECONDS": "600",
            # Scan deadlines often, so a test sees the scheduler at work within seconds.
            "SEKBER_DEADLINE_SCAN_SECONDS": "3",
            "SEKBER_LOG_LEVEL": "INFO",
            # As in production: one JSON object a line, with the correlation id.
            "SEKBER_LOG_FORMAT": "json",
            **(extra_env or {}),
        }
        # Each process that counts serves its own /metrics on a port of its own.
        self.metrics_ports = {name: free_port() for name in ("routing", "notify", "relay")}
        children = [
            replace(child, env={"SEKBER_METRICS_PORT": str(self.metrics_ports[child.name])})
            if child.name in self.metrics_ports
            else child
            for child in sekber_children(python=sys.executable)
        ]
        self.replicas = [
            f"{name}-{n}" for name, count in (replicas or {}).items() for n in range(2, count + 1)
        ]
        children += [
            ChildSpec(replica, (sys.executable, "-m", "sekber_cli.main", replica.split("-")[0]))
            for replica in self.replicas
        ]
        self.supervisor = Supervisor(children, env=env, on_line=_echo if echo else None, grace=15)
        # Requests are a case worker's unless they say otherwise.
        self.http = httpx.Client(
            base_url=self.base_url, timeout=10, headers=headers_for("case_worker", CASE_WORKER)
        )
        self.redis = redisconn.client(settings.redis_url)

    def queue_length(self, queue: str) -> int:
        return int(self.redis.llen(self.settings.broker_key_prefix + queue))

    def unacked(self) -> int:
        """Messages a worker has taken but not yet acknowledged (kombu's unacked hash)."""
        return int(self.redis.hlen(self.settings.broker_key_prefix + "unacked"))

    def start(self) -> Stack:
        self.supervisor.start()
        if not wait_for_http(f"{self.base_url}/healthz", timeout=60):
            raise RuntimeError("intake did not answer /healthz within 60 s")
        for service in ("routing", "notify", "imports", "scheduler", *self.replicas):
            self.wait_worker_ready(service)
        return self

    def wait_worker_ready(self, worker: str, timeout: float = 60) -> None:
        ready = READY_LINES[worker.split("-")[0]]
        if not self.supervisor.wait_for_output(worker, ready, timeout=timeout):
            raise RuntimeError(f"{worker} not ready: {self.supervisor.output(worker)[-20:]}")

    def stop(self) -> None:
        self.http.close()
        self.supervisor.stop()
        self.redis.close()

    def post_referral(self, body: dict[str, Any], **headers: str) -> dict[str, Any]:
        response = self.http.post("/api/v1/referrals", json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def metrics(self, service: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        """The samples a worker or the relay serves: (name, labels) to value."""
        text = httpx.get(f"http://127.0.0.1:{self.metrics_ports[service]}/metrics", timeout=5)
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text.text)
            for sample in family.samples
        }

    def case(self, case_id: str) -> dict[str, Any]:
        response = self.http.get(f"/api/v1/cases/{case_id}", headers=SUPERVISOR)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def _echo(name: str, line: str) -> None:
    sys.stderr.write(f"{name:8}| {line}\n")


def wait_until(
    predicate: Callable[[], Any], *, timeout: float, interval: float = 0.2, what: str = ""
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)
