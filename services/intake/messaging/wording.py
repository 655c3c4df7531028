"""The replies, in Bahasa Indonesia and English: short enough for one SMS where they can
be, saying what was done, or exactly why not and what to send instead. They carry no more
of a person than the outbound messages do: the tracking code and the category."""

from __future__ import annotations

from shared.domain import vocabulary
from shared.domain.message_commands import DECLINE_REASONS, OUTCOMES

Pair = tuple[str, str]


def pick(pair: Pair, language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def _numbered(table: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...], lang: str) -> str:
    index = 1 if lang == "en" else 0
    return ", ".join(f"{n} {row[1 + index][0].lower()}" for n, row in enumerate(table, 1))


def reasons(language: str) -> str:
    return _numbered(DECLINE_REASONS, language)


def outcomes(language: str) -> str:
    return _numbered(OUTCOMES, language)


NEUTRAL: Pair = (
    "Sekber: pesan ini tidak dapat diproses.",
    "Sekber: this message cannot be processed.",
)
NOT_PROCESSED: Pair = (
    "Sekber: maaf, pesan Anda tidak dapat kami proses. Coba kirim lagi nanti, atau "
    "hubungi pendamping Anda.",
    "Sekber: sorry, we could not process your message. Try again later, or contact your "
    "supervisor.",
)
THANKS: Pair = (
    "Sama-sama. Untuk menerima tugas balas TERIMA <kode>; BANTUAN untuk daftar perintah.",
    "You are welcome. To accept a task reply ACCEPT <code>; HELP for the commands.",
)
UNKNOWN_WORD: Pair = (
    "Perintah tidak dikenal. Balas BANTUAN untuk daftar perintah.",
    "Unknown command. Reply HELP for the list of commands.",
)


def help_text(language: str, *, coordinator: bool, reporter: bool) -> str:
    lines = []
    if coordinator:
        if language == "en":
            lines += [
                "Sekber: ACCEPT [code] | DECLINE [code] <reason> | START [code] | "
                "DONE [code] <result> | NOTE [code] <text> | STATUS [code].",
                f"Reasons: {reasons('en')}. Results: {outcomes('en')}.",
                "Without a code: the task of the message you reply to, or your only open task.",
            ]
        else:
            lines += [
                "Sekber: TERIMA [kode] | TOLAK [kode] <alasan> | MULAI [kode] | "
                "SELESAI [kode] <hasil> | CATAT [kode] <teks> | STATUS [kode].",
                f"Alasan: {reasons('id')}. Hasil: {outcomes('id')}.",
                "Tanpa kode: tugas pada pesan yang Anda balas, atau satu-satunya tugas "
                "terbuka Anda.",
            ]
    if reporter:
        if language == "en":
            lines.append(
                "Report a case: REFER <category> <village code> <name>; <description> "
                "(optional NIK <16 digits>, EMERGENCY). E.g. REFER LUT 35.08.01.2001 "
                "Mbah Sarmi; lives alone, no food"
            )
        else:
            lines.append(
                "Lapor kasus: RUJUK <kategori> <kode desa> <nama>; <keterangan> "
                "(boleh NIK <16 angka>, DARURAT). Contoh: RUJUK LUT 35.08.01.2001 "
                "Mbah Sarmi; tinggal sendiri, tidak ada makanan"
            )
    return "\n".join(lines)


def done(action: str, code: str, language: str, *, detail: str = "") -> str:
    """What a coordinator's command did."""
    en = language == "en"
    match action:
        case "accept":
            return (
                f"OK: you accepted {code}. Reply START {code} when you begin."
                if en
                else f"OK: tugas {code} Anda terima. Balas MULAI {code} saat mulai menangani."
            )
        case "reject":
            return (
                f"OK: you declined {code} ({detail}). Sekber passes it to the next coordinator."
                if en
                else f"OK: tugas {code} Anda tolak ({detail}). Sekber meneruskannya ke "
                "koordinator berikutnya."
            )
        case "offer_declined":
            return (
                f"OK: you declined the offer of {code} ({detail})."
                if en
                else f"OK: tawaran tugas {code} Anda tolak ({detail})."
            )
        case "start" | "resume":
            return (
                f"OK: {code} is in progress. Reply DONE {code} <result> when it is done."
                if en
                else f"OK: tugas {code} sedang ditangani. Balas SELESAI {code} <hasil> bila "
                "selesai."
            )
        case "complete":
            return (
                f"OK: {code} completed ({detail}). Thank you."
                if en
                else f"OK: tugas {code} selesai ({detail}). Terima kasih."
            )
        case "note":
            return f"OK: note added to {code}." if en else f"OK: catatan disimpan pada {code}."
    raise ValueError(action)


def status_line(code: str, category: str, status: str, language: str) -> str:
    return f"{code} ({category}): {pick(vocabulary.STATUS.get(status, (status, status)), language)}"


