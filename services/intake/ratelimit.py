"""A fixed-window limit on sign-in attempts per client address, in this process.

Lock-out (in the database) protects each account whatever the number of intake processes;
this limit slows a client guessing across many accounts. With N intake processes behind a
balancer a client gets at most N times the limit.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field


@dataclass
class WindowLimiter:
    limit: int
    window_seconds: float = 60.0
    _counts: dict[str, tuple[float, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str, *, now: float) -> int | None:
        """Count one attempt; None when allowed, else the seconds until the next window."""
        with self._lock:
            start, count = self._counts.get(key, (now, 0))
            if now - start >= self.window_seconds:
                start, count = now, 0
            if count >= self.limit:
                return max(1, math.ceil(start + self.window_seconds - now))
            self._counts[key] = (start, count + 1)
            if len(self._counts) > 10_000:
                self._forget_old(now)
            return None

    def _forget_old(self, now: float) -> None:
        for k in [k for k, (s, _) in self._counts.items() if now - s >= self.window_seconds]:
            del self._counts[k]
