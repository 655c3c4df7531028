"""Response deadlines: per urgency and step, in clock hours or working days.

Pure: the clock is always passed in, so tests move time without sleeping.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.urgency import Urgency

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "deadlines.toml"
_DURATION = re.compile(r"^\s*(\d+)\s*(h|wd)\s*$")


class Step(StrEnum):
    ACCEPT = "accept"
    FIRST_CONTACT = "first_contact"
    RESOLVE = "resolve"


class Standing(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


class DeadlineConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    working_days: bool  # False: clock hours

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text)
        if not match or int(match.group(1)) < 1:
            raise DeadlineConfigError(f"{text!r} is not a duration like '4h' or '2wd'")
        return cls(int(match.group(1)), match.group(2) == "wd")


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working days: Monday to Friday in `timezone`, but for the closed days in `holidays`
    (national holidays, cuti bersama, regional holidays; any collection of dates, so that
    one kept up to date elsewhere can be passed in)."""

    timezone: ZoneInfo
    holidays: Collection[date]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def closed_days_bound(self) -> int:
        """At most this many closed days fall within any stretch shorter than a year (such
        a stretch touches two calendar years at most)."""
        per_year = Counter(day.year for day in self.holidays)
        return 2 * max(per_year.values(), default=0)

    def add(self, start: datetime, duration: Duration) -> datetime:
        if not duration.working_days:
            return start + timedelta(hours=duration.amount)
        local = start.astimezone(self.timezone)
        # Work that arrives on a weekend or holiday starts on the next working day.
        while not self.is_working_day(local.date()):
            local = (local + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        left = duration.amount
        while left:
            local += timedelta(days=1)
            if self.is_working_day(local.date()):
                left -= 1
        return local.astimezone(start.tzinfo)


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    calendar: Calendar
    at_risk_fraction: float
    reroute_unaccepted: bool
    durations: dict[tuple[Urgency, Step], Duration]

    def due(self, urgency: Urgency, step: Step, start: datetime) -> datetime:
        return self.calendar.add(start, self.durations[(urgency, step)])

    def standing(self, *, start: datetime, due: datetime, now: datetime) -> Standing:
        if now >= due:
            return Standing.BREACHED
        if now >= start + (due - start) * self.at_risk_fraction:
            return Standing.AT_RISK
        return Standing.ON_TRACK


def parse(text: str) -> DeadlinePolicy:
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeadlineConfigError(f"not valid TOML: {exc}") from None
    try:
        zone = ZoneInfo(raw.get("timezone", "Asia/Jakarta"))
        holidays = frozenset(date.fromisoformat(d) for d in raw.get("holidays", []))
    except (ValueError, KeyError) as exc:
        raise DeadlineConfigError(str(exc)) from None
    fraction = float(raw.get("at_risk_fraction", 0.75))
    if not 0 < fraction < 1:
        raise DeadlineConfigError("at_risk_fraction must be between 0 and 1")
    durations = {}
    for urgency in Urgency:
        table = raw.get(urgency.value)
        if not isinstance(table, dict):
            raise DeadlineConfigError(f"missing [{urgency.value}]")
        for step in Step:
            if step.value not in table:
                raise DeadlineConfigError(f"[{urgency.value}] needs {step.value}")
            durations[(urgency, step)] = Duration.parse(str(table[step.value]))
    return DeadlinePolicy(
        calendar=Calendar(zone, holidays),
        at_risk_fraction=fraction,
        reroute_unaccepted=bool(raw.get("reroute_unaccepted", True)),
        durations=durations,
    )


def load(path: Path | str | None = None) -> DeadlinePolicy:
    """The policy in `path`, or Sekber's defaults when no path (or an empty one) is given."""
    return parse(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))
