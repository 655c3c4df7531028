"""/healthz latency on a real intake process, idle and during a burst of concurrent sign-ins.

    .venv/bin/python bench/signin_burst.py             # 35-60 s on 2 cores
    .venv/bin/python bench/signin_burst.py --check     # exit 1 when a burst p95 > 3x idle
    .venv/bin/python bench/signin_burst.py --sqlite    # a temporary SQLite file instead

Issue 17 item 5: a route written `async def` that hashes a password (Argon2) or talks to
the database synchronously holds the event loop, and every other request with it. The
sign-in routes are plain `def` now (FastAPI runs them in its thread pool) and
tests/integration/intake/edge/test_event_loop.py keeps them so; this script measures what that
buys. Target: /healthz p95 during 8 concurrent sign-ins stays within 3x of its idle p95.

It makes a database of its own (a fresh one on the PostgreSQL server named by
SEKBER_BENCH_DATABASE_URL, default the local one, dropped afterwards; or a temporary SQLite
file), migrates it, creates 8 distinct accounts with real Argon2 hashes, and starts intake
the way `sekber up` does (`python -m sekber_cli.main intake`, uvicorn) on a free loopback
port, with Redis at SEKBER_REDIS_URL (default redis://127.0.0.1:6379/15) under a key prefix
of its own, removed afterwards. Then, with one client probing /healthz every 10 ms:

1. idle, before and after the bursts (pooled: the idle figure);
2. 8 clients signing in concurrently with their own accounts and right passwords, each
   several times in a row, at `POST /api/v1/auth/token`;
3. the same at `POST /masuk` (the web sign-in form);

Only the probes in flight while all 8 clients had a sign-in in flight count for a burst.

For comparison (skip with --no-toy), the same bursts on a tiny FastAPI app of its own under
uvicorn, with a `def` /healthz as Sekber's and the same Argon2 verification (Sekber's
hasher, no database) behind three routes: a `def` route (as the sign-in routes are now), a
`def` route that lets one verification run at a time (a semaphore), and an `async def`
route (the old behaviour: the verification runs on the event loop).

Prints the table and writes bench/results/signin_burst.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import redis
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sekber_cli.embedded import free_port  # noqa: E402
from sekber_cli.supervisor import Supervisor, sekber_children, wait_for_http  # noqa: E402
from shared.identity import keyring  # noqa: E402

RESULTS = REPO / "bench" / "results"
ADMIN_URL = os.environ.get(
    "SEKBER_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SEKBER_REDIS_URL") or "redis://127.0.0.1:6379/15"
TARGET_RATIO = 3.0
PROBE_INTERVAL = 0.010  # seconds between the end of one /healthz probe and the next
MAX_PROBES = 20_000  # per phase: a bound, whatever happens
TOY_PASSWORD = "toy-burst-{}-Kx7q"


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank; NaN when there is nothing to rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else float("nan"),
    }


# --- probing and bursting ---------------------------------------------------------------


class Probe:
    """One client sending GET /healthz one after the other, PROBE_INTERVAL apart."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.samples: list[tuple[float, float]] = []  # (sent at, latency ms)
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="probe", daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            client.get("/healthz")  # open the connection outside the measurement
            while not self._stop.is_set() and len(self.samples) < MAX_PROBES:
                sent = time.perf_counter()
                try:
                    ok = client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - sent
                if ok:
                    self.samples.append((sent, took * 1e3))
                else:
                    self.errors += 1
                self._stop.wait(PROBE_INTERVAL)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def overlapping(self, start: float, end: float) -> list[float]:
        """The latencies of the probes in flight at some point of [start, end]: one sent
        just before a blocked event loop and answered after it counts."""
        return [ms for sent, ms in self.samples if sent <= end and sent + ms / 1e3 >= start]


def idle(base_url: str, seconds: float) -> list[float]:
    with Probe(base_url) as probe:
        time.sleep(seconds)
    if probe.errors:
        raise RuntimeError(f"{probe.errors} /healthz probes failed while idle")
    return [ms for _, ms in probe.samples]


SignIn = Callable[[httpx.Client, int], bool]
"""Send sign-in number `i` of one client; whether it was accepted."""


