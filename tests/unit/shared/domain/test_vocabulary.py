"""One vocabulary (issue 19/20): every code people see has its words in both languages,
and the notifications take theirs from the same table as the pages."""

from __future__ import annotations

from enum import StrEnum

import pytest

from services.notify import wording
from shared.domain import vocabulary
from shared.domain.deadlines import Standing, Step
from shared.domain.lifecycle import Action, CaseStatus, Outcome, Reason, State
from shared.domain.routing.facts import DisasterScope, Need
from shared.domain.urgency import Urgency


@pytest.mark.parametrize(
    ("codes", "table"),
    [
        (State, vocabulary.STATUS),
        (CaseStatus, vocabulary.STATUS),
        (Urgency, vocabulary.URGENCY),
        (Step, vocabulary.STEP),
        (Standing, vocabulary.STANDING),
        (Reason, vocabulary.REASON),
        (Outcome, vocabulary.OUTCOME),
        (Need, vocabulary.NEED),
        (DisasterScope, vocabulary.SCOPE),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_code_has_words_in_both_languages(
    codes: type[StrEnum], table: dict[str, tuple[str, str]]
) -> None:
    for code in codes:
        words = table.get(code.value)
        assert words is not None, f"{codes.__name__}.{code.name} has no words"
        assert all(w.strip() for w in words) and words[0] != code.value


def test_every_action_is_a_button_word() -> None:
    assert {a.value for a in Action} <= set(vocabulary.ACTION)


def test_notifications_use_the_pages_words_in_a_sentence() -> None:
    assert wording.outcome("service_given") == ("layanan telah diberikan", "service given")
    assert wording.step("accept") == ("menerima rujukan", "accepting the referral")
    assert wording.URGENCY_ID["emergency"] == "darurat"
    assert vocabulary.in_sentence(("BPJS tidak aktif", "BPJS lapsed"))[0] == "BPJS tidak aktif"
