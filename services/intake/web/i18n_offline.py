"""The offline form's words (static/offline.js, the service worker's sign-out question):
key -> (Bahasa Indonesia, English), joined into i18n.TEXT; and the words the page's script
needs, in one language."""

from __future__ import annotations

from collections.abc import Callable

OFFLINE_TEXT: dict[str, tuple[str, str]] = {
    "offline.banner": (
        "Tidak ada sinyal. Rujukan disimpan di ponsel ini dan dikirim sendiri begitu sinyal "
        "kembali.",
        "No signal. Referrals are kept on this phone and sent by themselves when the signal "
        "returns.",
    ),
    "offline.save_offline": ("Simpan di ponsel", "Save on this phone"),
    "offline.saved": (
        "Tersimpan di ponsel. Akan dikirim saat ada sinyal.",
        "Saved on this phone. It will be sent when there is signal.",
    ),
    "offline.fixing": (
        "Perbaiki isian yang ditandai, lalu simpan: rujukan dikirim lagi.",
        "Correct the marked fields, then save: the referral is sent again.",
    ),
    "offline.title": ("Rujukan di ponsel ini", "Referrals on this phone"),
    "offline.pending_none": ("Semua rujukan sudah terkirim", "Every referral has been sent"),
    "offline.pending_one": ("1 rujukan menunggu dikirim", "1 referral waiting to be sent"),
    "offline.pending_many": ("{n} rujukan menunggu dikirim", "{n} referrals waiting to be sent"),
    "offline.state_waiting": ("menunggu sinyal", "waiting for signal"),
    "offline.state_sending": ("sedang dikirim", "sending"),
    "offline.state_refused": ("perlu diperbaiki", "needs correcting"),
    "offline.state_signin": ("perlu masuk lagi", "sign in again"),
    "offline.state_sent": ("terkirim", "sent"),
    "offline.code": ("kode lacak", "tracking code"),
    "offline.duplicates": (
        "Mungkin orang yang sama dengan kasus:",
        "Possibly the same person as case:",
    ),
    "offline.clear_sent": ("Hapus daftar terkirim", "Clear the sent list"),
    "offline.saved_at": ("Disimpan", "Saved"),
    "offline.next_try": ("dicoba lagi", "next try"),
    "offline.send_now": ("Kirim sekarang", "Send now"),
    "offline.fix": ("Perbaiki", "Correct"),
    "offline.discard": ("Buang", "Discard"),
    "offline.discard_confirm": (
        "Buang rujukan ini dari ponsel? Rujukan ini tidak akan terkirim.",
        "Discard this referral from the phone? It will not be sent.",
    ),
    "offline.form": ("Rujukan", "Referral"),
    "offline.signin": (
        "Sesi Anda sudah berakhir. Masuk lagi: rujukan yang menunggu lalu dikirim.",
        "Your session has ended. Sign in again: the waiting referrals are then sent.",
    ),
    "offline.signin_link": ("Masuk lagi", "Sign in again"),
    "offline.conflict": (
        "Kunci pengiriman ini sudah dipakai rujukan lain. Simpan ulang rujukan ini.",
        "This sending key belongs to another referral. Save this referral again.",
    ),
    "offline.signout_confirm": (
        "{n} rujukan belum terkirim dan akan terhapus dari ponsel ini bila Anda keluar. "
        "Tetap keluar?",
        "{n} referrals have not been sent and will be deleted from this phone if you sign "
        "out. Sign out anyway?",
    ),
}

# The page script's key -> the key of TEXT it shows.
_SCRIPT_KEYS = {
    "errors": "form.errors",
    "required": "err.required",
    "village_outside": "err.village_outside",
    **{
        f"err.{name}": f"err.{name}"
        for name in (
            "category",
            "village_code",
            "urgency",
            "description",
            "beneficiary_name",
            "reporter_name",
        )
    },
    **{key.removeprefix("offline."): key for key in OFFLINE_TEXT},
}


def script_words(t: Callable[[str], str]) -> dict[str, str]:
    """What static/offline.js says, in the page's language."""
    return {name: t(key) for name, key in _SCRIPT_KEYS.items()}