def refusal(problem: str, language: str, **words: str) -> str:
    """Why a command was not done, and what to send instead."""
    code = words.get("code", "")
    en = language == "en"
    texts: dict[str, Pair] = {
        "not_yours": (
            f"Tidak ada tugas Anda dengan kode {code}. Periksa kodenya, atau balas STATUS "
            "untuk daftar tugas Anda.",
            f"You have no task with code {code}. Check the code, or reply STATUS for your tasks.",
        ),
        "no_longer_yours": (
            f"Tugas {code} bukan tugas Anda lagi. Balas STATUS untuk daftar tugas Anda.",
            f"Task {code} is no longer yours. Reply STATUS for your tasks.",
        ),
        "none_open": (
            "Anda tidak punya tugas terbuka.",
            "You have no open tasks.",
        ),
        "which": (
            f"Anda punya beberapa tugas terbuka: {words.get('codes', '')}. Sebutkan kodenya, "
            f"mis. {words.get('example', '')}.",
            f"You have several open tasks: {words.get('codes', '')}. Name the code, e.g. "
            f"{words.get('example', '')}.",
        ),
        "conflict": (
            f"Tugas {code} sudah {words.get('status', '')}; tidak bisa di{words.get('verb', '')}"
            ". Balas STATUS " + code + " untuk keadaannya.",
            f"Task {code} is already {words.get('status', '')}; it cannot be "
            f"{words.get('verb', '')}. Reply STATUS {code} for its state.",
        ),
        "changed": (
            f"Tugas {code} baru saja berubah. Kirim lagi perintah Anda.",
            f"Task {code} has just changed. Send your command again.",
        ),
        "reason_missing": (
            f"Sebutkan alasannya: TOLAK [kode] <alasan>, alasan: {reasons('id')}.",
            f"Give the reason: DECLINE [code] <reason>, reasons: {reasons('en')}.",
        ),
        "outcome_missing": (
            f"Sebutkan hasilnya: SELESAI [kode] <hasil>, hasil: {outcomes('id')}.",
            f"Give the result: DONE [code] <result>, results: {outcomes('en')}.",
        ),
        "text_missing": (
            "Tulis catatannya: CATAT [kode] <teks>.",
            "Write the note: NOTE [code] <text>.",
        ),
        "coordinators_only": (
            "Perintah ini untuk koordinator. Untuk melapor kasus: RUJUK <kategori> <kode desa> "
            "<nama>; <keterangan>. Balas BANTUAN untuk contoh.",
            "This command is for coordinators. To report a case: REFER <category> <village "
            "code> <name>; <description>. Reply HELP for an example.",
        ),
        "reporters_only": (
            "Nomor ini tidak terdaftar sebagai petugas pelapor. Minta admin Sekber "
            "mendaftarkan nomor Anda.",
            "This number is not registered to report cases. Ask a Sekber admin to register it.",
        ),
        "case_not_yours": (
            f"Tidak ada kasus laporan Anda dengan kode {code}.",
            f"You reported no case with code {code}.",
        ),
    }
    return pick(texts[problem], "en" if en else "id")


# The fields of a report, as the message names them, and what each must be.
REPORT_FIELDS: dict[str, tuple[Pair, Pair]] = {
    "category": (
        ("kategori", "category"),
        ("kode PPKS yang dikenal, mis. LUT, FM, AT, PD", "a known PPKS code, e.g. LUT, FM, AT, PD"),
    ),
    "village_code": (
        ("kode desa", "village code"),
        (
            "kode desa/kelurahan Kemendagri, mis. 35.08.01.2001",
            "a Kemendagri village code, e.g. 35.08.01.2001",
        ),
    ),
    "name": (("nama", "name"), ("nama orang yang dilaporkan", "the name of the person")),
    "description": (
        ("keterangan", "description"),
        (
            "setelah tanda ; tulis keadaannya (minimal 3 huruf)",
            "after a ; describe the situation (at least 3 letters)",
        ),
    ),
    "nik": (
        ("NIK", "NIK"),
        ("16 angka NIK yang sah, atau tanpa NIK", "a valid 16-digit NIK, or none"),
    ),
}


def report_refused(field: str, language: str, *, problem: str = "") -> str:
    label, wanted = REPORT_FIELDS.get(field, REPORT_FIELDS["description"])
    if language == "en":
        text = f"Not recorded: {pick(label, 'en')} is wrong: {problem or pick(wanted, 'en')}."
        return text + " Format: REFER <category> <village code> <name>; <description>"
    text = f"Belum tercatat: {pick(label, 'id')} salah: {problem or pick(wanted, 'id')}."
    return text + " Format: RUJUK <kategori> <kode desa> <nama>; <keterangan>"


def reported(code: str, language: str) -> str:
    return (
        f"Thank you. Case recorded: {code}. Keep this code; reply STATUS {code} to follow it."
        if language == "en"
        else f"Terima kasih. Kasus tercatat: {code}. Simpan kode ini; balas STATUS {code} "
        "untuk mengikutinya."
    )
