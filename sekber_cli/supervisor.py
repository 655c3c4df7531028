"""Run a few child processes side by side, stream their output, and stop them cleanly.

`sekber up` uses this for the five services; the end-to-end tests use it to start the same
real processes, kill one as a crash would, and start it again.

Each child runs in its own process group (its own session), so a signal reaches the whole
tree a service may fork (Celery's pool, uvicorn's workers), and a Ctrl-C in the terminal
reaches only the supervisor, which then shuts the children down in order.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

SERVICES: tuple[str, ...] = ("intake", "routing", "notify", "imports", "relay", "scheduler")
# What a service writes once it is ready: Celery's worker banner line, beat's first log line.
READY_LINES: dict[str, str] = {
    "routing": " ready.",
    "notify": " ready.",
    "imports": " ready.",
    "scheduler": "beat: Starting...",
}

LineSink = Callable[[str, str], None]
"""Called with (child name, one line of its output without the newline), from a reader thread."""


@dataclass(frozen=True, slots=True)
class ChildSpec:
    name: str
    argv: tuple[str, ...]
    # Added to the supervisor's environment for this child only (its metrics port, say).
    env: Mapping[str, str] = field(default_factory=dict)


def sekber_children(
    names: Iterable[str] = SERVICES, *, python: str = sys.executable
) -> list[ChildSpec]:
    """`python -m sekber_cli.main NAME` for each service: the same commands `sekber up` runs."""
    return [ChildSpec(name, (python, "-m", "sekber_cli.main", name)) for name in names]


class _Child:
    def __init__(self, spec: ChildSpec, tail: int) -> None:
        self.spec = spec
        self.process: subprocess.Popen[str] | None = None
        self.reader: threading.Thread | None = None
        self.lines: collections.deque[str] = collections.deque(maxlen=tail)
        self.expected_exit = False


class Supervisor:
    """Start, watch and stop a set of child processes.

    Typical use::

        with Supervisor(sekber_children(), env=env, on_line=print_line) as sup:
            sup.wait_exit(timeout=60)   # (name, returncode) of the first child to die, or None

    Leaving the block calls stop(): SIGTERM to every process group, up to `grace` seconds
    for them to finish, then SIGKILL for whatever remains.
    """

    def __init__(
        self,
        specs: Sequence[ChildSpec],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        on_line: LineSink | None = None,
        tail: int = 500,
        grace: float = 15.0,
    ) -> None:
        names = [spec.name for spec in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"child names must be unique: {names}")
        self._children = {spec.name: _Child(spec, tail) for spec in specs}
        self._env = dict(os.environ if env is None else env)
        self._cwd = cwd
        self._on_line = on_line
        self._grace = grace
        self._hurry = threading.Event()
        self._changed = threading.Condition()

    @property
    def names(self) -> list[str]:
        return list(self._children)

    # -- starting -------------------------------------------------------------------------

    def start(self) -> Supervisor:
        for name in self._children:
            self.start_one(name)
        return self

    def start_one(self, name: str) -> None:
        """Start one child (again, after it exited or was killed)."""
        child = self._children[name]
        if child.process is not None and child.process.poll() is None:
            raise RuntimeError(f"{name} is already running")
        if child.reader is not None:
            child.reader.join(timeout=5)
        child.expected_exit = False
        child.process = subprocess.Popen(
            child.spec.argv,
            env={**self._env, **child.spec.env},
            cwd=self._cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,
        )
        child.reader = threading.Thread(
            target=self._read, args=(child, child.process), name=f"read-{name}", daemon=True
        )
        child.reader.start()

    def _read(self, child: _Child, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        with process.stdout:
            for raw in process.stdout:
                line = raw.rstrip("\r\n")
                child.lines.append(line)
                if self._on_line is not None:
                    self._on_line(child.spec.name, line)
                with self._changed:
                    self._changed.notify_all()
        process.wait()
        with self._changed:
            self._changed.notify_all()

    # -- watching -------------------------------------------------------------------------

    def pid(self, name: str) -> int:
        process = self._children[name].process
        if process is None:
            raise RuntimeError(f"{name} was never started")
        return process.pid

    def alive(self, name: str) -> bool:
        process = self._children[name].process
        return process is not None and process.poll() is None

    def returncode(self, name: str) -> int | None:
        process = self._children[name].process
        return None if process is None else process.poll()

    def exited(self) -> tuple[str, int] | None:
        """The first child that has exited without being told to, with its return code."""
        for name, child in self._children.items():
            if child.process is None or child.expected_exit:
                continue
            code = child.process.poll()
            if code is not None:
                return name, code
        return None

    def wait_exit(self, timeout: float | None = None) -> tuple[str, int] | None:
        """Block until a child exits unexpectedly (return it) or `timeout` passes (None)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while (found := self.exited()) is None:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                # A short cap: a child whose output pipe is held open by a grandchild
                # exits without waking the reader thread.
                self._changed.wait(0.5 if remaining is None else min(remaining, 0.5))
            return found

    def output(self, name: str) -> list[str]:
        """The last lines the child wrote (stdout and stderr together)."""
        return list(self._children[name].lines)

    def wait_for_output(self, name: str, needle: str, timeout: float) -> bool:
        """Wait until a line containing `needle` appears in the child's output tail."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not any(needle in line for line in self._children[name].lines):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.5))
            return True

    # -- stopping -------------------------------------------------------------------------

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal a child's whole process group and mark its exit as expected.

        For fault injection: kill(name) is a crash, kill(name, signal.SIGTERM) a clean stop.
        """
        child = self._children[name]
        if child.process is None:
            raise RuntimeError(f"{name} was never started")
        child.expected_exit = True
        _signal_group(child.process.pid, sig)

    def hurry(self) -> None:
        """Cut a stop() in progress short: SIGKILL now instead of waiting out the grace."""
        self._hurry.set()

    def stop(self, grace: float | None = None) -> dict[str, int | None]:
        """SIGTERM every group, wait up to `grace` seconds, SIGKILL what remains.

        Returns each child's return code (None for a child that never started).
        """
        grace = self._grace if grace is None else grace
        started = [c for c in self._children.values() if c.process is not None]
        for child in started:
            child.expected_exit = True
            assert child.process is not None
            _signal_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and not self._hurry.is_set():
            if not _any_left(started):
                break
            time.sleep(0.1)
        for child in started:
            assert child.process is not None
            _signal_group(child.process.pid, signal.SIGKILL)
        for child in started:
            assert child.process is not None
            child.process.wait()
            if child.reader is not None:
                child.reader.join(timeout=5)
        return {name: self.returncode(name) for name in self._children}

    def __enter__(self) -> Supervisor:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _signal_group(pgid: int, sig: int) -> None:
    # ProcessLookupError: the group is gone already; PermissionError: only zombies are left.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _any_left(children: Iterable[_Child]) -> bool:
    processes = [c.process for c in children if c.process is not None]
    for process in processes:
        process.poll()  # reap an exited leader, or its zombie would count as alive
    return any(_group_alive(process.pid) for process in processes)


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is left, the leader included until it is reaped."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_for_http(
    url: str,
    *,
    timeout: float,
    interval: float = 0.25,
    cancelled: Callable[[], bool] = lambda: False,
) -> bool:
    """Poll `url` until it answers 2xx (True), or `timeout` passes or `cancelled()` (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not cancelled():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if 200 <= response.status < 300:
                    return True
        except (urllib.error.URLError, OSError):
            pass  # not up yet
        time.sleep(interval)
    return False
