"""Codes in words, in Bahasa Indonesia and English: steps, outcomes, escalation, local time.

Pure: no I/O, so every label can be checked by a unit test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shared.domain import vocabulary
from shared.domain.vocabulary import in_sentence

# Sekber works in East Java: every time a message shows is Western Indonesian Time.
JAKARTA = ZoneInfo("Asia/Jakarta")
# The words come from the one vocabulary, in their in-sentence form.
URGENCY_ID = {code: in_sentence(pair)[0] for code, pair in vocabulary.URGENCY.items()}

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

# shared.domain.deadlines.Step
STEPS = {code: in_sentence(pair) for code, pair in vocabulary.STEP.items()}

# shared.domain.lifecycle.Outcome, then the end states a task can close in without one.
OUTCOMES = {
    **{code: in_sentence(pair) for code, pair in vocabulary.OUTCOME.items()},
    **{
        code: in_sentence(vocabulary.STATUS[code])
        for code in ("completed", "cancelled", "failed", "rejected", "entered-in-error")
    },
}


def local_time(moment: datetime, language: str) -> str:
    """'Jumat, 27 Nov 2026 17:00 WIB' (id) or 'Friday, 27 Nov 2026 17:00 WIB' (en)."""
    lang = "en" if language == "en" else "id"
    if moment.tzinfo is None:  # stored times are UTC
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(JAKARTA)
    day, month = _DAYS[lang][local.weekday()], _MONTHS[lang][local.month - 1]
    return f"{day}, {local.day} {month} {local.year} {local:%H:%M} WIB"


def step(code: str) -> tuple[str, str]:
    return STEPS.get(code, (code, code))


def outcome(code: str) -> tuple[str, str]:
    return OUTCOMES.get(code, (code, code))


def sekber(level: int, region_name: str) -> tuple[str, str]:
    """Who an escalation goes to: level 1 the kab/kota Sekber, level 2 the province's."""
    if level >= 2:
        return f"Sekber Provinsi {region_name}", f"the Sekber of {region_name} Province"
    return f"Sekber {region_name}", f"the Sekber of {region_name}"
