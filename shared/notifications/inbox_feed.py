"""New in-app notifications, pushed to whoever watches their inbox live (intake's SSE
stream, services/intake/casework/stream.py).

Notify publishes on a Redis pub/sub channel per recipient, under the broker key prefix,
after the in-app row is committed. Pub/sub is fire-and-forget: the row is the record,
the push only saves a page reload, so a failed publish is logged and not retried, and a
client that reconnects reloads its inbox for what it missed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

import redis

from shared.redisconn import clients as redisconn

log = logging.getLogger(__name__)
# The province-wide queue of tasks that found nobody at any level.
SUPERVISORS = "sekber-supervisors"


def channel_name(prefix: str, recipient: str) -> str:
    """The pub/sub channel of one recipient: a coordinator's id, or a supervisors' group
    ("sekber-supervisors", "supervisors:<region code>")."""
    return f"{prefix}sekber:inbox:{recipient}"


@dataclass(frozen=True, slots=True)
class InboxItem:
    """What the stream sends as `event: notification` (the web pages' contract)."""

    id: str
    event_type: str
    case_id: str
    tracking_code: str
    urgency: str
    created_at: str
    title_id: str
    title_en: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes) -> InboxItem:
        data: dict[str, Any] = json.loads(raw)
        return cls(**{name: str(data[name]) for name in cls.__dataclass_fields__})


class InboxPublisher:
    def __init__(self, *, redis_url: str, prefix: str) -> None:
        self._url, self._prefix = redis_url, prefix
        self._client: redis.Redis | None = None

    def publish(self, recipient: str, item: InboxItem) -> None:
        try:
            if self._client is None:
                self._client = redisconn.client(self._url, socket_timeout=5)
            self._client.publish(channel_name(self._prefix, recipient), item.to_json())
        except redis.RedisError as exc:
            log.warning("inbox push of notification %s failed: %s", item.id, exc)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
