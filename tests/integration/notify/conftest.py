from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from services.notify import handlers
from services.notify.channels.base import Channel
from services.notify.channels.email import EmailChannel
from services.notify.delivery_context import DeliveryContext
from shared.config import Settings
from shared.db import UowFactory
from shared.domain.notice import RetryPolicy
from shared.events import Envelope
from tests.e2e.stack import SmtpServer

BASE_URL = "http://sekber.test"
MAX_ATTEMPTS = 6

Notify = Callable[[Envelope], None]


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) that keeps every message; tests tell theirs apart by
    the case's tracking code."""
    with SmtpServer() as server:
        yield server


def email_channel(port: int) -> EmailChannel:
    settings = Settings(
        environment="test", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False
    )
    return EmailChannel(settings)


@pytest.fixture(scope="session")
def channels(smtp: SmtpServer) -> dict[str, Channel]:
    return {"email": email_channel(smtp.port)}


@pytest.fixture
def notify(uow_factory: UowFactory, channels: dict[str, Channel]) -> Notify:
    """The notify worker's handler, as its Celery task calls it."""

    def handle(envelope: Envelope) -> None:
        deliver(uow_factory, envelope, channels)

    return handle


def delivery(
    uow_factory: UowFactory, channels: dict[str, Channel], **options: Any
) -> DeliveryContext:
    """The handlers' delivery context with the tests' base URL, unless `options`
    (DeliveryContext's fields) say otherwise."""
    return DeliveryContext(
        uow_factory=uow_factory, channels=channels, **{"base_url": BASE_URL, **options}
    )


def deliver(
    uow_factory: UowFactory,
    envelope: Envelope,
    channels: dict[str, Channel],
    *,
    max_attempts: int = MAX_ATTEMPTS,
    **options: Any,
) -> None:
    """The notify handler on one event, with the tests' base URL and, without a `retry`
    policy, a failed send retried by the task up to `max_attempts` times; other `options`
    are DeliveryContext's fields."""
    options.setdefault("retry", RetryPolicy(fast_attempts=max_attempts, schedule=()))
    handlers.handle(envelope=envelope, delivery=delivery(uow_factory, channels, **options))
