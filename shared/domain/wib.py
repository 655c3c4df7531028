"""Western Indonesian Time: the clock every report counts by. Periods are WIB calendar
days; the database holds UTC instants, so a period is read as the UTC instants its first
and last WIB days run from and to.

Standard library only: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

# UTC+7, no daylight saving since 1964 (the same as Asia/Jakarta).
WIB = timezone(timedelta(hours=7), "WIB")
# The days a period may hold: far enough inside what datetime can write that its bounds,
# its default start (weeks before its end) and its weeks' bounds always can be.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)


def day_of(moment: datetime) -> date:
    """The WIB calendar day `moment` falls on."""
    return moment.astimezone(WIB).date()


def day_start(day: date) -> datetime:
    """The first instant of a WIB day, in UTC."""
    return datetime.combine(day, time(), WIB).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Period:
    """WIB calendar days `first` to `last`, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first instant of the period, in UTC."""
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the period, in UTC."""
        return day_start(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1