@dataclass
class Burst:
    healthz_ms: list[float]
    signin_ms: list[float]
    window_s: float
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def burst(base_url: str, sign_in: Callable[[int], SignIn], *, clients: int, each: int) -> Burst:
    """`clients` threads, each signing in `each` times in a row (client k with account k),
    with /healthz probed meanwhile. The window counted is the time all of them had a
    sign-in in flight: from the last first request to the first last answer."""
    firsts: list[float] = [0.0] * clients
    lasts: list[float] = [0.0] * clients
    signin_ms: list[float] = []
    errors: list[str] = []
    refused = 0
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        nonlocal refused
        send = sign_in(k)
        with httpx.Client(base_url=base_url, timeout=120, follow_redirects=False) as http:
            http.get("/healthz")  # connect before the start line
            ready.wait(timeout=30)
            firsts[k] = time.perf_counter()
            for _ in range(each):
                sent = time.perf_counter()
                try:
                    ok = send(http, k)
                except httpx.HTTPError as exc:
                    ok = False
                    with lock:
                        errors.append(repr(exc))
                took = (time.perf_counter() - sent) * 1e3
                http.cookies.clear()  # each sign-in starts without a session
                with lock:
                    signin_ms.append(took)
                    refused += not ok
            lasts[k] = time.perf_counter()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    with Probe(base_url) as probe:
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # the probe's first requests, and the clients' connections
        ready.wait(timeout=30)
        for thread in threads:
            thread.join(timeout=300)
    start, end = max(firsts), min(lasts)
    return Burst(
        healthz_ms=probe.overlapping(start, end),
        signin_ms=signin_ms,
        window_s=max(end - start, 0.0),
        refused=refused,
        errors=errors[:5] + ([f"{probe.errors} failed /healthz probes"] if probe.errors else []),
    )


# --- the real intake ----------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    password: str


def token_sign_in(accounts: list[Account]) -> Callable[[int], SignIn]:
    def for_client(k: int) -> SignIn:
        account = accounts[k]

        def send(http: httpx.Client, _k: int) -> bool:
            response = http.post(
                "/api/v1/auth/token",
                data={
                    "grant_type": "password",
                    "username": account.username,
                    "password": account.password,
                },
            )
            return response.status_code == 200 and "access_token" in response.json()

        return send

    return for_client


def page_sign_in(accounts: list[Account]) -> Callable[[int], SignIn]:
    def for_client(k: int) -> SignIn:
        account = accounts[k]

        def send(http: httpx.Client, _k: int) -> bool:
            response = http.post(
                "/masuk",
                data={"username": account.username, "password": account.password, "next": "/"},
            )
            # Signed in: a redirect that sets the session cookie.
            return response.status_code == 303 and "sekber" in response.headers.get(
                "set-cookie", ""
            )

        return send

    return for_client


@contextlib.contextmanager
def database(use_sqlite: bool, tmp: Path) -> Iterator[str]:
    if use_sqlite:
        yield f"sqlite:///{tmp / 'signin-burst.db'}"
        return
    from tests.support.servers import postgres_database

    with postgres_database(ADMIN_URL) as url:
        yield url


def create_accounts(url: str, count: int) -> list[Account]:
    """`count` case workers with distinct passwords, hashed with Sekber's Argon2 settings."""
    from shared.accounts import users
    from shared.db import uow_factory_for

    run = uuid.uuid4().hex[:6]
    accounts = [
        Account(f"bench.signin.{run}.{k}", f"{secrets.token_urlsafe(12)}-{k}") for k in range(count)
    ]
    with uow_factory_for(url)() as uow:
        for k, account in enumerate(accounts):
            users.create_user(
                uow.session,
                username=account.username,
                name=f"Bench Signin {k}",
                role="case_worker",
                password=account.password,
                jurisdiction="35",
            )
        uow.commit()
    return accounts


@contextlib.contextmanager
def intake(url: str, redis_url: str, prefix: str) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SEKBER_ENVIRONMENT": "test",
        "SEKBER_SECRET_KEY": secrets.token_urlsafe(48),
        "SEKBER_DATA_KEY": keyring.new_entry("bench"),
        "SEKBER_DATABASE_URL": url,
        "SEKBER_REDIS_URL": redis_url,
        "SEKBER_BROKER_KEY_PREFIX": prefix,
        "SEKBER_HTTP_HOST": "127.0.0.1",
        "SEKBER_HTTP_PORT": str(port),
        "SEKBER_PUBLIC_BASE_URL": base_url,
        "SEKBER_LOG_LEVEL": "WARNING",
    }
    supervisor = Supervisor(
        sekber_children(["intake"], python=sys.executable), env=env, cwd=REPO, grace=10
    )
    supervisor.start()
    try:
        if not wait_for_http(f"{base_url}/healthz", timeout=60):
            tail = "\n".join(supervisor.output("intake")[-20:])
            raise RuntimeError(f"intake did not answer /healthz within 60 s:\n{tail}")
        yield base_url
    finally:
        supervisor.stop()


