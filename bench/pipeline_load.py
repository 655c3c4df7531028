"""Clients for bench/pipeline.py: closed loop (as fast as N clients can) and open loop
(a fixed rate, whatever the answers' pace), each request timed to its answer."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.auth import headers_for

CATEGORIES = ("LUT", "KBA", "GEL", "ABT", "PD", "KBS", "ODHA", "AT", "PENG", "ADK")


def auth_headers() -> dict[str, str]:
    """A case worker's credentials for POST /api/v1/referrals: a token signed with the
    secret of the stack the benchmark starts (the test environment's)."""
    return headers_for("case_worker", "bench@sekber.example")


def referral(rng: random.Random, villages: Sequence[str], n: int) -> dict[str, Any]:
    """A referral of a person of their own: the same common name, each with a NIK of their
    own (one NIK for every case made each a duplicate of all the others once intake
    checked for duplicates, issue 21)."""
    return {
        "category": rng.choice(CATEGORIES),
        "village_code": rng.choice(villages),
        "urgency": "high",
        "description": f"Rujukan benchmark nomor {n}: perlu asesmen",
        "beneficiary": {
            "name": "Siti Aminah Rahayu",
            "nik": f"350801420348{n % 9999 + 1:04d}",
            "sex": "F",
        },
        "reporter": {"name": "Sri Wahyuni", "organisation": "Puskesos Desa"},
    }


@dataclass
class Sent:
    """One request: when it was due, sent and answered (time.time()), and what came back."""

    due: float
    sent: float
    answered: float
    status: int
    case_id: str | None


@dataclass
class Run:
    requests: list[Sent] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ok(self) -> list[Sent]:
        return [r for r in self.requests if r.status == 201]

    def rate(self) -> float:
        return len(self.ok) / max(self.finished - self.started, 1e-9)


Body = Callable[[int], tuple[str, dict[str, Any], dict[str, str]]]  # n -> (path, json, headers)


def referral_requests(villages: Sequence[str], tag: str) -> Body:
    def make(n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
        headers = {**auth_headers(), "Idempotency-Key": f"bench-{tag}-{n}-{uuid.uuid4().hex}"}
        return "/api/v1/referrals", referral(random.Random(n), villages, n), headers

    return make


def bare_requests() -> Body:
    body = referral(random.Random(0), ["35.01.01.2001"], 0)
    return lambda n: ("/bare", body, {})


def _one(http: httpx.Client, make: Body, n: int, due: float, run: Run) -> None:
    path, body, headers = make(n)
    sent = time.time()
    try:
        response = http.post(path, json=body, headers=headers)
        status = response.status_code
        case_id = response.json().get("case_id") if status == 201 else None
    except httpx.HTTPError:
        status, case_id = 0, None
    with run.lock:
        run.requests.append(Sent(due, sent, time.time(), status, case_id))


def closed_loop(base_url: str, make: Body, *, total: int, clients: int) -> Run:
    """`clients` threads, each sending its next request when the last one is answered."""
    run = Run()
    local = threading.local()
    opened: list[httpx.Client] = []

    def work(n: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=base_url, timeout=30)
            opened.append(local.http)
        _one(local.http, make, n, time.time(), run)

    run.started = time.time()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(total)))
    run.finished = time.time()
    for http in opened:
        http.close()
    return run


def open_loop(base_url: str, make: Body, *, rate: float, seconds: float, clients: int = 64) -> Run:
    """Send `rate` requests a second for `seconds`, on schedule: a slow answer does not
    hold the next request back (up to `clients` in flight)."""
    run = Run()
    http = httpx.Client(base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=clients))
    total = int(rate * seconds)
    run.started = time.time()
    with ThreadPoolExecutor(clients) as pool:
        for n in range(total):
            due = run.started + n / rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            pool.submit(_one, http, make, n, due, run)
    run.finished = time.time()
    http.close()
    return run
