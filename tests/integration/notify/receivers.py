"""Real HTTP receivers on 127.0.0.1 (the standard library's server, in a thread): a
webhook endpoint that checks signatures with our own `verify`, and a messaging gateway.
Each answers with the statuses it is told to, then 200, and keeps what it accepted."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from services.notify.channels import webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@dataclass(frozen=True)
class Request:
    headers: dict[str, str]
    body: bytes
    status: int
    path: str = ""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Set `secret` to reject (401) what `webhook.verify` rejects."""

    secret: str | None = None
    fail_with: list[int] = field(default_factory=list)  # answered in order, then 200
    requests: list[Request] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._answer(headers, body, self.path)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.base}/hook"

    def _answer(self, headers: dict[str, str], body: bytes, path: str = "") -> int:
        with self._lock:
            status = self.fail_with.pop(0) if self.fail_with else 200
            if self.secret is not None:
                try:
                    webhook.verify(self.secret, headers, body)
                except webhook.InvalidSignature:
                    status = 401
            self.requests.append(Request(headers, body, status, path))
            return status

    def accepted(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if 200 <= r.status < 300]
