"""A channel delivers one rendered message to one address."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class DeliveryError(Exception):
    """The channel could not deliver; the notification is retried later."""


class PermanentDeliveryError(DeliveryError):
    """The receiver said never to try again (a webhook's 410 Gone): the notification is dead."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    notification_id: str  # also the idempotency key for providers that honour one
    address: str
    subject: str
    body: str
    language: str
    kind: str = ""
    tracking_code: str = ""
    link: str = ""
    # A reply to a message a person sent: the gateway's id of that message, and the
    # channel it came by (sms, whatsapp), so the answer goes back the same way.
    reply_to: str = ""
    route: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    """A channel that is one system-wide address hears of every notification, once per
    event and kind, in one language."""

    address: str
    language: str


class Channel(ABC):
    name: str
    # Set by a channel that is a feed rather than a way to reach people.
    feed: Feed | None = None

    @abstractmethod
    def send(self, message: OutgoingMessage) -> None:
        """Deliver or raise DeliveryError."""
