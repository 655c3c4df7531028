"""How many messages a number may have acted on: tiers per sender (SEKBER_GATEWAY_SENDER_LIMITS),
counted in Redis like the sign-in throttle, so every worker sees the same counts. An
unknown number gets its one neutral answer at most once a day."""

from __future__ import annotations

from limits import RateLimitItem, parse, parse_many
from limits.errors import StorageError
from limits.strategies import MovingWindowRateLimiter

from shared.redisconn import clients as redisconn

NEUTRAL_ANSWERS = "1/day"


class ThrottleUnavailable(Exception):
    """Redis does not answer: the message waits (the task is retried) rather than being
    acted on uncounted."""


class SenderThrottle:
    def __init__(self, redis_url: str, *, key_prefix: str, limits: str) -> None:
        storage = redisconn.limits_storage(
            redis_url,
            key_prefix=f"{key_prefix}sekber-messages",
            wrap_exceptions=True,
            socket_connect_timeout=2,
            socket_timeout=2,
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._tiers: list[RateLimitItem] = parse_many(limits)
        self._neutral = parse(NEUTRAL_ANSWERS)

    def allow(self, address: str) -> bool:
        """Count one message from `address`; False when one of its tiers is full."""
        try:
            allowed = True
            for item in self._tiers:
                allowed = self._limiter.hit(item, "sender", address) and allowed
            return allowed
        except StorageError as exc:
            raise ThrottleUnavailable(str(exc)) from None

    def first_neutral_answer_today(self, address: str) -> bool:
        try:
            return self._limiter.hit(self._neutral, "unknown", address)
        except StorageError as exc:
            raise ThrottleUnavailable(str(exc)) from None
