"""Sign-in throttling: failed attempts slow down whoever makes them, never the account's owner.

Two kinds of counters, both of failed sign-ins, both in Redis (the `limits` library's
moving windows) so that every intake process sees the same counts:

- per (account, client address): `SEKBER_LOGIN_PAIR_LIMITS`, tiers such as
  "5/minute;10/15 minutes;20/hour;50/day". Each tier reached makes the next attempt wait
  longer (a stepped backoff); a successful sign-in clears the pair.
- per client address, whatever the account: `SEKBER_LOGIN_ADDRESS_LIMITS`, against a
  script trying many accounts from one place.

An account is never locked for everyone: its owner, signing in from another address, is
not slowed by someone else's guesses. Throttling is checked before the password and is the
same for accounts that exist and for those that do not, so it tells nothing about which
usernames exist.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.strategies import MovingWindowRateLimiter

from shared.redisconn import clients as redisconn


class ThrottleUnavailable(Exception):
    """The counters cannot be read (Redis does not answer): sign-in waits rather than
    letting guesses through uncounted."""


def parse_limits(spec: str) -> list[RateLimitItem]:
    """Tiers such as "5/minute;10/15 minutes"; raises ValueError for anything else."""
    items = parse_many(spec) if spec.strip() else []
    if not items:
        raise ValueError("at least one limit such as 5/minute")
    return items


class SignInThrottle:
    def __init__(
        self, redis_url: str, *, key_prefix: str, pair_limits: str, address_limits: str
    ) -> None:
        self._storage = redisconn.limits_storage(
            redis_url,
            key_prefix=f"{key_prefix}sekber-signin",
            wrap_exceptions=True,
            socket_connect_timeout=2,
            socket_timeout=2,
        )
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._pair = parse_limits(pair_limits)
        self._address = parse_limits(address_limits)

    def _tiers(self, account: str, address: str) -> Sequence[tuple[RateLimitItem, tuple[str, ...]]]:
        pair = ("pair", account, address)
        alone = ("address", address)
        return [(item, pair) for item in self._pair] + [(item, alone) for item in self._address]

    def wait_seconds(self, account: str, address: str) -> int:
        """0 when an attempt may be made now, else the seconds until one may."""
        wait = 0.0
        try:
            for item, keys in self._tiers(account, address):
                if not self._limiter.test(item, *keys):
                    reset = self._limiter.get_window_stats(item, *keys).reset_time
                    wait = max(wait, reset - time.time())
        except StorageError as exc:
            raise ThrottleUnavailable(str(exc)) from None
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def failed(self, account: str, address: str) -> None:
        """Count a failed attempt in every tier."""
        try:
            for item, keys in self._tiers(account, address):
                self._limiter.hit(item, *keys)
        except StorageError as exc:
            raise ThrottleUnavailable(str(exc)) from None

    def succeeded(self, account: str, address: str) -> None:
        """The right password from this address: its pair starts afresh (the address's
        own count stays)."""
        try:
            for item in self._pair:
                self._limiter.clear(item, "pair", account, address)
        except StorageError as exc:
            raise ThrottleUnavailable(str(exc)) from None
