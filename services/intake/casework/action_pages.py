"""The small pages behind an action link, in Bahasa Indonesia.

They show the tracking code, the category and the village, nothing more: whoever holds
the link may not be the coordinator (a forwarded mail), so no name, NIK or contact.
"""

from __future__ import annotations

from html import escape

from services.intake.casework.action_links import Asked
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
    reasons = ""
    if asked.action == "reject":
        options = "".join(
            f'<option value="{r.value}">{escape(label)}</option>'
            for r, label in DECLINE_REASONS.items()
        )
        reasons = f'<p><label>Alasan <select name="reason">{options}</select></label></p>'
    return _page(
        f"{verb} tugas {asked.tracking_code}",
        f'{_facts(asked)}<form method="post">{reasons}'
        f'<p><button type="submit">{escape(verb)} tugas ini</button></p></form>',
    )


def done(asked: Asked) -> str:
    return _page(
        f"Tugas {_DONE[asked.action]}",
        f"{_facts(asked)}<p>Terima kasih. Tugas {escape(asked.tracking_code)} telah "
        f"{_DONE[asked.action]}.</p>",
    )


def refusal(status: int) -> str:
    title, text = REFUSALS[status]
    return _page(title, f"<p>{escape(text)}</p>")


def _facts(asked: Asked) -> str:
    return (
        "<dl>"
        f"<dt>Kode kasus</dt><dd>{escape(asked.tracking_code)}</dd>"
        f"<dt>Kategori</dt><dd>{escape(asked.category)}</dd>"
        f"<dt>Desa/Kelurahan</dt><dd>{escape(asked.village)}</dd>"
        "</dl>"
    )


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - Sekber Jatim</title></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
