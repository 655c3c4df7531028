"""The working calendar of a year, as JSON and as a page: the national holidays, cuti
bersama and the days administrators set, each with its source. Deadlines count with it."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from services.intake.deps import ActorDep, NowDep, ReadOnlySessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.web.render import page
from shared.reference import calendar

api = APIRouter(route_class=GuardedRoute, tags=["reference"])
pages = APIRouter(route_class=GuardedRoute, include_in_schema=False)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class CalendarDayRead(BaseModel):
    date: date
    name: str
    kind: str  # national | cuti_bersama | leave | workday
    closed: bool
    source: str


class CalendarRead(BaseModel):
    year: int
    closed_weekdays: int
    days: list[CalendarDayRead]


def year_view(session: ReadOnlySessionDep, year: int) -> CalendarRead:
    days = calendar.year_days(session, year)
    return CalendarRead(
        year=year,
        closed_weekdays=sum(1 for d in days if d.closed and d.day.weekday() < 5),
        days=[
            CalendarDayRead(date=d.day, name=d.name, kind=d.kind, closed=d.closed, source=d.source)
            for d in days
        ],
    )


@api.get("/calendar/{year}", response_model=CalendarRead)
def read_calendar(
    session: ReadOnlySessionDep, year: int = Path(ge=FIRST_YEAR, le=LAST_YEAR)
) -> CalendarRead:
    """The closed days of `year` (and days set back to work) that deadlines count with."""
    return year_view(session, year)


@pages.get("/kalender")
def calendar_page(
    request: Request,
    actor: ActorDep,
    session: ReadOnlySessionDep,
    now: NowDep,
    tahun: int | None = Query(default=None, ge=FIRST_YEAR, le=LAST_YEAR),
) -> Response:
    year = tahun or now.year
    view = year_view(session, year)
    months: dict[int, list[CalendarDayRead]] = {}
    for day in view.days:
        months.setdefault(day.date.month, []).append(day)
    return page(request, "calendar.html", actor=actor, year=year, view=view, months=months)
