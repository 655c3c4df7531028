"""A periodic task's time budget: it starts no new item once the budget is spent, and
always does at least one, so that every run makes progress."""

from __future__ import annotations

import time
from collections.abc import Callable


class Budget:
    def __init__(
        self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds, self._clock = seconds, clock
        self._started = clock()

    def spent(self, done: int) -> bool:
        """Whether to stop after `done` items (None seconds: never)."""
        return (
            done > 0 and self.seconds is not None and self._clock() - self._started >= self.seconds
        )
