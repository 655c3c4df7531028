"""What a recipient's preferences make of one notification: send it, skip it, hold it for
the daily digest, or send it after their quiet hours. And when a failed send is retried.

Pure: stdlib only, the clock is an argument, so every rule has a unit test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")  # WIB: quiet hours and the digest hour are local times
INAPP = "inapp"

# The event types a recipient can switch per channel, and the messages each one covers.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "assignment": ("referral_assigned",),
    "offer": ("referral_offered",),
    "reminder": ("deadline_reminder",),
    "escalation": ("referral_escalated", "referral_unroutable"),
    "acceptance": ("case_accepted",),
    "resolution": ("case_resolved", "case_merged"),
    "withdrawal": ("offer_withdrawn", "task_withdrawn"),
}
EVENT_TYPE_OF = {kind: event for event, kinds in EVENT_TYPES.items() for kind in kinds}
# Low-urgency alerts of these types wait for the digest when the recipient wants one.
DIGESTIBLE = frozenset({"assignment", "reminder"})
LOW = "low"
EMERGENCY = "emergency"


class NotificationState(StrEnum):
    """A notification row's state: pending -> sending -> sent | failed (retrying) | dead;
    an external low-urgency alert may be held for the daily digest instead."""

    PENDING = "pending"
    HELD = "held"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    DIGESTED = "digested"


class Verdict(StrEnum):
    SEND = "send"
    SKIP = "skip"  # the recipient turned this event type off on this channel
    HOLD = "hold"  # held for the daily digest


@dataclass(frozen=True, slots=True)
class Preferences:
    """One recipient's choices; the defaults are everything on, no quiet hours, digest on."""

    disabled: frozenset[tuple[str, str]] = frozenset()  # (event type, channel)
    quiet_from: time | None = None
    quiet_to: time | None = None
    digest_low_urgency: bool = True

    def enabled(self, event_type: str, channel: str) -> bool:
        return channel == INAPP or (event_type, channel) not in self.disabled


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    not_before: datetime | None = None


def decide(prefs: Preferences, *, kind: str, channel: str, urgency: str, now: datetime) -> Decision:
    """In-app is the record and is always written at once; an emergency ignores quiet hours
    and the digest (but not a channel the recipient switched off)."""
    if channel == INAPP:
        return Decision(Verdict.SEND)
    event_type = EVENT_TYPE_OF.get(kind)
    if event_type is not None and not prefs.enabled(event_type, channel):
        return Decision(Verdict.SKIP)
    if urgency == EMERGENCY:
        return Decision(Verdict.SEND)
    if prefs.digest_low_urgency and urgency == LOW and event_type in DIGESTIBLE:
        return Decision(Verdict.HOLD)
    return Decision(Verdict.SEND, quiet_until(prefs, now))


def quiet_until(prefs: Preferences, now: datetime) -> datetime | None:
    """The end of the quiet window `now` falls in (UTC), or None outside one.

    The window is [quiet_from, quiet_to) in WIB; from > to spans midnight (22:00-06:00);
    from == to is no window.
    """
    start, end = prefs.quiet_from, prefs.quiet_to
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(JAKARTA)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=JAKARTA).astimezone(UTC)


def local_day(now: datetime) -> date:
    return now.astimezone(JAKARTA).date()


def digest_due(now: datetime, *, hour: int) -> bool:
    """Whether today's digest may go out: from `hour` o'clock WIB on."""
    return now.astimezone(JAKARTA).hour >= hour


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The task retries a failed send itself `fast_attempts` times, seconds apart; after
    that the row waits `schedule[i]` seconds (±20 % jitter) for the sweep, one step per
    attempt; when the schedule runs out the notification is dead."""

    fast_attempts: int = 3
    schedule: tuple[float, ...] = (60, 300, 1800, 3600, 3 * 3600, 6 * 3600)
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def __post_init__(self) -> None:
        if self.fast_attempts < 1:
            raise ValueError("fast_attempts must be at least 1")
        if any(not 0 < step <= 24 * 3600 for step in self.schedule):
            raise ValueError("each retry delay must be more than 0 s and at most a day")

    @property
    def max_attempts(self) -> int:
        return self.fast_attempts + len(self.schedule)

    def after_failure(
        self, attempts: int, *, in_task: bool, now: datetime
    ) -> tuple[NotificationState, datetime | None]:
        """(state, not_before) after the `attempts`-th failed send. Without a not_before,
        the task retries the row itself (and raises to do so)."""
        if attempts >= self.max_attempts:
            return NotificationState.DEAD, None
        if in_task and attempts < self.fast_attempts:
            return NotificationState.FAILED, None
        if not self.schedule:  # only fast retries, and the task is not the one retrying
            return NotificationState.FAILED, now + timedelta(seconds=30)
        step = self.schedule[min(max(attempts - self.fast_attempts, 0), len(self.schedule) - 1)]
        return NotificationState.FAILED, now + timedelta(seconds=step * self.rng.uniform(0.8, 1.2))
