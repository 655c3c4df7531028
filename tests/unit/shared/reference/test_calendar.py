"""The working calendar: national holidays, each year's cuti bersama, and deadlines that
do not run through them (Idul Fitri 2026 and 2027, Christmas 2026)."""

from __future__ import annotations

from datetime import date, datetime

import holidays
import pytest

from shared.domain.deadlines import Standing, Step
from shared.domain.urgency import Urgency
from shared.reference import calendar
from shared.reference.calendar import CalendarError, LiveClosedDays, parse_year

POLICY = calendar.working_policy(None)
JAKARTA = POLICY.calendar.timezone


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_years_file_names_its_decree_and_agrees_with_the_holidays_package(
    year: int,
) -> None:
    shipped = calendar.from_file(year)
    assert shipped and all("SKB" in d.source for d in shipped)
    package = holidays.country_holidays(
        "ID", years=year, categories=(holidays.GOVERNMENT,), language="id"
    )
    assert {d.day for d in shipped} == set(package)


def test_a_task_opened_the_day_before_idul_fitri_2026_is_not_due_during_the_closure() -> None:
    # Tue 17 March 2026; closed: 18 (cuti Nyepi), 19 (Nyepi), 20 (cuti), 21-22 (Idulfitri,
    # a weekend), 23-24 (cuti). Two working days: 25 and 26 March.
    opened = local(2026, 3, 17, 10, 0)
    due = POLICY.due(Urgency.NORMAL, Step.ACCEPT, opened)
    assert due == local(2026, 3, 26, 10, 0)
    for day in range(18, 25):
        now = local(2026, 3, day, 16, 0)
        assert POLICY.standing(start=opened, due=due, now=now) is not Standing.BREACHED


def test_idul_fitri_2027_and_its_cuti_bersama_are_skipped() -> None:
    # Fri 5 March 2027, five working days: 8 (Nyepi), 9 (cuti), 10-11 (Idulfitri), 12 and
    # 15 (cuti) are closed, so 16, 17, 18, 19 and 22 March.
    assert POLICY.due(Urgency.HIGH, Step.RESOLVE, local(2027, 3, 5, 9, 0)) == local(
        2027, 3, 22, 9, 0
    )


def test_christmas_with_its_cuti_bersama() -> None:
    # Wed 23 December 2026: 24 (cuti), 25 (Natal), 26-27 (weekend) closed.
    assert POLICY.due(Urgency.NORMAL, Step.ACCEPT, local(2026, 12, 23, 14, 0)) == local(
        2026, 12, 29, 14, 0
    )


def test_clock_hours_run_through_holidays() -> None:
    # An emergency is accepted within the hour, Lebaran or not.
    assert POLICY.due(Urgency.EMERGENCY, Step.ACCEPT, local(2026, 3, 21, 9, 0)) == local(
        2026, 3, 21, 10, 0
    )


def test_a_workday_set_later_wins_over_the_files_cuti_bersama() -> None:
    moved = calendar.Day(date(2026, 12, 24), "Dibatalkan", "workday", "SKB perubahan")
    closed = calendar.closed_days([2026], [moved])
    assert date(2026, 12, 24) not in closed
    assert date(2026, 12, 25) in closed


def test_the_live_collection_covers_the_years_around_today() -> None:
    live = LiveClosedDays(None, today=lambda: date(2026, 12, 5), extra=[date(2026, 12, 7)])
    assert date(2025, 12, 25) in live and date(2028, 1, 1) in live
    assert date(2026, 12, 7) in live  # from the deadlines file
    assert date(2026, 12, 8) not in live
    assert POLICY.calendar.closed_days_bound() <= 2 * 30


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('year = 2027\nsource = "x"\n[[leave]]\ndate = "2026-03-09"\nname = "a"', "a date in"),
        ('year = 2026\nsource = "x"', "expected 2027"),
        ('year = 2027\n[[leave]]\ndate = "2027-03-09"\nname = "a"', "needs a source"),
        ('year = 2027\nsource = "x"\n[[leave]]\ndate = "9-3-2027"\nname = "a"', "leave entry 1"),
        ("year = ", "not valid TOML"),
    ],
)
def test_a_wrong_year_file_is_refused_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(CalendarError, match=problem):
        parse_year(text, year=2027)
