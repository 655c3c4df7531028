"""Standard Webhooks signatures (v1, HMAC-SHA256), one implementation for both sides:
notify signs the webhook feed with it, intake checks the messaging gateway's inbound
messages with it.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the key is the base64
after the `whsec_` prefix; `webhook-signature` holds one or more space-separated
`v1,<base64>` values (several let a sender rotate its secret). Kept here rather than
taken from the `standardwebhooks` package, which fixes the tolerance at five minutes,
parses the body as JSON itself and brings three dependencies for these forty lines.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300


class InvalidSignature(Exception):
    """Not signed with the secret, altered, or too old or too new."""


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of `{id}.{timestamp}.{body}`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers_for(
    secret: str, *, msg_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id=msg_id, timestamp=timestamp, body=body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> None:
    """Raise InvalidSignature unless one of the header's signatures matches and the
    timestamp is within `tolerance` seconds of now. Header names are matched in any case."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lower["webhook-id"]
        timestamp = int(lower["webhook-timestamp"])
        signatures = lower["webhook-signature"].split()
        # A timestamp of hundreds of digits is an int no float can be compared with.
        skew = abs((time.time() if now is None else now) - timestamp)
    except (KeyError, ValueError, OverflowError) as exc:
        raise InvalidSignature("missing or malformed webhook headers") from exc
    if skew > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    expected = sign(secret, msg_id=msg_id, timestamp=timestamp, body=body)
    if not any(
        hmac.compare_digest(expected.encode(), candidate.encode())
        for candidate in signatures
        if candidate.startswith("v1,")
    ):
        raise InvalidSignature("no matching signature")
