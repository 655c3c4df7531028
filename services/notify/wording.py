"""Codes in words, in Bahasa Indonesia and English: steps, outcomes, escalation, local time.

Pure: no I/O, so every label can be checked by a unit test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Sekber works in East Java: every time a message shows is Western Indonesian Time.
JAKARTA = ZoneInfo("Asia/Jakarta")
URGENCY_ID = {"emergency": "darurat", "high": "tinggi", "normal": "biasa", "low": "rendah"}

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

# shared.domain.deadlines.Step
STEPS = {
    "accept": ("menerima rujukan", "accepting the referral"),
    "first_contact": ("kontak pertama dengan penerima manfaat", "first contact with the person"),
    "resolve": ("penyelesaian kasus", "resolving the case"),
}

# shared.domain.lifecycle.Outcome, then the end states a task can close in without one.
OUTCOMES = {
    "service_given": ("layanan telah diberikan", "service given"),
    "enrolled_in_programme": ("terdaftar dalam program bantuan", "enrolled in a programme"),
    "referred_outside": (
        "dirujuk ke layanan di luar Sekber",
        "referred to a service outside Sekber",
    ),
    "person_declined": ("penerima manfaat menolak layanan", "the person declined the service"),
    "died": ("penerima manfaat meninggal dunia", "the person died"),
    "moved": ("penerima manfaat pindah domisili", "the person moved away"),
    "completed": ("selesai", "completed"),
    "cancelled": ("dibatalkan", "cancelled"),
    "failed": ("tidak berhasil ditangani", "could not be carried out"),
    "rejected": ("ditolak", "declined"),
    "entered-in-error": ("dicatat karena kekeliruan", "entered in error"),
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
