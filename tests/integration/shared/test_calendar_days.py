"""Days an administrator sets (`sekber calendar ...`) reach the deadlines of every
service; the intake counts with the working calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from sekber_cli.main import app
from services.intake.app import create_app
from shared.config import Settings, get_settings
from shared.db import UowFactory
from shared.domain.deadlines import Step
from shared.domain.urgency import Urgency
from shared.models import AuditEntry, CalendarDay
from shared.reference.calendar import LiveClosedDays

runner = CliRunner()
# A year no other test counts deadlines in.
YEAR = 2030


@pytest.fixture(autouse=True)
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SEKBER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def forget_the_year(uow_factory: UowFactory) -> Iterator[None]:
    yield
    with uow_factory() as uow:
        uow.session.execute(
            delete(CalendarDay).where(CalendarDay.day.between(date(YEAR, 1, 1), date(YEAR, 12, 31)))
        )
        uow.commit()


def sekber(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_days_set_on_the_command_line_close_and_reopen_days(uow_factory: UowFactory) -> None:
    live = LiveClosedDays(uow_factory, today=lambda: date(YEAR, 6, 1))
    assert date(YEAR, 1, 1) in live and date(YEAR, 4, 23) not in live  # Tahun Baru; a Tuesday

    code, out = sekber(
        "calendar", "set-leave", str(YEAR), f"{YEAR}-04-23",
        "--name", "Hari Jadi Provinsi (contoh)", "--source", "Pergub No. 1/2030 (contoh)",
    )  # fmt: skip
    assert code == 0, out
    code, out = sekber(
        "calendar", "set-workday", str(YEAR), f"{YEAR}-01-01",
        "--name", "Masuk kerja (contoh)", "--source", "SKB perubahan (contoh)",
    )  # fmt: skip
    assert code == 0, out

    live.refresh()
    assert date(YEAR, 4, 23) in live
    assert date(YEAR, 1, 1) not in live
    code, out = sekber("calendar", "show", str(YEAR))
    assert code == 0
    assert "23-04-2030 Selasa  libur (ditetapkan admin)" in out
    assert "Pergub No. 1/2030 (contoh)" in out
    assert "01-01-2030" in out and "hari kerja (ditetapkan admin)" in out
    with uow_factory() as uow:
        actions = {
            e.action for e in uow.session.query(AuditEntry).filter_by(object_type="calendar")
        }
    assert {"calendar_set_leave", "calendar_set_workday"} <= actions

    code, out = sekber("calendar", "unset", str(YEAR), f"{YEAR}-04-23", f"{YEAR}-01-01")
    assert code == 0 and "2 of 2" in out
    live.refresh()
    assert date(YEAR, 4, 23) not in live and date(YEAR, 1, 1) in live


def test_a_day_outside_the_year_is_refused_and_nothing_is_stored(
    uow_factory: UowFactory,
) -> None:
    code, out = sekber(
        "calendar", "set-leave", str(YEAR), f"{YEAR}-05-02", f"{YEAR + 1}-01-02",
        "--name", "x", "--source", "y",
    )  # fmt: skip
    assert code == 2
    assert f"not in {YEAR}: {YEAR + 1}-01-02" in out
    with uow_factory() as uow:
        assert uow.session.get(CalendarDay, date(YEAR, 5, 2)) is None


def test_the_intake_counts_with_the_working_calendar(settings: Settings) -> None:
    policy = create_app(settings).state.deadlines
    zone = policy.calendar.timezone
    opened = datetime(2026, 3, 17, 10, tzinfo=zone)  # the day before the Idulfitri closure
    assert policy.due(Urgency.NORMAL, Step.ACCEPT, opened) == datetime(2026, 3, 26, 10, tzinfo=zone)
