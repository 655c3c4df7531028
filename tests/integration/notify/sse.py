"""A Server-Sent Events client for tests: one connection read in a thread, its events
queued."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Sse:
    event: str
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


class Listener:
    """Reads one SSE connection in a thread and queues its events."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[Sse] = queue.Queue()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=30))
        self._response = self._client.send(
            self._client.build_request("GET", url, headers=headers), stream=True
        )
        self.status = self._response.status_code
        self.content_type = self._response.headers.get("content-type", "")
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        event, data = "message", []
        try:
            for line in self._response.iter_lines():
                if line.startswith("event:"):
                    event = line.removeprefix("event:").strip()
                elif line.startswith("data:"):
                    data.append(line.removeprefix("data:").strip())
                elif not line and data:
                    self.events.put(Sse(event, "\n".join(data)))
                    event, data = "message", []
        except httpx.HTTPError:
            return  # closed by the test

    def next(self, event: str, timeout: float = 10) -> Sse:
        deadline = time.monotonic() + timeout
        while True:
            found = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if found.event == event:
                return found

    def close(self) -> None:
        self._response.close()
        self._client.close()
        self._thread.join(timeout=5)
