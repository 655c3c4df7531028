"""The small pages behind an action link, in Bahasa Indonesia.

They show the tracking code, the category and the village, nothing more: whoever holds
the link may not be the coordinator (a forwarded mail), so no name, NIK or contact.
"""

from __future__ import annotations

from services.intake.casework.action_links import Asked
from services.intake.web import render
from shared.domain.lifecycle import Reason

_VERB = {"accept": "Terima", "reject": "Tolak"}
_DONE = {"accept": "diterima", "reject": "ditolak"}
# The reasons a coordinator may give for declining here; "other" is the default.
DECLINE_REASONS = {
    Reason.OTHER: "Lainnya",
    Reason.NOT_ELIGIBLE: "Tidak memenuhi syarat",
    Reason.NO_CAPACITY: "Kapasitas penuh",
    Reason.OUT_OF_AREA: "Di luar wilayah kerja",
    Reason.DUPLICATE: "Kasus ganda",
}
REFUSALS = {
    400: ("Tautan tidak sah", "Tautan ini tidak dikenali. Gunakan tautan dari pesan Sekber."),
    404: ("Tugas tidak ditemukan", "Tugas untuk tautan ini tidak ada."),
    409: (
        "Tugas sudah berubah",
        "Tugas ini sudah berubah sejak pesan dikirim (mungkin sudah diterima, ditolak atau "
        "dialihkan). Buka kasus di Sekber untuk melihat keadaannya.",
    ),
    410: (
        "Tautan tidak berlaku",
        "Tautan ini sudah dipakai atau sudah kedaluwarsa. Buka kasus di Sekber.",
    ),
    422: ("Alasan tidak dikenal", "Pilih salah satu alasan yang tersedia."),
}


def confirm(asked: Asked) -> str:
    verb = _VERB[asked.action]
    reasons = (
        [(r.value, label) for r, label in DECLINE_REASONS.items()]
        if asked.action == "reject"
        else []
    )
    return _page(
        f"{verb} tugas {asked.tracking_code}",
        kind="confirm",
        asked=asked,
        verb=verb,
        reasons=reasons,
    )


def done(asked: Asked) -> str:
    return _page(f"Tugas {_DONE[asked.action]}", kind="done", asked=asked, done=_DONE[asked.action])


def refusal(status: int) -> str:
    title, text = REFUSALS[status]
    return _page(title, kind="refusal", text=text)


def _page(title: str, **context: object) -> str:
    return render.env.get_template("action.html").render(title=title, **context)
