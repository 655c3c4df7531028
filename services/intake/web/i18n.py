"""Every word the web pages show, in Bahasa Indonesia (first) and English."""

from __future__ import annotations

from collections.abc import Callable

from services.intake.web.i18n_dashboard import DASHBOARD_TEXT
from services.intake.web.i18n_gaps import GAPS_TEXT
from services.intake.web.i18n_imports import IMPORT_STATUS, IMPORT_TEXT  # noqa: F401
from services.intake.web.i18n_offline import OFFLINE_TEXT
from shared.domain.vocabulary import (  # noqa: F401 (templates read them through i18n)
    ACTION,
    CALENDAR_KINDS,
    CATEGORY_HELP,
    EVENT,
    MATCH,
    MONTHS,
    NEED,
    OUTCOME,
    REASON,
    SCOPE,
    STANDING,
    STATUS,
    STEP,
    URGENCY,
    WEEKDAYS,
)

LANGS = ("id", "en")
DEFAULT = "id"

# key -> (Bahasa Indonesia, English)
TEXT: dict[str, tuple[str, str]] = {
    "app": ("Sekber Jatim", "Sekber East Java"),
    "skip": ("Langsung ke isi", "Skip to content"),
    "lang_switch": ("English", "Bahasa Indonesia"),
    "nav": ("Navigasi utama", "Main navigation"),
    "nav.new": ("Rujukan baru", "New referral"),
    "nav.mine": ("Rujukan saya", "My referrals"),
    "nav.cases": ("Daftar kasus", "Cases"),
    "nav.inbox": ("Kotak masuk", "Inbox"),
    "nav.dashboard": ("Dasbor", "Dashboard"),
    "signed_in_as": ("Masuk sebagai", "Signed in as"),
    "sign_out": ("Keluar", "Sign out"),
    "home.title": ("Beranda", "Home"),
    "home.intro": ("Pilih yang ingin Anda kerjakan.", "Choose what you want to do."),
    # the working calendar (services/intake/reference/calendar_routes.py)
    "nav.calendar": ("Kalender kerja", "Working calendar"),
    "cal.title": ("Kalender kerja", "Working calendar"),
    "cal.intro": (
        "Hari libur nasional, cuti bersama dan hari yang ditetapkan admin. Tenggat dalam "
        "hari kerja tidak berjalan pada hari-hari ini.",
        "National holidays, cuti bersama and days set by administrators. Deadlines in "
        "working days do not run on these days.",
    ),
    "cal.year": ("Tahun", "Year"),
    "cal.show": ("Tampilkan", "Show"),
    "cal.closed_weekdays": ("hari kerja (Senin-Jumat) libur", "weekdays (Mon-Fri) closed"),
    "cal.date": ("Tanggal", "Date"),
    "cal.name": ("Keterangan", "Name"),
    "cal.kind": ("Jenis", "Kind"),
    "cal.source": ("Dasar", "Source"),
    "cal.none": ("Tidak ada hari libur yang tercatat.", "No closed days recorded."),
    "cal.how": (
        "Admin mengubah kalender dengan perintah sekber calendar set-leave atau "
        "set-workday, menyebut dasar keputusannya.",
        "Administrators change it with sekber calendar set-leave or set-workday, naming "
        "the decree.",
    ),
    # referral form
    "form.title": ("Rujukan baru", "New referral"),
    "form.intro": (
        "Isi data orang yang perlu dibantu. Kolom bertanda * wajib diisi.",
        "Fill in who needs help. Fields marked * are required.",
    ),
    "form.errors": (
        "Ada isian yang perlu diperbaiki. Periksa kolom yang ditandai.",
        "Some fields need fixing. Check the marked fields.",
    ),
    "form.place": ("Tempat", "Place"),
    "form.kabkota": ("Kabupaten/Kota", "Regency/City"),
    "form.kecamatan": ("Kecamatan", "Sub-district"),
    "form.village": ("Desa/Kelurahan", "Village"),
    "form.choose": ("— pilih —", "— choose —"),
    "form.next_level": ("Tampilkan pilihan berikutnya", "Show the next choices"),
    "form.case": ("Masalah", "Problem"),
    "form.category": ("Kategori PPKS", "PPKS category"),
    "form.category_help": (
        "Pilih yang paling sesuai; penjelasan singkat ada di bawah setiap pilihan.",
        "Choose the closest; each choice has a short explanation.",
    ),
    "form.category_all": ("Penjelasan semua kategori", "All categories explained"),
    "form.needs": ("Kebutuhan (boleh lebih dari satu)", "Needs (any that apply)"),
    "form.urgency": ("Tingkat kedaruratan", "Urgency"),
    "form.disaster_scope": ("Skala bencana (khusus KBA/KBS)", "Disaster scope (KBA/KBS only)"),
    "form.description": ("Uraian singkat keadaan", "Short description of the situation"),
    "form.beneficiary": ("Penerima manfaat", "Beneficiary"),
    "form.name": ("Nama", "Name"),
    "form.nik": ("NIK (jika ada)", "NIK (if any)"),
    "form.nik_help": (
        "16 angka. Banyak orang tidak punya NIK: boleh dikosongkan.",
        "16 digits. Many people have none: leave it empty.",
    ),
    "form.birth_date": ("Tanggal lahir", "Birth date"),
    "form.sex": ("Jenis kelamin", "Sex"),
    "sex.F": ("Perempuan", "Female"),
    "sex.M": ("Laki-laki", "Male"),
    "sex.": ("Tidak diketahui", "Unknown"),
    "form.reporter": ("Pelapor", "Reporter"),
    "form.organisation": ("Lembaga", "Organisation"),
    "form.phone": ("Telepon", "Phone"),
    "form.email": ("Surel", "E-mail"),
    "form.legal_basis": ("Dasar pemrosesan data", "Legal basis for the data"),
    "basis.public_service": ("Pelayanan publik", "Public service"),
    "basis.consent": ("Persetujuan yang bersangkutan", "The person's consent"),
    "basis.guardian_consent": ("Persetujuan orang tua/wali", "Parent's or guardian's consent"),
    "form.submit": ("Kirim rujukan", "Send referral"),
    "form.sent": ("Rujukan terkirim. Kode kasus:", "Referral sent. Case code:"),
    "none": ("—", "—"),
    # NIK as typed (also used by referral.js through data attributes)
    "nik.ok": ("NIK berbentuk benar.", "The NIK is well formed."),
    "nik.len": ("NIK harus 16 angka.", "The NIK must be 16 digits."),
    "nik.province": ("Dua angka pertama NIK bukan kode provinsi.", "Digits 1-2 are no province."),
    "nik.region": (
        "Angka 3-6 NIK harus kode kabupaten/kota dan kecamatan (bukan 00).",
        "Digits 3-6 must be a regency and a sub-district (not 00).",
    ),
    "nik.month": ("Angka 9-10 NIK bukan bulan.", "Digits 9-10 are not a month."),
    "nik.day": (
        "Angka 7-8 NIK bukan tanggal (perempuan: tanggal + 40).",
        "Digits 7-8 are not a day (women: day + 40).",
    ),
    "nik.serial": ("Nomor urut NIK (angka 13-16) mulai dari 0001.", "Serial starts at 0001."),
    "nik.birth": (
        "Tanggal lahir di NIK tidak sama dengan tanggal lahir yang diisi.",
        "The NIK's birth date differs from the birth date given.",
    ),
    "nik.sex": (
        "Jenis kelamin di NIK tidak sama dengan yang dipilih.",
        "The NIK's sex differs from the one chosen.",
    ),
    # field errors
    "err.required": ("Wajib diisi.", "Required."),
    "err.category": ("Pilih kategori PPKS.", "Choose a PPKS category."),
    "err.village_code": ("Pilih desa/kelurahan.", "Choose a village."),
    "err.village_outside": (
        "Desa/kelurahan ini di luar wilayah kerja Anda.",
        "This village lies outside your jurisdiction.",
    ),
    "err.urgency": ("Pilih tingkat kedaruratan.", "Choose the urgency."),
    "err.description": (
        "Tulis uraian keadaan (3 sampai 4000 huruf).",
        "Describe the situation (3 to 4000 characters).",
    ),
    "err.beneficiary_name": ("Tulis nama penerima manfaat.", "Give the beneficiary's name."),
    "err.beneficiary_birth_date": (
        "Tanggal lahir harus tanggal yang sudah lewat.",
        "The birth date must be in the past.",
    ),
    "err.reporter_name": ("Tulis nama pelapor.", "Give the reporter's name."),
    "err.reporter_phone": (
        "Nomor telepon hanya angka, spasi, +, - dan tanda kurung (6-24).",
        "A phone number has digits, spaces, +, - and brackets (6-24).",
    ),
    "err.reporter_email": ("Alamat surel tidak valid.", "Not a valid e-mail address."),
    "err.disaster_scope": (
        "Skala bencana hanya untuk kategori KBA dan KBS.",
        "Disaster scope applies only to KBA and KBS.",
    ),
    "err.needs": ("Pilihan kebutuhan tidak dikenal.", "Unknown need."),
    "err.invalid": ("Isian tidak valid.", "Invalid value."),
    "err.stale": (
        "Tugas sudah berubah sejak halaman dibuka. Muat ulang dan coba lagi.",
        "The task changed since you opened the page. Reload and try again.",
    ),
    "err.forbidden": ("Anda tidak berhak melakukan ini.", "You may not do this."),
    "err.conflict": ("Tindakan ini tidak bisa dilakukan sekarang.", "This cannot be done now."),
    "err.reason": ("Pilih alasan.", "Choose a reason."),
    "err.outcome": ("Pilih hasil penanganan.", "Choose the outcome."),
    "err.purpose": ("Tulis tujuan rujukan lanjutan.", "Give the purpose of the onward referral."),
    "err.pillar": ("Pilih pilar.", "Choose a pillar."),
    "err.coordinator_id": (
        "Pilih koordinator aktif dari pilar ini di kabupaten/kota atau provinsi kasus.",
        "Choose an active coordinator of this pillar in the case's regency or province.",
    ),
    # lists
    "list.mine": ("Rujukan saya", "My referrals"),
    "list.cases": ("Daftar kasus", "Cases"),
    "list.empty": ("Belum ada kasus.", "No cases yet."),
    "list.none": ("Tidak ada.", "None."),
    "list.more": ("Berikutnya", "Next"),
    "col.code": ("Kode", "Code"),
    "col.category": ("Kategori", "Category"),
    "col.urgency": ("Kedaruratan", "Urgency"),
    "col.status": ("Status", "Status"),
    "col.village": ("Desa/Kelurahan", "Village"),
    "col.received": ("Diterima", "Received"),
    "col.updated": ("Diperbarui", "Updated"),
    "col.pillar": ("Pilar", "Pillar"),
    "col.coordinator": ("Koordinator", "Coordinator"),
    "col.due_accept": ("Batas terima", "Accept by"),
    "col.due_resolve": ("Batas selesai", "Resolve by"),
    "col.beneficiary": ("Penerima", "Beneficiary"),
    "col.when": ("Waktu", "When"),
    "col.who": ("Oleh", "By"),
    "col.what": ("Kejadian", "What"),
    "col.channel": ("Saluran", "Channel"),
    "col.error": ("Galat", "Error"),
    # case page
    "case.title": ("Kasus", "Case"),
    "dup.title": ("Kemungkinan duplikat", "Possible duplicates"),
    "dup.intro": (
        "Kasus terbuka yang mungkin orang yang sama. Rujukan ini tetap diproses.",
        "Open cases that may be the same person. This referral is handled anyway.",
    ),
    "dup.likeness": ("kemiripan nama", "name likeness"),
    "dup.merge_here_into": ("Gabungkan kasus ini ke", "Merge this case into"),
    "dup.merge_other_here_1": ("Gabungkan", "Merge"),
    "dup.merge_other_here_2": ("ke kasus ini", "into this case"),
    "dup.dismiss": ("Bukan duplikat", "Not a duplicate"),
    "dup.merged_into": (
        "Kasus ini duplikat dan sudah digabung ke",
        "This case is a duplicate, merged into",
    ),
    "dup.merged_from": (
        "Kasus duplikat yang digabung ke sini:",
        "Duplicates merged into this case:",
    ),
    "dup.undo": ("Batalkan penggabungan", "Undo the merge"),
    "dup.undo_until": ("bisa dibatalkan sampai", "can be undone until"),
    "dup.warning": ("Kemungkinan sudah dilaporkan:", "Possibly reported already:"),
    "dup.warning_more": (
        "Periksa dulu. Jika ini kebutuhan baru atau orang lain, kirim juga.",
        "Check first. If this is a new need or another person, send it anyway.",
    ),
    "dup.send_anyway": ("Kirim juga", "Send anyway"),
    "case.done.merge": ("Kasus digabung.", "Case merged."),
    "case.done.unmerge": ("Penggabungan dibatalkan.", "Merge undone."),
    "case.done.dismiss": ("Ditandai bukan duplikat.", "Marked not a duplicate."),
    "case.facts": ("Ringkasan", "Summary"),
    "case.tasks": ("Tugas rujukan", "Referral tasks"),
    "case.routing": ("Mengapa ke koordinator ini", "Why this coordinator"),
    "case.timeline": ("Riwayat kasus", "Case timeline"),
    "case.actions": ("Tindakan", "Actions"),
    "case.done": ("Tersimpan.", "Saved."),
    "case.no_coordinator": ("Belum ada koordinator", "No coordinator yet"),
    "case.candidates": ("Kandidat yang dipertimbangkan", "Candidates considered"),
    "case.reason_label": ("Alasan", "Reason"),
    "case.outcome_label": ("Hasil", "Outcome"),
    "case.note_label": ("Catatan (opsional)", "Note (optional)"),
    "case.onward": ("Rujuk ke pilar lain", "Refer onward"),
    "case.onward_purpose": ("Tujuan", "Purpose"),
    "case.care": ("Jenis layanan", "Kind of care"),
    "case.reassign_to": ("Alihkan ke koordinator", "Reassign to coordinator"),
    "case.no_choices": (
        "Tidak ada koordinator aktif lain dari pilar ini di kabupaten/kota atau provinsi kasus.",
        "No other active coordinator of this pillar in the case's regency or province.",
    ),
    # the case page, issue 20: a sentence per action, a label per reason, who acted
    "case.done.accept": ("Tugas diterima.", "Task accepted."),
    "case.done.reject": ("Tugas ditolak.", "Task declined."),
    "case.done.start": ("Penanganan dimulai.", "Work on the task started."),
    "case.done.hold": ("Tugas ditunda.", "Task put on hold."),
    "case.done.resume": ("Tugas dilanjutkan.", "Task resumed."),
    "case.done.complete": ("Tugas selesai.", "Task completed."),
    "case.done.fail": ("Tugas dicatat gagal ditangani.", "Task recorded as failed."),
    "case.done.cancel": ("Rujukan dibatalkan.", "Referral cancelled."),
    "case.done.reassign": ("Tugas dialihkan.", "Task reassigned."),
    "case.done.mark-in-error": ("Tugas ditandai salah input.", "Task marked as entered in error."),
    "case.done.onward": ("Rujukan ke pilar lain terkirim.", "Onward referral sent."),
    "case.reason.reject": ("Alasan menolak", "Reason for declining"),
    "case.reason.hold": ("Alasan menunda", "Reason for holding"),
    "case.reason.fail": ("Alasan gagal ditangani", "Reason it failed"),
    "case.reason.cancel": ("Alasan membatalkan", "Reason for cancelling"),
    "case.still_open": ("Masih terbuka:", "Still open:"),
    "case.task_of": ("tugas", "task"),
    "case.cancel": ("Batalkan rujukan", "Cancel the referral"),
    "case.cancel_intro": (
        "Batalkan hanya jika rujukan ini tidak lagi diperlukan atau salah kirim.",
        "Cancel only if this referral is no longer needed or was sent by mistake.",
    ),
    "case.phone": ("Telepon", "Phone"),
    "case.email": ("Email", "Email"),
    "case.birth_date": ("Tanggal lahir", "Date of birth"),
    "case.rules_version": ("Versi aturan", "Rules version"),
    "case.live": ("Halaman ini diperbarui otomatis.", "This page updates by itself."),
    "case.updated": ("Kasus diperbarui.", "The case was updated."),
    "actor.routing": ("Sistem Sekber (penentuan rujukan)", "Sekber system (routing)"),
    "actor.notify": ("Sistem Sekber (pemberitahuan)", "Sekber system (notifications)"),
    "actor.system": ("Sistem Sekber", "Sekber system"),
    "care.community": ("Di masyarakat", "In the community"),
    "care.residential": ("Dalam panti", "Residential"),
    # inbox
    "inbox.title": ("Kotak masuk", "Inbox"),
    "inbox.intro": (
        "Tugas Anda: yang darurat dan paling dekat batas waktunya di atas.",
        "Your tasks: emergencies and the nearest deadlines first.",
    ),
    "inbox.empty": ("Tidak ada tugas terbuka.", "No open tasks."),
    "inbox.new": ("Tugas baru masuk:", "New task:"),
    "inbox.live": ("Pembaruan langsung aktif.", "Live updates on."),
    "inbox.offered": ("ditawarkan", "offered"),
    # dashboard (services/intake/dashboard)
    **DASHBOARD_TEXT,
    **GAPS_TEXT,
    # errors
    "login.needed": ("Silakan masuk.", "Please sign in."),
    "forbidden.title": ("Tidak diizinkan", "Not allowed"),
    "forbidden.text": (
        "Halaman ini bukan untuk peran Anda.",
        "This page is not for your role.",
    ),
    "badinput.title": ("Isian tidak dapat diterima", "Input refused"),
    "badinput.text": (
        "Sebuah isian berisi karakter yang tidak diizinkan atau tidak dapat dibaca. Tidak ada "
        "yang disimpan. Kembali ke halaman sebelumnya dengan tombol Kembali peramban, "
        "perbaiki isian, lalu kirim lagi.",
        "A field holds a character that is not allowed or cannot be read. Nothing was saved. "
        "Go back with the browser's Back button, correct it and send again.",
    ),
    "notfound.title": ("Tidak ditemukan", "Not found"),
    "notfound.text": ("Kasus ini tidak ada atau bukan wewenang Anda.", "No such case for you."),
    # bulk intake (services/intake/imports/pages.py)
    **IMPORT_TEXT,
    # the form offline (services/intake/referrals/offline.py, static/offline.js)
    **OFFLINE_TEXT,
}


def lang_index(lang: str) -> int:
    return 1 if lang == "en" else 0


def translator(lang: str) -> Callable[[str], str]:
    """t(key) for one language; an unknown key shows itself (easy to spot, never a 500)."""
    index = lang_index(lang)

    def t(key: str) -> str:
        pair = TEXT.get(key)
        return pair[index] if pair else key

    return t


def label(table: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    if code is None:
        return ""
    pair = table.get(code)
    return pair[lang_index(lang)] if pair else code
