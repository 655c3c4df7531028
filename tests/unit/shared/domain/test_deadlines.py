from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.deadlines import (
    DEFAULT_FILE,
    DeadlineConfigError,
    Duration,
    Standing,
    Step,
    load,
    parse,
)
from shared.domain.urgency import Urgency

POLICY = load()
JAKARTA = POLICY.calendar.timezone


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


def test_an_emergency_must_be_accepted_within_the_hour_even_on_sunday() -> None:
    sunday_night = local(2026, 11, 29, 23, 30)
    due = POLICY.due(Urgency.EMERGENCY, Step.ACCEPT, sunday_night)
    assert due == local(2026, 11, 30, 0, 30)


def test_working_days_skip_the_weekend() -> None:
    friday = local(2026, 11, 27, 10, 0)
    assert POLICY.due(Urgency.NORMAL, Step.ACCEPT, friday) == local(2026, 12, 1, 10, 0)


def test_work_arriving_on_a_weekend_counts_from_monday_morning() -> None:
    saturday = local(2026, 11, 28, 15, 0)
    assert POLICY.due(Urgency.NORMAL, Step.ACCEPT, saturday) == local(2026, 12, 2, 8, 0)


def test_holidays_are_not_working_days() -> None:
    text = DEFAULT_FILE.read_text().replace("holidays = []", 'holidays = ["2026-11-30"]')
    policy = parse(text)
    friday = local(2026, 11, 27, 10, 0)
    assert policy.due(Urgency.NORMAL, Step.ACCEPT, friday) == local(2026, 12, 2, 10, 0)
    assert policy.calendar.is_working_day(date(2026, 12, 1))


def test_due_times_keep_the_callers_timezone() -> None:
    start = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 WIB, a Friday
    due = POLICY.due(Urgency.NORMAL, Step.ACCEPT, start)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_a_task_is_at_risk_after_three_quarters_of_its_time_then_breached() -> None:
    start = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    due = start + timedelta(hours=4)
    assert POLICY.standing(start=start, due=due, now=start + timedelta(hours=2)) is (
        Standing.ON_TRACK
    )
    assert POLICY.standing(start=start, due=due, now=start + timedelta(hours=3)) is (
        Standing.AT_RISK
    )
    assert POLICY.standing(start=start, due=due, now=due) is Standing.BREACHED


@pytest.mark.parametrize("text", ["0h", "2d", "h", "-1wd", ""])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(DeadlineConfigError):
        Duration.parse(text)


def test_a_policy_missing_an_urgency_is_refused() -> None:
    text = DEFAULT_FILE.read_text().split("[low]")[0]
    with pytest.raises(DeadlineConfigError, match=r"missing \[low\]"):
        parse(text)


def test_every_urgency_and_step_has_a_default() -> None:
    for urgency in Urgency:
        for step in Step:
            assert (urgency, step) in POLICY.durations
