"""The working calendar that every deadline counts with.

Closed days come from three places, later ones winning for a given day:

1. the national holidays of Indonesia, from the `holidays` package (its public holidays;
   Islamic ones by the government's calendar where published, estimated beyond);
2. each year's cuti bersama and regional holidays, from `shared/data/calendar/YYYY.toml`,
   with the decree that set them as the source;
3. what an administrator set since (`sekber calendar set-leave` / `set-workday`, table
   `calendar_days`): a day closed, or a listed day made a working day again.

Routing (assignment and acceptance clocks), the intake (the clocks it shows and the
acceptance clock) and so the deadline scan and the dashboard's breach counts, which read
the stored due times, all count with one `LiveClosedDays` per process, refreshed from the
database every few minutes by a thread of its own (never inside a caller's transaction).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.domain import deadlines
from shared.models import CalendarDay

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "calendar"
NATIONAL_SOURCE = "holidays (Python package), Indonesia"
# Years kept in memory around the current one: deadlines run at most a few months ahead.
YEARS_BEHIND, YEARS_AHEAD = 1, 2
REFRESH_SECONDS = 300.0


class CalendarError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    name: str
    kind: str  # national | cuti_bersama | leave | workday
    source: str

    @property
    def closed(self) -> bool:
        return self.kind != "workday"


def national(year: int) -> list[Day]:
    """The public holidays of `year` in Bahasa Indonesia."""
    import holidays  # the package loads every country's calendar: only when asked

    found = holidays.country_holidays("ID", years=year, language="id")
    return [Day(d, str(name), "national", NATIONAL_SOURCE) for d, name in sorted(found.items())]


def from_file(year: int, directory: Path = DATA_DIR) -> list[Day]:
    """The year's cuti bersama and regional holidays from its file; without a file, the
    cuti bersama the `holidays` package knows of (it follows the decrees too)."""
    path = directory / f"{year}.toml"
    if not path.exists():
        return _package_leave(year)
    return parse_year(path.read_text(encoding="utf-8"), year=year, where=str(path))


def _package_leave(year: int) -> list[Day]:
    import holidays

    everything = holidays.country_holidays(
        "ID", years=year, language="id", categories=(holidays.GOVERNMENT, holidays.PUBLIC)
    )
    public = holidays.country_holidays("ID", years=year, language="id")
    return [
        Day(d, str(name), "cuti_bersama", NATIONAL_SOURCE)
        for d, name in sorted(everything.items())
        if d not in public
    ]


def parse_year(text: str, *, year: int, where: str = "the file") -> list[Day]:
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(f"{where}: not valid TOML: {exc}") from None
    if raw.get("year") != year:
        raise CalendarError(f"{where}: says year {raw.get('year')!r}, expected {year}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarError(f"{where}: needs a source (the decree that set these days)")
    days = []
    for i, entry in enumerate(raw.get("leave", []), start=1):
        try:
            day = date.fromisoformat(str(entry["date"]))
            name = str(entry["name"]).strip()
        except (KeyError, TypeError, ValueError) as exc:
            raise CalendarError(f"{where}: leave entry {i}: {exc}") from None
        if day.year != year or not name:
            raise CalendarError(f"{where}: leave entry {i}: a date in {year} and a name")
        kind = str(entry.get("kind", "cuti_bersama"))
        if kind not in ("cuti_bersama", "leave"):
            raise CalendarError(f"{where}: leave entry {i}: kind is cuti_bersama or leave")
        days.append(Day(day, name, kind, str(entry.get("source", source))))
    return days


def set_days(session: Session) -> list[Day]:
    rows = session.scalars(select(CalendarDay).order_by(CalendarDay.day))
    return [Day(r.day, r.name, r.kind, r.source) for r in rows]


def merge(*layers: Iterable[Day]) -> list[Day]:
    """One entry a day, the later layer winning; workday entries stay so that a reader sees
    why a listed holiday is not closed."""
    merged: dict[date, Day] = {}
    for layer in layers:
        for day in layer:
            merged[day.day] = day
    return [merged[d] for d in sorted(merged)]


def year_days(session: Session, year: int) -> list[Day]:
    """Every closed day of `year` and every day set back to work, for people to read."""
    chosen = [d for d in set_days(session) if d.day.year == year]
    return merge(national(year), from_file(year), chosen)


def closed_days(years: Iterable[int], chosen: Iterable[Day] = ()) -> frozenset[date]:
    chosen = list(chosen)
    days = merge(*(national(y) + from_file(y) for y in years), chosen)
    return frozenset(d.day for d in days if d.closed)


class LiveClosedDays:
    """The closed days of the years around today, as a collection of dates for
    `deadlines.Calendar`; reloaded from the database every `every` seconds by a daemon
    thread (started on first use in each process, so a forked worker child gets its own),
    and at once by `refresh()`."""

    def __init__(
        self,
        uow_factory: UowFactory | None,
        *,
        extra: Iterable[date] = (),
        every: float = REFRESH_SECONDS,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._uow_factory = uow_factory
        self._extra = frozenset(extra)
        self._every = every
        self._today = today
        self._days: frozenset[date] = frozenset()
        self._pid = 0
        self._lock = threading.Lock()
        # The national holidays and the years' files now; the administrators' days come
        # with the first refresh of the process's own thread. Never the database here: a
        # routing worker builds this before it forks, and its children must not share the
        # parent's connections.
        self._load(chosen=[])

    def _load(self, chosen: list[Day]) -> None:
        this_year = self._today().year
        years = range(this_year - YEARS_BEHIND, this_year + YEARS_AHEAD + 1)
        self._days = closed_days(years, chosen) | self._extra

    def refresh(self) -> None:
        """Reload now, with the administrators' days (outside any transaction of the
        caller's: on SQLite a second writer waits for the first)."""
        chosen: list[Day] = []
        if self._uow_factory is not None:
            try:
                with self._uow_factory() as uow:
                    chosen = set_days(uow.session)
            except Exception as exc:
                log.warning("calendar: the days set by administrators are not read: %s", exc)
                return
        self._load(chosen)

    def _current(self) -> frozenset[date]:
        if self._uow_factory is not None and self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._pid = os.getpid()
                    threading.Thread(target=self._keep_fresh, daemon=True).start()
        return self._days

    def _keep_fresh(self) -> None:
        self.refresh()
        stop = threading.Event()
        while not stop.wait(self._every):
            self.refresh()

    def __contains__(self, day: object) -> bool:
        return day in self._current()

    def __iter__(self) -> Iterator[date]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


def working_policy(
    uow_factory: UowFactory | None, path: Path | str | None = None
) -> deadlines.DeadlinePolicy:
    """The deadlines file's policy, counting with the working calendar (plus any
    `holidays` the file lists)."""
    policy = deadlines.load(path)
    live = LiveClosedDays(uow_factory, extra=policy.calendar.holidays)
    return dataclasses.replace(policy, calendar=deadlines.Calendar(policy.calendar.timezone, live))


def set_day(
    session: Session, day: date, *, kind: str, name: str, source: str, set_by: str
) -> CalendarDay:
    """Close `day` (kind "leave") or make it a working day again ("workday"), replacing
    what was set for it before. The caller commits."""
    if kind not in ("leave", "workday"):
        raise CalendarError(f"kind: {kind!r} is not leave or workday")
    if not name.strip() or not source.strip():
        raise CalendarError("name and source: both are needed (source: the decree)")
    row = session.get(CalendarDay, day) or CalendarDay(day=day)
    row.kind, row.name, row.source, row.set_by = kind, name.strip(), source.strip(), set_by
    session.add(row)
    return row


def unset_day(session: Session, day: date) -> bool:
    row = session.get(CalendarDay, day)
    if row is None:
        return False
    session.delete(row)
    return True
