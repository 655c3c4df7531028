"""The terminal side of `sekber up`: prefixed output lines, the start-up chatter left out
of them, and Ctrl-C handling."""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType, TracebackType
from typing import Any

import typer

SELF = "up"
COLORS = ("cyan", "magenta", "yellow", "green", "blue", "bright_cyan")


class Console:
    """Prefixed, optionally colored output shared by the children's reader threads."""

    def __init__(self, names: Iterable[str], *, color: bool) -> None:
        self._names = [SELF, *names]
        self._width = max(len(name) for name in self._names)
        self._color = color
        self._lock = threading.Lock()

    def prefix(self, name: str) -> str:
        text = f"{name:<{self._width}} | "
        if not self._color:
            return text
        if name == SELF:
            return typer.style(text, bold=True)
        index = self._names.index(name) - 1 if name in self._names else 0
        return typer.style(text, fg=COLORS[index % len(COLORS)])

    def line(self, name: str, line: str, *, err: bool = False) -> None:
        with self._lock:
            typer.echo(f"{self.prefix(name)}{line}", err=err)

    def say(self, message: str) -> None:
        self.line(SELF, message)

    def error(self, message: str) -> None:
        """One line on stderr."""
        styled = typer.style(message, fg="red", bold=True) if self._color else message
        self.line(SELF, styled, err=True)


# The first line of a banner: a worker's (" -------------- routing@host v5.7.0 (...)"),
# beat's ("celery beat v5.7.0 (...) is starting.").
BANNER_START = re.compile(r"^\s*-{3,} \S+@\S+ v\d|^celery beat v\d")
# What ends one: a log line in the text format (it starts with the date) or JSON, or a
# traceback. A banner is some 20 lines: no more are ever dropped.
BANNER_END = re.compile(r"^\d{4}-\d\d-\d\d[ T]|^\{|^Traceback")
BANNER_MAX_LINES = 40
# Alembic's INFO lines (its plugins, its dialect), written when the intake's readiness
# check first reads the schema version: `up` has migrated the schema itself.
ALEMBIC_INFO = re.compile(r"^\d{4}-\d\d-\d\d \S+ INFO +\S+ \[[^\]]*\] alembic\.")


class StartupChatter:
    """Leaves out what Celery prints for a human starting one worker by hand (the banner
    of each worker and of beat: its configuration, queues and tasks), empty lines and
    Alembic's INFO lines. `sekber up` says itself when everything is ready."""

    def __init__(self) -> None:
        self._dropped: dict[str, int] = {}  # child name -> lines dropped of its banner
        self._lock = threading.Lock()

    def keep(self, name: str, line: str) -> bool:
        with self._lock:
            if name in self._dropped:
                if BANNER_END.match(line) or self._dropped[name] >= BANNER_MAX_LINES:
                    del self._dropped[name]
                    return True
                self._dropped[name] += 1
                return False
            if BANNER_START.match(line):
                self._dropped[name] = 1
                return False
            return bool(line.strip()) and not ALEMBIC_INFO.match(line)


class StopSignals:
    """SIGINT and SIGTERM ask for a stop.

    Before arm(), a signal raises KeyboardInterrupt (there is nothing to stop in order yet);
    after, it only sets `requested`, and a second one calls `on_repeat` (to hurry the stop).
    """

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.on_repeat: Callable[[], None] | None = None
        self._armed = False
        self._previous: dict[signal.Signals, Any] = {}

    def arm(self) -> None:
        self._armed = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested.is_set():
            if self.on_repeat is not None:
                self.on_repeat()
            return
        self.requested.set()
        if not self._armed:
            raise KeyboardInterrupt

    def __enter__(self) -> StopSignals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
