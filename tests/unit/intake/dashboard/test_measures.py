from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.intake.dashboard import measures
from services.intake.dashboard.measures import Bucket, GroupLevel, Period

NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # Wednesday 12:00 WIB


def test_the_median_of_an_even_count_lies_halfway_between_the_middle_values() -> None:
    assert measures.percentile([4.0, 10.0], 0.5) == 7.0


def test_percentiles_interpolate_between_ranks_as_percentile_cont_does() -> None:
    values = [6.0, 1.0, 2.0]  # unsorted on purpose

    assert measures.percentile(values, 0.9) == pytest.approx(5.2)
    assert measures.percentile(values, 0.5) == 2.0
    assert measures.percentile(values, 0.0) == 1.0
    assert measures.percentile(values, 1.0) == 6.0


def test_a_percentile_of_nothing_is_none_and_of_one_value_is_that_value() -> None:
    assert measures.percentile([], 0.5) is None
    assert measures.percentile([3.5], 0.9) == 3.5


def test_a_percentile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        measures.percentile([1.0], 1.5)


def test_the_default_period_is_the_last_twelve_weeks_up_to_today_in_wib() -> None:
    late_evening_utc = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 01:00 WIB on the 25th

    span = measures.period(first=None, last=None, now=late_evening_utc)

    assert (span.first, span.last, span.days) == (date(2026, 9, 3), date(2026, 11, 25), 84)


def test_a_period_runs_from_midnight_wib_of_its_first_day_to_midnight_after_its_last() -> None:
    span = Period(date(2026, 11, 16), date(2026, 11, 22))

    assert span.start == datetime(2026, 11, 15, 17, 0, tzinfo=UTC)
    assert span.end == datetime(2026, 11, 22, 17, 0, tzinfo=UTC)


def test_a_period_that_ends_before_it_starts_names_from() -> None:
    with pytest.raises(measures.PeriodError) as caught:
        measures.period(first=date(2026, 11, 20), last=date(2026, 11, 19), now=NOW)
    assert caught.value.field == "from"


def test_a_period_longer_than_two_years_names_to() -> None:
    with pytest.raises(measures.PeriodError) as caught:
        measures.period(first=date(2023, 1, 1), last=date(2026, 1, 1), now=NOW)
    assert caught.value.field == "to"


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [(date(1, 1, 1), date(1, 1, 7), "from"), (None, date(9999, 12, 31), "to")],
)
def test_a_day_whose_bounds_cannot_be_written_is_refused_not_an_overflow(
    first: date | None, last: date, field: str
) -> None:
    with pytest.raises(measures.PeriodError) as caught:
        measures.period(first=first, last=last, now=NOW)
    assert caught.value.field == field


def test_weeks_start_on_monday_and_cover_the_whole_period() -> None:
    span = Period(date(2026, 11, 18), date(2026, 11, 30))  # Wednesday to Monday

    assert measures.bucket_starts(span, Bucket.WEEK) == [
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]
    assert len(measures.bucket_starts(span, Bucket.DAY)) == 13
    assert measures.bucket_start(date(2026, 11, 22), Bucket.WEEK) == date(2026, 11, 16)


def test_a_moment_belongs_to_its_wib_day() -> None:
    assert measures.wib_day(datetime(2026, 11, 19, 17, 30, tzinfo=UTC)) == date(2026, 11, 20)
    assert measures.wib_day(datetime(2026, 11, 19, 16, 59, tzinfo=UTC)) == date(2026, 11, 19)


@pytest.mark.parametrize(
    ("scope", "level"),
    [
        ("", GroupLevel.PROVINCE),
        ("35", GroupLevel.KABKOTA),
        ("35.07", GroupLevel.KECAMATAN),
        ("35.07.01", GroupLevel.VILLAGE),
        ("35.07.01.2001", GroupLevel.VILLAGE),
    ],
)
def test_each_region_groups_its_rows_one_level_down(scope: str, level: GroupLevel) -> None:
    assert measures.group_level(scope) is level
    assert len(scope) < level.code_length or level is GroupLevel.VILLAGE


def test_without_a_region_the_rows_come_from_the_whole_jurisdiction() -> None:
    assert measures.scope("33", None) == "33"
    assert measures.scope("", None) == ""
    assert measures.scope("33", "33.01") == "33.01"
    assert measures.scope("", "32.01") == "32.01"


def test_a_region_outside_the_jurisdiction_is_refused() -> None:
    with pytest.raises(ValueError, match="outside your jurisdiction 33"):
        measures.scope("33", "32")
    with pytest.raises(ValueError, match="outside"):
        measures.scope("33.01", "33")  # wider than the jurisdiction


def test_hours_are_shown_to_three_decimals() -> None:
    assert measures.hours(5400) == 1.5
    assert measures.hours(1) == 0.0
    assert measures.hours(None) is None
