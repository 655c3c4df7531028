"""One vocabulary: every code shown to people, in Bahasa Indonesia and English, for the
pages, the notifications and the dashboard alike (statuses, urgencies, deadline steps and
standings, actions, reasons, outcomes, needs, scopes, timeline events) and the plain-
language help of each PPKS category. Each entry is (Bahasa Indonesia, English), written
as a label (capitalised where it stands alone); `in_sentence` gives the form to use
inside a sentence. Pure: standard library only."""

from __future__ import annotations

STATUS = {
    "received": ("diterima sistem", "received"),
    "open": ("terbuka", "open"),
    "closed": ("selesai", "closed"),
    "routing": ("sedang dirutekan", "routing"),
    "unassigned": ("tanpa koordinator", "unassigned"),
    "requested": ("menunggu diterima", "requested"),
    "accepted": ("diterima", "accepted"),
    "in-progress": ("sedang ditangani", "in progress"),
    "on-hold": ("ditunda", "on hold"),
    "rejected": ("ditolak", "declined"),
    "cancelled": ("dibatalkan", "cancelled"),
    "completed": ("selesai", "completed"),
    "failed": ("tidak berhasil ditangani", "could not be carried out"),
    "entered-in-error": ("dicatat karena kekeliruan", "entered in error"),
}
URGENCY = {
    "emergency": ("Darurat", "Emergency"),
    "high": ("Tinggi", "High"),
    "normal": ("Biasa", "Normal"),
    "low": ("Rendah", "Low"),
}
STANDING = {
    "on_track": ("sesuai jadwal", "on track"),
    "at_risk": ("hampir lewat", "at risk"),
    "breached": ("lewat batas", "breached"),
}
ACTION = {
    "accept": ("Terima", "Accept"),
    "reject": ("Tolak", "Decline"),
    "start": ("Mulai tangani", "Start"),
    "hold": ("Tunda", "Hold"),
    "resume": ("Lanjutkan", "Resume"),
    "complete": ("Selesaikan", "Complete"),
    "fail": ("Gagal ditangani", "Fail"),
    "cancel": ("Batalkan", "Cancel"),
    "reassign": ("Alihkan tugas", "Reassign"),
    "mark-in-error": ("Tandai salah input", "Mark entered in error"),
}
REASON = {
    "not_eligible": ("Tidak memenuhi syarat", "Not eligible"),
    "no_capacity": ("Kapasitas penuh", "No capacity"),
    "could_not_contact": ("Tidak bisa dihubungi", "Could not contact"),
    "out_of_area": ("Di luar wilayah kerja", "Out of area"),
    "duplicate": ("Kasus ganda", "Duplicate"),
    "no_response": ("Tidak ada tanggapan", "No response"),
    "waiting_for_documents": ("Menunggu dokumen", "Waiting for documents"),
    "person_unavailable": ("Orangnya tidak ada", "Person unavailable"),
    "other": ("Lainnya", "Other"),
}
OUTCOME = {
    "service_given": ("Layanan telah diberikan", "Service given"),
    "enrolled_in_programme": ("Terdaftar dalam program bantuan", "Enrolled in a programme"),
    "referred_outside": (
        "Dirujuk ke layanan di luar Sekber",
        "Referred to a service outside Sekber",
    ),
    "person_declined": ("Penerima manfaat menolak layanan", "The person declined the service"),
    "died": ("Penerima manfaat meninggal dunia", "The person died"),
    "moved": ("Penerima manfaat pindah domisili", "The person moved away"),
}
# shared.domain.deadlines.Step
STEP = {
    "accept": ("Menerima rujukan", "Accepting the referral"),
    "first_contact": ("Kontak pertama dengan penerima manfaat", "First contact with the person"),
    "resolve": ("Penyelesaian kasus", "Resolving the case"),
}
NEED = {
    "aid_enrolment": ("Bantuan sosial (PKH/BPNT/PBI) atau aduan bantuan", "Aid enrolment"),
    "health_insurance": ("BPJS/PBI tidak aktif dan perlu berobat", "Health insurance"),
    "medical_costs": ("Biaya rumah sakit darurat", "Emergency medical costs"),
    "residential_care": ("Perlu tinggal di panti", "Residential care"),
    "housing": ("Rumah tidak layak huni", "Uninhabitable house"),
    "civil_documents": ("Tidak punya KK atau KTP", "No family card or ID card"),
    "repatriation": ("Terlantar di perjalanan, perlu dipulangkan", "Stranded, repatriation"),
    "disaster_relief": ("Bantuan bencana", "Disaster relief"),
    "family_conflict": ("Masalah keluarga", "Family conflict"),
    "youth": ("Masalah remaja/pemuda", "Youth problems"),
}
SCOPE = {
    "local": ("Desa atau kecamatan", "Village or sub-district"),
    "regency": ("Kabupaten/kota", "Regency/city"),
    "provincial": ("Provinsi", "Province"),
}
EVENT = {
    "case_received": ("Kasus diterima", "Case received"),
    "case_closed": ("Kasus ditutup", "Case closed"),
    "referral_assigned": ("Tugas diberikan ke koordinator", "Task assigned"),
    "referral_offered": ("Tugas ditawarkan", "Task offered"),
    "referral_unroutable": ("Tidak ada koordinator: ke antrean supervisor", "Unroutable"),
    "referral_escalated": ("Tugas dinaikkan", "Task escalated"),
    "referral_onward": ("Dirujuk ke pilar lain", "Referred onward"),
    "referral_accept": ("Tugas diterima", "Task accepted"),
    "referral_reject": ("Tugas ditolak", "Task declined"),
    "referral_start": ("Mulai ditangani", "Work started"),
    "referral_hold": ("Ditunda", "Put on hold"),
    "referral_resume": ("Dilanjutkan", "Resumed"),
    "referral_complete": ("Tugas selesai", "Task completed"),
    "referral_fail": ("Gagal ditangani", "Task failed"),
    "referral_cancel": ("Tugas dibatalkan", "Task cancelled"),
    "referral_reassign": ("Tugas dialihkan", "Task reassigned"),
    "referral_mark_in_error": ("Tugas ditandai salah input", "Task marked entered in error"),
    "notification_sent": ("Notifikasi dikirim", "Notification sent"),
    "notification_delivered": ("Notifikasi terkirim", "Notification delivered"),
    "offer_declined": ("Tawaran ditolak", "Offer declined"),
    "note": ("Catatan", "Note"),
    "case_merged_into": ("Digabung ke kasus lain (duplikat)", "Merged into another case"),
    "case_merged_from": ("Kasus duplikat digabung ke sini", "A duplicate merged into this case"),
    "case_merge_undone": ("Penggabungan dibatalkan", "Merge undone"),
    "duplicate_dismissed": ("Ditandai bukan duplikat", "Marked not a duplicate"),
}
# Why two cases may be one person (shared/duplicates/find.py).
MATCH = {
    "nik": ("NIK sama", "Same NIK"),
    "name_birth_place": (
        "Nama mirip, tanggal lahir cocok, kecamatan sama",
        "Similar name, matching birth date, same kecamatan",
    ),
}
# Plain-language help under each PPKS category.
CATEGORY_HELP = {
    "ABT": ("Anak di bawah 5 tahun yang tidak terurus.", "A child under five left uncared for."),
    "AT": ("Anak 6-18 tahun yang tidak terurus.", "A child of 6-18 left uncared for."),
    "ABH": ("Anak yang berurusan dengan polisi atau pengadilan.", "A child involved with police."),
    "ANJAL": ("Anak yang hidup atau bekerja di jalan.", "A child living or working on the street."),
    "ADK": ("Anak dengan disabilitas.", "A child with a disability."),
    "AKTK": ("Anak korban kekerasan atau perlakuan salah.", "A child hurt or mistreated."),
    "AMPK": ("Anak yang perlu perlindungan khusus.", "A child needing special protection."),
    "LUT": ("Orang lanjut usia (60+) tanpa pengurus.", "An elderly person (60+) without care."),
    "PD": ("Penyandang disabilitas, termasuk gangguan jiwa.", "Disability, incl. mental illness."),
    "TS": ("Orang yang bekerja sebagai pekerja seks.", "A person doing sex work."),
    "GEL": ("Orang tanpa tempat tinggal tetap.", "A person with no fixed home."),
    "PENG": ("Orang yang hidup dari meminta-minta.", "A person living by begging."),
    "PEM": ("Orang yang hidup dari memulung.", "A person living by picking waste."),
    "KM": ("Kelompok minoritas yang terpinggirkan.", "A marginalised minority group."),
    "BWBLP": ("Mantan narapidana yang sulit kembali ke masyarakat.", "A former prisoner."),
    "ODHA": ("Orang dengan HIV/AIDS.", "A person living with HIV/AIDS."),
    "KPN": ("Korban penyalahgunaan narkoba (NAPZA).", "A victim of drug abuse."),
    "KTR": ("Korban perdagangan orang.", "A victim of trafficking."),
    "KTK": ("Orang dewasa korban kekerasan, termasuk KDRT.", "An adult victim of violence."),
    "PMBS": ("Pekerja migran yang bermasalah.", "A migrant worker in trouble."),
    "KBA": ("Korban banjir, gempa, longsor dan bencana alam lain.", "A natural-disaster victim."),
    "KBS": ("Korban konflik, kerusuhan atau penggusuran.", "A victim of conflict or eviction."),
    "PRSE": ("Perempuan 18-59 tahun yang rawan secara ekonomi.", "A vulnerable woman (18-59)."),
    "FM": ("Orang atau keluarga miskin yang tidak mampu.", "A destitute person or family."),
    "KBSP": ("Keluarga dengan masalah psikologis/sosial.", "A family in psychosocial trouble."),
    "KAT": ("Komunitas adat di daerah terpencil.", "A remote customary community."),
}


