"""What notify's handlers need besides the event: built once per worker (tasks.Notify)
and passed whole, instead of the same keywords spelled out at every call."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.notify.channels.base import Channel
from shared.casework.action_links import Issuer
from shared.db import UowFactory
from shared.domain.notice import RetryPolicy
from shared.models.base import utcnow
from shared.notifications.inbox_feed import InboxPublisher

DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class DeliveryContext:
    """The database, the channels and how to use them.

    `base_url` makes the links in messages; `retry` says how a failed send is tried again;
    a row is leased for `lease` while it is sent; with `action_links`, a message asking a
    coordinator to answer a task carries signed accept and decline links; `inbox` pushes
    in-app entries live; `clock` is the time notifications are recorded at; with
    `budget_seconds`, one event's delivery (and each periodic run) stops taking rows once
    that much time has gone, and `later` is given the rows left (the task sends them on
    in a message of their own; without it, or if that message is lost, the sweep sends
    them)."""

    uow_factory: UowFactory
    channels: dict[str, Channel]
    base_url: str
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    lease: timedelta = DEFAULT_LEASE
    action_links: Issuer | None = None
    inbox: InboxPublisher | None = None
    clock: Callable[[], datetime] = utcnow
    budget_seconds: float | None = None
    later: Callable[[list[uuid.UUID]], None] | None = None
