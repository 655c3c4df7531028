"""The working calendar: `sekber calendar show YEAR`, and the days an administrator sets
on top of the national holidays and the year's file (shared/reference/calendar.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.db import UowFactory

calendar_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Holidays and cuti bersama that deadlines skip.",
)

Year = Annotated[int, typer.Argument(min=2000, max=2100, help="The year, e.g. 2027")]
Days = Annotated[list[datetime], typer.Argument(formats=["%Y-%m-%d"], help="YYYY-MM-DD ...")]
Name = Annotated[str, typer.Option(help="What the day is, e.g. 'Cuti bersama Idulfitri'")]
Source = Annotated[str, typer.Option(help="The decree that set it, e.g. 'SKB 3 Menteri No. ...'")]


def register(app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")


@calendar_app.command("show")
def show(year: Year) -> None:
    """The year's closed days, each with its source.

    National holidays, cuti bersama, and the days administrators set."""
    from shared.domain.vocabulary import CALENDAR_KINDS, WEEKDAYS, in_sentence
    from shared.reference import calendar

    with _factory()() as uow:
        days = calendar.year_days(uow.session, year)
    closed = sum(1 for d in days if d.closed and d.day.weekday() < 5)
    typer.echo(f"{year}: {closed} hari kerja libur (Senin-Jumat) / weekdays closed")
    for d in days:
        weekday = WEEKDAYS[str(d.day.weekday())][0]
        kind = in_sentence(CALENDAR_KINDS[d.kind])[0]
        typer.echo(f"{d.day:%d-%m-%Y} {weekday:<6}  {kind:<28} {d.name}  [{d.source}]")


@calendar_app.command("set-leave")
def set_leave(year: Year, days: Days, name: Name, source: Source) -> None:
    """Close days of YEAR (cuti bersama, a regional holiday)."""
    _set(year, days, kind="leave", name=name, source=source)


@calendar_app.command("set-workday")
def set_workday(year: Year, days: Days, name: Name, source: Source) -> None:
    """Make listed days of YEAR working days again.

    For a holiday or cuti bersama a decree moved or cancelled."""
    _set(year, days, kind="workday", name=name, source=source)


@calendar_app.command("unset")
def unset(year: Year, days: Days) -> None:
    """Forget what was set for these days.

    The national holidays and the year's file apply again."""
    from shared.reference import calendar

    wanted = _in_year(year, days)
    with _factory()() as uow:
        gone = [d for d in wanted if calendar.unset_day(uow.session, d)]
        _note(uow.session, "calendar_unset", gone)
        uow.commit()
    typer.echo(f"{len(gone)} of {len(wanted)} day(s) unset; services use it within 5 minutes.")


def _set(year: int, days: list[datetime], *, kind: str, name: str, source: str) -> None:
    from shared.domain.vocabulary import CALENDAR_KINDS, in_sentence
    from shared.reference import calendar

    wanted = _in_year(year, days)
    with _factory()() as uow:
        try:
            for day in wanted:
                calendar.set_day(
                    uow.session, day, kind=kind, name=name, source=source, set_by="cli"
                )
        except calendar.CalendarError as exc:
            typer.echo(f"refused, nothing was stored: {exc}", err=True)
            raise typer.Exit(2) from None
        _note(uow.session, f"calendar_set_{kind}", wanted)
        uow.commit()
    typer.echo(
        f"{len(wanted)} day(s) set as {in_sentence(CALENDAR_KINDS[kind])[0]}; "
        "services use it within 5 minutes "
        "(deadlines already running keep their due times)."
    )


def _in_year(year: int, days: list[datetime]) -> list[date]:
    wanted = sorted({d.date() for d in days})
    outside = [d.isoformat() for d in wanted if d.year != year]
    if outside:
        typer.echo(f"refused, nothing was stored: not in {year}: {', '.join(outside)}", err=True)
        raise typer.Exit(2)
    return wanted


def _note(session: Session, action: str, days: list[date]) -> None:
    from shared.accounts import audit
    from shared.models.base import utcnow

    audit.security_event(
        session,
        actor="cli",
        role="admin",
        action=action,
        object_type="calendar",
        object_id=",".join(d.isoformat() for d in days)[:64] or "-",
        now=utcnow(),
    )


def _factory() -> UowFactory:
    from sekber_cli.data import _uow_factory

    return _uow_factory()