# The working calendar's kinds of day (shared/reference/calendar.py), months and weekdays
# (Monday is "0", as date.weekday() counts).
CALENDAR_KINDS: dict[str, tuple[str, str]] = {
    "national": ("Libur nasional", "National holiday"),
    "cuti_bersama": ("Cuti bersama", "Collective leave"),
    "leave": ("Libur (ditetapkan admin)", "Closed (set by an administrator)"),
    "workday": ("Hari kerja (ditetapkan admin)", "Working day (set by an administrator)"),
}
MONTHS: dict[str, tuple[str, str]] = {
    str(i): pair
    for i, pair in enumerate(
        [
            ("Januari", "January"), ("Februari", "February"), ("Maret", "March"),
            ("April", "April"), ("Mei", "May"), ("Juni", "June"), ("Juli", "July"),
            ("Agustus", "August"), ("September", "September"), ("Oktober", "October"),
            ("November", "November"), ("Desember", "December"),
        ],
        start=1,
    )
}  # fmt: skip
WEEKDAYS: dict[str, tuple[str, str]] = {
    str(i): pair
    for i, pair in enumerate(
        [
            ("Senin", "Monday"), ("Selasa", "Tuesday"), ("Rabu", "Wednesday"),
            ("Kamis", "Thursday"), ("Jumat", "Friday"), ("Sabtu", "Saturday"),
            ("Minggu", "Sunday"),
        ]
    )
}  # fmt: skip


def in_sentence(pair: tuple[str, str]) -> tuple[str, str]:
    """A label as it reads inside a sentence: "Layanan telah diberikan" -> "layanan telah
    diberikan" (an acronym such as "BPJS" or "Sekber" as the first word stays)."""
    return _lower_first(pair[0]), _lower_first(pair[1])


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].lower() != first[1:]:  # an acronym: BPJS, PKH/BPNT
        return text
    return text[:1].lower() + text[1:]
