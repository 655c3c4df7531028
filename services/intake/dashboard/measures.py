"""Pure parts of the dashboard: reporting periods in WIB calendar days, time buckets,
the grouping level a region asks for, and percentiles computed the way PostgreSQL's
percentile_cont computes them (so both databases give the same numbers).

Standard library only: no database, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.domain import regions, wib
from shared.domain.wib import Period

DEFAULT_WEEKS = 12
MAX_DAYS = 731  # two years of day rows is the most a widget returns


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday, WIB


class GroupLevel(StrEnum):
    PROVINCE = "province"
    KABKOTA = "kabkota"
    KECAMATAN = "kecamatan"
    VILLAGE = "village"

    @property
    def code_length(self) -> int:
        """How many characters of a village code name the group (35, 35.07, 35.07.01, ...)."""
        return {"province": 2, "kabkota": 5, "kecamatan": 8, "village": 13}[self.value]


class PeriodError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


wib_day = wib.day_of


def period(*, first: date | None, last: date | None, now: datetime) -> Period:
    """The period asked for; by default the last 12 weeks up to today (WIB)."""
    for name, day in (("from", first), ("to", last)):
        if day is not None and not wib.EARLIEST <= day <= wib.LATEST:
            raise PeriodError(name, f"must be between {wib.EARLIEST} and {wib.LATEST}")
    last = last or wib_day(now)
    first = first or last - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
    if first > last:
        raise PeriodError("from", "must be on or before `to`")
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError("to", f"a period is at most {MAX_DAYS} days")
    return Period(first, last)


def bucket_start(day: date, bucket: Bucket) -> date:
    return day if bucket is Bucket.DAY else day - timedelta(days=day.weekday())


def bucket_starts(span: Period, bucket: Bucket) -> list[date]:
    """Every bucket that overlaps the period, oldest first."""
    step = timedelta(days=1 if bucket is Bucket.DAY else 7)
    found, day = [], bucket_start(span.first, bucket)
    while day <= span.last:
        found.append(day)
        day += step
    return found


def bucket_bounds(span: Period, bucket: Bucket) -> list[tuple[date, datetime, datetime]]:
    """Each bucket's first day with the UTC instants it runs from and to, cut to the
    period (the first and last weeks may be partial)."""
    step = timedelta(days=1 if bucket is Bucket.DAY else 7)
    found = []
    for day in bucket_starts(span, bucket):
        start = max(wib.day_start(day), span.start)
        end = min(wib.day_start(day + step), span.end)
        found.append((day, start, end))
    return found


def scope(jurisdiction: str, region: str | None) -> str:
    """The region the rows come from: the one asked for, or the whole jurisdiction.

    Raises ValueError when the region lies outside the jurisdiction."""
    if region is None:
        return jurisdiction
    if jurisdiction and not regions.is_within(region, jurisdiction):
        raise ValueError(f"region {region} lies outside your jurisdiction {jurisdiction}")
    return region


def group_level(scope_code: str) -> GroupLevel:
    """National rows group by province, a province's by kab/kota, a kab/kota's by
    kecamatan, and a kecamatan's (or a village's) by village."""
    if not scope_code:
        return GroupLevel.PROVINCE
    depth = regions.level_of(scope_code).depth
    return [GroupLevel.KABKOTA, GroupLevel.KECAMATAN, GroupLevel.VILLAGE, GroupLevel.VILLAGE][
        depth - 1
    ]


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The continuous percentile (linear interpolation between the closest ranks), as
    PostgreSQL's percentile_cont; None for no values."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def hours(seconds: float | None) -> float | None:
    """Hours as shown on the dashboard: 3 decimals (about 4 seconds)."""
    return None if seconds is None else round(seconds / 3600, 3)
