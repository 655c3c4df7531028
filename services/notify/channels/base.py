"""A channel delivers one rendered message to one address."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class DeliveryError(Exception):
    """The channel could not deliver; the notification is retried later."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    notification_id: str  # also the idempotency key for providers that honour one
    address: str
    subject: str
    body: str
    language: str


class Channel(ABC):
    name: str

    @abstractmethod
    def send(self, message: OutgoingMessage) -> None:
        """Deliver or raise DeliveryError."""
