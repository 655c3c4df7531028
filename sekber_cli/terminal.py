"""The terminal side of `sekber up`: prefixed output lines, and Ctrl-C handling."""

from __future__ import annotations

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
