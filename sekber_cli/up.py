"""`sekber up`: the whole system on one machine, in the foreground, for development and demos.

Prepares the database, starts an embedded Redis when none is configured, runs the six
services (intake, routing, notify, the import worker, relay and the deadline scheduler) as
child processes with prefixed output, and stops them all on Ctrl-C or SIGTERM.

What it prints is meant to fit one screen: Celery's start-up banners and its warning about
superuser privileges are left out (terminal.StartupChatter, child_environment), and the
last lines say where to go. The services keep their heartbeats in var/heartbeats/ (unless
SEKBER_HEARTBEAT_DIR says otherwise), where `sekber probe SERVICE` run here finds them.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sekber_cli import probe

if TYPE_CHECKING:
    from sekber_cli.embedded import EmbeddedRedis
    from sekber_cli.supervisor import Supervisor
    from sekber_cli.terminal import Console
    from shared.config import Settings

VAR_DIR = Path("var")
REDIS_DIR = VAR_DIR / "redis"
SECRET_FILE = VAR_DIR / "secret.key"
# The key ring that encrypts the NIK at rest: losing it loses every stored NIK.
DATA_KEY_FILE = VAR_DIR / "data.key"
HEARTBEAT_DIR = probe.UP_DIR
# Celery warns each worker started as root (or in the sudo or wheel group) that this is
# not recommended, in eight lines per worker; up runs on a developer's machine or in a
# container, where it is the rule. Celery refuses pickle as root all the same.
ROOT_WARNING_FILTER = "ignore:You're running the worker with superuser privileges"
# Settings that cannot be used, or a server they name that does not answer.
CANNOT_START = 2


def register(app: typer.Typer) -> None:
    @app.command("up")
    def up(
        demo: Annotated[
            bool,
            typer.Option("--demo", help="Also load the made-up demo directory of coordinators."),
        ] = False,
    ) -> None:
        """Run the whole system here, in the foreground.

        The database, Redis, intake, routing, notify, imports, relay and the scheduler;
        Ctrl-C stops them all. Data lives under ./var/."""
        raise typer.Exit(run(demo=demo))


def run(*, demo: bool) -> int:
    """Run until a signal (exit 0) or until a service dies (exit 1); 2 when it cannot start.
    Settings that cannot be used raise SettingsError (sekber_cli.main reports it)."""
    # Imported here so that `sekber --help` and the one-service commands stay light.
    from sekber_cli import reachable, warmup
    from sekber_cli.bootstrap import prepare_database
    from sekber_cli.embedded import EmbeddedRedis
    from sekber_cli.supervisor import SERVICES, Supervisor, sekber_children
    from sekber_cli.terminal import Console, StartupChatter, StopSignals
    from shared.identity import keyring

    console = Console(SERVICES, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    settings = settings_for_up(console.say)
    problem = _refuse(settings)
    if problem:
        console.error(problem)
        return CANNOT_START

    redis: EmbeddedRedis | None = None
    supervisor: Supervisor | None = None
    with StopSignals() as signals:
        try:
            database_url = _database_url(settings)
            if "redis_url" in settings.model_fields_set:
                redis_url = settings.redis_url
                problem = reachable.redis_problem(redis_url)
            else:
                REDIS_DIR.mkdir(parents=True, exist_ok=True)
                redis = EmbeddedRedis(data_dir=REDIS_DIR, aof=True).start()
                redis_url = redis.url
                console.say(f"embedded Redis at {redis_url} (append-only file in {REDIS_DIR}/)")
            problem = problem or reachable.database_problem(database_url)
            if problem:
                console.error(problem)
                return CANNOT_START
            warming = warmup.start()  # on the other core, while the database is prepared
            keyring.configure(settings.data_key)  # the migration encrypts stored NIKs
            console.say(f"preparing database {_redacted(database_url)}")
            prepare_database(database_url, demo=demo, echo=console.say)
            warmup.finish(warming)

            env = child_environment(
                database_url=database_url,
                redis_url=redis_url,
                http_port=settings.http_port,
                secret_key=settings.secret_key,
                data_key=settings.data_key,
                heartbeat_dir=heartbeat_dir(settings.heartbeat_dir),
            )
            chatter = StartupChatter()

            def show(name: str, line: str) -> None:
                if chatter.keep(name, line):
                    console.line(name, line)

            supervisor = Supervisor(sekber_children(), env=env, on_line=show)
            signals.on_repeat = supervisor.hurry
            signals.arm()
            supervisor.start()
            return watch(
                supervisor,
                signals.requested,
                http_port=settings.http_port,
                console=console,
                scan_seconds=settings.deadline_scan_seconds,
                demo=demo,
            )
        except KeyboardInterrupt:
            console.say("interrupted before the services started")
            return 0
        finally:
            if supervisor is not None:
                console.say("stopping the services (Ctrl-C again to kill them at once)")
                codes = supervisor.stop()
                console.say(
                    "stopped: " + ", ".join(f"{n} ({_status(c)})" for n, c in codes.items())
                )
            if redis is not None:
                redis.stop()
                console.say("embedded Redis stopped")


def settings_for_up(say: Callable[[str], None]) -> Settings:
    """The settings; without SEKBER_SECRET_KEY or SEKBER_DATA_KEY, with the keys kept in
    var/ (generated on the first run). Every child gets them through its environment
    (child_environment)."""
    from sekber_cli import secret_file
    from shared.config import load_settings

    overrides = {}
    if not secret_file.configured():
        key, generated = secret_file.kept(SECRET_FILE)
        if generated:
            say(f"SEKBER_SECRET_KEY is unset: generated a random key in {SECRET_FILE} (mode 0600)")
        else:
            say(f"SEKBER_SECRET_KEY is unset: using the key kept in {SECRET_FILE}")
        overrides["secret_key"] = key
    if not secret_file.data_key_configured():
        ring, generated = secret_file.kept_data_key(DATA_KEY_FILE)
        if generated:
            say(f"SEKBER_DATA_KEY is unset: generated the NIK key in {DATA_KEY_FILE} (mode 0600)")
        overrides["data_key"] = ring
    return load_settings(**overrides)


def heartbeat_dir(configured: str) -> str:
    """SEKBER_HEARTBEAT_DIR, or var/heartbeats/ here, where `sekber probe` run in this
    directory looks when the variable is unset."""
    return configured or str(HEARTBEAT_DIR.resolve())


def child_environment(
    *,
    database_url: str,
    redis_url: str,
    http_port: int,
    secret_key: str,
    data_key: str = "",
    heartbeat_dir: str | None = None,
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SEKBER_DATABASE_URL=database_url,
        SEKBER_REDIS_URL=redis_url,
        SEKBER_HTTP_PORT=str(http_port),
        SEKBER_SECRET_KEY=secret_key,
        SEKBER_DATA_KEY=data_key,
        PYTHONUNBUFFERED="1",  # lines reach the terminal as they are written
        PYTHONWARNINGS=",".join(filter(None, (env.get("PYTHONWARNINGS", ""), ROOT_WARNING_FILTER))),
    )
    if heartbeat_dir:
        env["SEKBER_HEARTBEAT_DIR"] = heartbeat_dir
    return env


def watch(
    supervisor: Supervisor,
    stop: threading.Event,
    *,
    http_port: int,
    console: Console,
    scan_seconds: float,
    demo: bool = False,
) -> int:
    """Wait for a stop request (0) or a service that dies (1); announce when ready."""
    done = threading.Event()
    announcer = threading.Thread(
        target=_announce_when_ready,
        args=(supervisor, http_port, scan_seconds, done, console, demo),
        daemon=True,
    )
    announcer.start()
    try:
        while not stop.is_set():
            dead = supervisor.wait_exit(timeout=0.5)
            if dead is not None:
                name, code = dead
                console.error(f"{name} exited unexpectedly with code {code}; stopping everything")
                return 1
        return 0
    finally:
        done.set()


def _announce_when_ready(
    supervisor: Supervisor,
    http_port: int,
    scan_seconds: float,
    done: threading.Event,
    console: Console,
    demo: bool,
) -> None:
    """Say when the API is ready (its database and Redis answer) and the deadline scheduler
    runs: without the scheduler, no reminder or escalation ever goes out."""
    from sekber_cli.supervisor import READY_LINES, wait_for_http

    base = f"http://127.0.0.1:{http_port}"
    healthy = _wait_for(
        lambda: wait_for_http(f"{base}/readyz", timeout=1, cancelled=done.is_set),
        done,
        console,
        late=f"intake is not ready at {base}/readyz after 60 s; still waiting",
    )
    scheduling = healthy and _wait_for(
        lambda: supervisor.wait_for_output("scheduler", READY_LINES["scheduler"], timeout=1),
        done,
        console,
        late="the deadline scheduler has not started after 60 s; still waiting",
    )
    if scheduling:
        for line in ready_lines(
            base, scheduler_pid=supervisor.pid("scheduler"), scan_seconds=scan_seconds, demo=demo
        ):
            console.say(line)


def ready_lines(base: str, *, scheduler_pid: int, scan_seconds: float, demo: bool) -> list[str]:
    """The last lines `up` prints: that it is up, then where to go (each line fits in 80
    columns after the 12 of the prefix)."""
    lines = [
        "Sekber is up (Ctrl-C stops it all).",
        f"  Scheduler: pid {scheduler_pid}, a deadline scan every {scan_seconds:g} s",
        "  Liveness:  sekber probe routing|notify|imports|relay|scheduler",
        f"  Sign in:   {base}/masuk",
        f"  API docs:  {base}/docs",
    ]
    if demo:
        from shared.accounts import demo as demo_accounts

        lines.append(f"  Demo accounts, password {demo_accounts.PASSWORD}:")
        names = [f"{a.username} ({a.role})" for a in demo_accounts.ACCOUNTS]
        lines += [f"    {', '.join(names[i : i + 2])}" for i in range(0, len(names), 2)]
    return lines


def _wait_for(
    ready: Callable[[], bool], done: threading.Event, console: Console, *, late: str
) -> bool:
    """Poll `ready` (which waits up to about a second) until it holds; complain once at 60 s."""
    started = time.monotonic()
    complained = False
    while not done.is_set():
        if ready():
            return True
        if not complained and time.monotonic() - started >= 60:
            console.error(late)
            complained = True
    return False


def _status(code: int | None) -> str:
    if code is None:
        return "not started"
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def _refuse(settings: Settings) -> str | None:
    if _listening(settings.http_port):
        return (
            f"port {settings.http_port} is already in use; stop what holds it "
            "or set SEKBER_HTTP_PORT"
        )
    if settings.database_url.startswith("sqlite") and _sqlite_path(settings.database_url) is None:
        return "an in-memory SQLite database cannot be shared by the services; use a file"
    return None


def _database_url(settings: Settings) -> str:
    """The configured URL, or the default SQLite file under ./var/ (created)."""
    url = settings.database_url
    path = _sqlite_path(url) if url.startswith("sqlite") else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return url


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
