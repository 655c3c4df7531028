"""What preferences make of a message, quiet hours across midnight, the digest hour, and
the retry schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from services.notify.recipients import KINDS
from shared.domain.notice import (
    EVENT_TYPE_OF,
    EVENT_TYPES,
    Decision,
    Preferences,
    RetryPolicy,
    Verdict,
    decide,
    digest_due,
    quiet_until,
)


def wib(hour: int, minute: int = 0, day: int = 27) -> datetime:
    """A moment given in WIB (UTC+7), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


NIGHT = Preferences(quiet_from=time(22, 0), quiet_to=time(6, 0))
LUNCH = Preferences(quiet_from=time(12, 0), quiet_to=time(13, 0))


def test_every_message_kind_belongs_to_one_event_type() -> None:
    assert set(EVENT_TYPE_OF) == KINDS
    assert set(EVENT_TYPES) == {
        "assignment",
        "offer",
        "reminder",
        "escalation",
        "acceptance",
        "resolution",
        "withdrawal",
    }


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (wib(23, 30), wib(6, 0, day=28)),  # before midnight: ends tomorrow morning
        (wib(2, 15), wib(6, 0)),  # after midnight: ends this morning
        (wib(22, 0), wib(6, 0, day=28)),  # the start is inside
        (wib(6, 0), None),  # the end is outside
        (wib(12, 0), None),
    ],
)
def test_quiet_hours_that_span_midnight_end_at_the_next_quiet_to(
    now: datetime, until: datetime | None
) -> None:
    assert quiet_until(NIGHT, now) == until


def test_quiet_hours_within_a_day_and_empty_ones() -> None:
    assert quiet_until(LUNCH, wib(12, 30)) == wib(13, 0)
    assert quiet_until(LUNCH, wib(13, 0)) is None
    assert quiet_until(Preferences(quiet_from=time(9), quiet_to=time(9)), wib(9)) is None
    assert quiet_until(Preferences(), wib(3)) is None


def test_a_message_in_quiet_hours_waits_for_their_end_on_external_channels_only() -> None:
    night = wib(23)
    email = decide(NIGHT, kind="referral_assigned", channel="email", urgency="high", now=night)
    inapp = decide(NIGHT, kind="referral_assigned", channel="inapp", urgency="high", now=night)
    assert email == Decision(Verdict.SEND, wib(6, 0, day=28))
    assert inapp == Decision(Verdict.SEND)


def test_an_emergency_ignores_quiet_hours_and_the_digest() -> None:
    for kind in ("referral_offered", "referral_assigned", "deadline_reminder"):
        decision = decide(NIGHT, kind=kind, channel="gateway", urgency="emergency", now=wib(1))
        assert decision == Decision(Verdict.SEND)


def test_low_urgency_assignments_and_reminders_wait_for_the_digest_unless_turned_off() -> None:
    held = [
        decide(Preferences(), kind=kind, channel="email", urgency="low", now=wib(10)).verdict
        for kind in ("referral_assigned", "deadline_reminder")
    ]
    assert held == [Verdict.HOLD, Verdict.HOLD]
    assert decide(
        Preferences(), kind="offer_withdrawn", channel="email", urgency="low", now=wib(10)
    ) == Decision(Verdict.SEND)
    assert decide(
        Preferences(), kind="referral_assigned", channel="email", urgency="normal", now=wib(10)
    ) == Decision(Verdict.SEND)
    no_digest = Preferences(digest_low_urgency=False)
    assert decide(
        no_digest, kind="referral_assigned", channel="email", urgency="low", now=wib(10)
    ) == Decision(Verdict.SEND)
    assert decide(
        Preferences(), kind="referral_assigned", channel="inapp", urgency="low", now=wib(10)
    ) == Decision(Verdict.SEND)


def test_a_channel_switched_off_is_skipped_even_for_an_emergency_but_inapp_never_is() -> None:
    prefs = Preferences(disabled=frozenset({("offer", "gateway"), ("offer", "inapp")}))
    assert decide(
        prefs, kind="referral_offered", channel="gateway", urgency="emergency", now=wib(10)
    ) == Decision(Verdict.SKIP)
    assert decide(
        prefs, kind="referral_offered", channel="inapp", urgency="emergency", now=wib(10)
    ) == Decision(Verdict.SEND)
    assert decide(
        prefs, kind="referral_offered", channel="email", urgency="emergency", now=wib(10)
    ) == Decision(Verdict.SEND)


def test_the_digest_goes_out_from_its_hour_in_wib() -> None:
    assert not digest_due(wib(6, 59), hour=7)
    assert digest_due(wib(7, 0), hour=7)
    assert digest_due(wib(23, 59), hour=7)


def test_retries_are_fast_in_the_task_then_follow_the_schedule_then_end_dead() -> None:
    policy = RetryPolicy(fast_attempts=2, schedule=(60, 3600), rng=random.Random(1))
    now = wib(10)
    assert policy.max_attempts == 4
    assert policy.after_failure(1, in_task=True, now=now) == ("failed", None)
    state, later = policy.after_failure(2, in_task=True, now=now)
    assert state == "failed" and later is not None
    assert timedelta(seconds=48) <= later - now <= timedelta(seconds=72)
    state, later = policy.after_failure(3, in_task=False, now=now)
    assert state == "failed" and later is not None
    assert timedelta(seconds=2880) <= later - now <= timedelta(seconds=4320)
    assert policy.after_failure(4, in_task=False, now=now) == ("dead", None)


def test_the_sweep_schedules_even_an_early_failure_instead_of_retrying_at_once() -> None:
    policy = RetryPolicy(fast_attempts=3, schedule=(60,), rng=random.Random(2))
    state, later = policy.after_failure(1, in_task=False, now=wib(10))
    assert state == "failed" and later is not None and later > wib(10)


def test_a_retry_schedule_is_bounded() -> None:
    with pytest.raises(ValueError, match="at most a day"):
        RetryPolicy(schedule=(60, 2 * 24 * 3600))
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(fast_attempts=0)
