"""Case workers submitting referrals at the same time, each retrying with its Idempotency-Key
until intake answers 201, as a real client must when the server goes away mid-request."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.auth import headers_for

CATEGORIES = ("LUT", "KBA", "GEL", "ABT", "PD", "KBS", "ODHA", "AT", "PENG", "ADK")
RETRY_FOR = 240.0  # seconds a client keeps retrying one referral before it gives up


def referral_body(category: str, village: str, n: int) -> dict[str, Any]:
    return {
        "category": category,
        "village_code": village,
        "urgency": "high",
        "description": f"Rujukan uji ketahanan nomor {n}: perlu asesmen",
        "beneficiary": {"name": "Siti Aminah Rahayu", "nik": "3508014203480001", "sex": "F"},
        "reporter": {"name": "Sri Wahyuni", "organisation": "Puskesos Desa"},
    }


@dataclass
class Outcome:
    """What the clients saw: the 201s by Idempotency-Key, retries and refusals."""

    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (case, code)
    replayed: int = 0  # 201s marked Idempotent-Replayed (a retry of a committed request)
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


class Load:
    """Submit `total` referrals from `clients` threads; `on_progress(accepted)` is called
    after each 201 (the fault injector watches it)."""

    def __init__(
        self,
        *,
        base_url: str,
        villages: Sequence[str],
        total: int,
        clients: int = 8,
        prefix: str,
    ) -> None:
        self.base_url = base_url
        self.villages = list(villages)
        self.total = total
        self.clients = clients
        self.prefix = prefix
        self.outcome = Outcome()
        self.progress = threading.Condition()

    def run(self) -> Outcome:
        local = threading.local()
        opened: list[httpx.Client] = []

        def client() -> httpx.Client:
            if not hasattr(local, "http"):
                local.http = httpx.Client(base_url=self.base_url, timeout=10)
                opened.append(local.http)
            http: httpx.Client = local.http
            return http

        with ThreadPoolExecutor(self.clients, thread_name_prefix="case-worker") as pool:
            list(pool.map(lambda n: self._submit(client(), n), range(self.total)))
        for http in opened:
            http.close()
        return self.outcome

    def wait_accepted(self, count: int, timeout: float) -> None:
        with self.progress:
            self.progress.wait_for(lambda: self.outcome.count() >= count, timeout=timeout)

    def _submit(self, http: httpx.Client, n: int) -> None:
        rng = random.Random(n)
        key = f"{self.prefix}{n:06d}-{uuid.uuid4().hex[:8]}"
        body = referral_body(rng.choice(CATEGORIES), rng.choice(self.villages), n)
        headers = {**credentials(), "Idempotency-Key": key}
        deadline = time.monotonic() + RETRY_FOR
        wait = 0.05
        while True:
            try:
                response = http.post("/api/v1/referrals", json=body, headers=headers)
                if response.status_code == 201:
                    self._accepted(key, response)
                    return
                if response.status_code < 500:
                    with self.outcome.lock:
                        self.outcome.errors.append(f"{key}: {response.status_code} {response.text}")
                    return
                problem = f"HTTP {response.status_code}"
            except httpx.TransportError as exc:  # intake down, or cut mid-request
                problem = type(exc).__name__
            if time.monotonic() > deadline:
                with self.outcome.lock:
                    self.outcome.errors.append(f"{key}: gave up after {problem}")
                return
            with self.outcome.lock:
                self.outcome.retries += 1
            time.sleep(wait)
            wait = min(wait * 2, 1.0)

    def _accepted(self, key: str, response: httpx.Response) -> None:
        data = response.json()
        with self.outcome.lock:
            self.outcome.accepted[key] = (data["case_id"], data["tracking_code"])
            if response.headers.get("Idempotent-Replayed") == "true":
                self.outcome.replayed += 1
        with self.progress:
            self.progress.notify_all()


def credentials() -> dict[str, str]:
    """A case worker's credentials (the lead switches tests.support.auth to tokens)."""
    return headers_for("case_worker", "chaos@sekber.example")
