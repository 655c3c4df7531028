from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.notify import wording
from shared.domain.deadlines import Step
from shared.domain.lifecycle import TERMINAL, Outcome


def test_a_due_time_reads_in_western_indonesian_time() -> None:
    due = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert wording.local_time(due, "id") == "Jumat, 27 Nov 2026 17:00 WIB"
    assert wording.local_time(due, "en") == "Friday, 27 Nov 2026 17:00 WIB"


def test_a_due_time_past_midnight_in_jakarta_falls_on_the_next_day() -> None:
    due = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)
    assert wording.local_time(due, "id") == "Jumat, 1 Jan 2027 03:30 WIB"


def test_a_due_time_from_another_zone_or_none_is_converted() -> None:
    makassar = timezone(timedelta(hours=8))
    assert wording.local_time(datetime(2026, 8, 17, 9, 0, tzinfo=makassar), "id") == (
        "Senin, 17 Agu 2026 08:00 WIB"
    )
    assert wording.local_time(datetime(2026, 8, 17, 1, 0), "en") == "Monday, 17 Aug 2026 08:00 WIB"


@pytest.mark.parametrize("code", [*Outcome, *sorted(TERMINAL)])
def test_every_outcome_and_end_state_has_words_in_both_languages(code: str) -> None:
    assert code in wording.OUTCOMES
    words_id, words_en = wording.outcome(code)
    assert words_id and words_en and "_" not in words_id + words_en


@pytest.mark.parametrize("step", list(Step))
def test_every_deadline_step_has_words_in_both_languages(step: Step) -> None:
    words_id, words_en = wording.step(step)
    assert step in wording.STEPS and words_id != words_en


def test_an_unknown_code_reads_as_itself() -> None:
    assert wording.outcome("something_new") == ("something_new", "something_new")


def test_the_first_escalation_goes_to_the_kab_kota_and_the_second_to_the_province() -> None:
    assert wording.sekber(1, "Kota Malang") == ("Sekber Kota Malang", "the Sekber of Kota Malang")
    assert wording.sekber(2, "Jawa Timur") == (
        "Sekber Provinsi Jawa Timur",
        "the Sekber of Jawa Timur Province",
    )
