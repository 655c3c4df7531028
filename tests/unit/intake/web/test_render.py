from datetime import UTC, date, datetime

from services.intake.web.render import env


def test_times_on_pages_are_dd_mm_yyyy_in_wib() -> None:
    wib = env.filters["wib"]
    assert wib(datetime(2026, 12, 5, 2, 30, tzinfo=UTC)) == "05-12-2026 09:30 WIB"
    assert wib("2026-12-05T17:30:00+00:00") == "06-12-2026 00:30 WIB"
    assert wib(None) == ""


def test_dates_on_pages_are_dd_mm_yyyy() -> None:
    dmy = env.filters["dmy"]
    assert dmy(date(2026, 12, 5)) == "05-12-2026"
    assert dmy("2026-01-09") == "09-01-2026"
    assert dmy(None) == ""