def bench_intake(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from shared.migrate import upgrade

    prefix = f"bench-signin-{uuid.uuid4().hex[:8]}:"
    keys = redis.Redis.from_url(REDIS_URL)
    keys.ping()
    try:
        with database(args.sqlite, tmp) as url:
            say(f"database: {'SQLite' if args.sqlite else 'PostgreSQL'}; migrating")
            upgrade(url)
            say(f"creating {args.clients} accounts (Argon2)")
            accounts = create_accounts(url, args.clients)
            with intake(url, REDIS_URL, prefix) as base_url:
                say(f"intake up at {base_url}")
                # Warm up: imports, the connection pool, one sign-in per route.
                with httpx.Client(base_url=base_url, timeout=30) as http:
                    for _ in range(20):
                        http.get("/healthz")
                    for make in (token_sign_in, page_sign_in):
                        if not make(accounts)(0)(http, 0):
                            raise RuntimeError(f"warm-up sign-in failed ({make.__name__})")
                        http.cookies.clear()
                say(f"idle: {args.idle:g} s")
                idle_ms = idle(base_url, args.idle)
                bursts: dict[str, Burst] = {}
                for name, make in (("token", token_sign_in), ("masuk", page_sign_in)):
                    say(f"burst: {args.clients} clients x {args.each} sign-ins, {name}")
                    bursts[name] = burst(
                        base_url, make(accounts), clients=args.clients, each=args.each
                    )
                say(f"idle again: {args.idle:g} s")
                idle_ms += idle(base_url, args.idle)
    finally:
        stale = list(keys.scan_iter(match=f"{prefix}*", count=1000))
        if stale:
            keys.delete(*stale)
        keys.close()
    return report_of(idle_ms, bursts)


def report_of(idle_ms: list[float], bursts: dict[str, Burst]) -> dict[str, Any]:
    idle_p95 = percentile(idle_ms, 0.95)
    out: dict[str, Any] = {"idle_healthz_ms": summary(idle_ms), "bursts": {}}
    for name, b in bursts.items():
        p95 = percentile(b.healthz_ms, 0.95)
        ratio = p95 / idle_p95 if idle_p95 else float("nan")
        out["bursts"][name] = {
            "healthz_ms": summary(b.healthz_ms),
            "signin_ms": summary(b.signin_ms),
            "window_s": b.window_s,
            "refused": b.refused,
            "errors": b.errors,
            "ratio_p95": ratio,
            "within_target": ratio <= TARGET_RATIO and not b.refused and not b.errors,
        }
    return out


# --- the old behaviour, simulated -------------------------------------------------------


def toy_app() -> FastAPI:
    """A `def` /healthz, and one Argon2 verification (Sekber's hasher) behind a `def` route,
    a `def` route one verification at a time, and an `async def` route; the form is read
    by an `async` dependency, as Sekber's sign-in reads it."""
    from shared.accounts import passwords

    hashes = [passwords.hash_password(TOY_PASSWORD.format(k)) for k in range(8)]
    app = FastAPI()

    async def form(request: Request) -> dict[str, str]:
        return dict(parse_qsl((await request.body()).decode()))

    def check(fields: dict[str, str]) -> JSONResponse:
        k = int(fields.get("username", "0")) % len(hashes)
        ok, _ = passwords.verify(fields.get("password", ""), hashes[k])
        return JSONResponse({"ok": ok}, status_code=200 if ok else 401)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/in-thread")
    def in_thread(fields: dict[str, str] = Depends(form)) -> JSONResponse:  # noqa: B008
        return check(fields)

    one_at_a_time = threading.BoundedSemaphore(1)

    @app.post("/in-thread-bounded")
    def in_thread_bounded(fields: dict[str, str] = Depends(form)) -> JSONResponse:  # noqa: B008
        with one_at_a_time:
            return check(fields)

    @app.post("/on-loop")
    async def on_loop(fields: dict[str, str] = Depends(form)) -> JSONResponse:  # noqa: B008
        return check(fields)  # blocks the event loop for the whole verification

    return app


def toy_sign_in(path: str) -> Callable[[int], SignIn]:
    def for_client(k: int) -> SignIn:
        def send(http: httpx.Client, _k: int) -> bool:
            data = {"username": str(k % 8), "password": TOY_PASSWORD.format(k % 8)}
            return http.post(path, data=data).status_code == 200

        return send

    return for_client


def serve_toy(port: int) -> None:
    import uvicorn

    uvicorn.run(toy_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def bench_toy(args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--toy-server", str(port)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_http(f"{base_url}/healthz", timeout=60):
            raise RuntimeError("the toy app did not start")
        say("toy app: idle, then the same burst on a def route and on an async def route")
        idle_ms = idle(base_url, args.idle)
        bursts = {
            "def route": burst(
                base_url, toy_sign_in("/in-thread"), clients=args.clients, each=args.each
            ),
            "def, 1 Argon2 at a time": burst(
                base_url, toy_sign_in("/in-thread-bounded"), clients=args.clients, each=args.each
            ),
            "async def route": burst(
                base_url, toy_sign_in("/on-loop"), clients=args.clients, each=args.each
            ),
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    return report_of(idle_ms, bursts)


# --- output -----------------------------------------------------------------------------


def print_table(title: str, result: dict[str, Any]) -> None:
    idle_ms = result["idle_healthz_ms"]
    print()
    print(title)
    print(
        f"  {'phase':<32} {'probes':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        f" {'x idle p95':>10} {'sign-in p50 ms':>15}"
    )
    print(
        f"  {'idle':<32} {idle_ms['n']:>6} {idle_ms['p50']:>8.2f} {idle_ms['p95']:>8.2f}"
        f" {idle_ms['max']:>8.1f} {'':>10} {'':>15}"
    )
    for name, b in result["bursts"].items():
        h = b["healthz_ms"]
        print(
            f"  {'burst, ' + name:<32} {h['n']:>6} {h['p50']:>8.2f} {h['p95']:>8.2f}"
            f" {h['max']:>8.1f} {b['ratio_p95']:>9.1f}x {b['signin_ms']['p50']:>15.0f}"
        )
        if b["refused"] or b["errors"]:
            print(f"    !! {b['refused']} sign-ins refused; {'; '.join(b['errors'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite database")
    parser.add_argument("--clients", type=int, default=8, help="concurrent sign-ins (max 8)")
    parser.add_argument("--each", type=int, default=4, help="sign-ins per client per burst")
    parser.add_argument("--idle", type=float, default=2.0, help="seconds per idle phase")
    parser.add_argument("--no-toy", action="store_true", help="skip the simulated old way")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--toy-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.toy_server:
        serve_toy(args.toy_server)
        return 0
    args.clients = max(1, min(args.clients, 8))
    args.each = max(1, min(args.each, 50))
    args.idle = max(0.5, min(args.idle, 30.0))

    began = time.monotonic()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sekber-signin-burst-") as tmp:
        real = bench_intake(args, Path(tmp))
    toy = None if args.no_toy else bench_toy(args)
    report = {
        "benchmark": "signin_burst",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "sqlite" if args.sqlite else "postgresql",
        "clients": args.clients,
        "sign_ins_per_client": args.each,
        "target_ratio": TARGET_RATIO,
        "seconds": time.monotonic() - began,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "intake": real,
        "toy": toy,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "signin_burst.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print_table(f"Sekber intake, /healthz while {args.clients} clients sign in", real)
    if toy:
        print_table("Toy app, no database: the same Argon2 check behind three routes", toy)
    print()
    held = all(b["within_target"] for b in real["bursts"].values())
    for name, b in real["bursts"].items():
        print(
            f"{name}: idle p95 {real['idle_healthz_ms']['p95']:.2f} ms, burst p95 "
            f"{b['healthz_ms']['p95']:.2f} ms, ratio {b['ratio_p95']:.1f}x "
            f"(target <= {TARGET_RATIO:g}x: {'holds' if b['within_target'] else 'MISSED'})"
        )
    print(
        f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after; "
        f"took {report['seconds']:.0f} s; wrote {path}"
    )
    return 1 if args.check and not held else 0


if __name__ == "__main__":
    sys.exit(main())
