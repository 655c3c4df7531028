"""Request body size limit, enforced before the application sees the body.

Bodies are small (a referral is a few kilobytes), so the middleware reads the body up to
the limit and hands it on whole; a declared or streamed body past the limit gets 413. A few
paths (a routing rule set) have a limit of their own, and uploads (a spreadsheet of
referrals) theirs, refused naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What a multipart body carries beside the file: boundaries and part headers.
MULTIPART_FRAMING = 16 * 1024


class BodySizeLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        per_path: Mapping[str, int] | None = None,
        uploads: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})
        # Upload paths and the largest file each takes (the multipart framing aside).
        self.uploads = dict(uploads or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self.per_path.get(path, self.max_bytes)
        if path in self.uploads:
            limit = self.uploads[path] + MULTIPART_FRAMING
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit, upload=self.uploads.get(path), page=_is_page(path))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, limit, upload=self.uploads.get(path), page=_is_page(path))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(
        self, send: Send, limit: int, *, upload: int | None = None, page: bool = False
    ) -> None:
        error = {
            "field": "body",
            "loc": ["body"],
            "msg": f"request body larger than {limit} bytes",
            "type": "too_large",
        }
        if upload is not None:
            error |= {
                "field": "file",
                "loc": ["body", "file"],
                "msg": f"the file is larger than {upload} bytes; split it into smaller files",
            }
        payload = json.dumps({"detail": [error]}).encode()
        media_type = b"application/json"
        if page and upload is not None:  # a person sent it from a page: answer with one
            payload = _TOO_LARGE_PAGE.format(mb=upload // (1024 * 1024)).encode()
            media_type = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", media_type),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _is_page(path: str) -> bool:
    return not path.startswith("/api/")


# Plain, self-contained and in both languages: the middleware runs before the page kit.
_TOO_LARGE_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Berkas terlalu besar</title><link rel="stylesheet" href="/static/sekber.css"></head>
<body><main id="isi"><h1>Berkas terlalu besar</h1>
<p>Berkas lebih besar dari {mb} MB. Bagi menjadi beberapa berkas, lalu unggah satu per satu.</p>
<p lang="en">The file is larger than {mb} MB. Split it into smaller files and upload each.</p>
<p><a href="/rujukan/impor">Kembali ke impor / Back to import</a></p></main></body></html>
"""
