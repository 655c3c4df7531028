"""The service-gap page's words (services/intake/dashboard/gap_page.py): key ->
(Bahasa Indonesia, English), joined into i18n.TEXT."""

from __future__ import annotations

GAPS_TEXT: dict[str, tuple[str, str]] = {
    "nav.gaps": ("Celah layanan", "Service gaps"),
    "gaps.title": ("Celah layanan", "Service gaps"),
    "gaps.province": ("provinsi", "of the province"),
    "gaps.intro": (
        "Di mana warga menunggu karena tidak ada pilar yang dapat menangani: tidak ada "
        "koordinator pilar di wilayah itu, koordinator penuh, penolakan karena kapasitas "
        "atau di luar wilayah, dan tugas yang tidak diterima siapa pun.",
        "Where people wait because no pillar can take them: no coordinator of a pillar in "
        "the area, coordinators at capacity, declines for no capacity or out of area, and "
        "tasks nobody accepts.",
    ),
    "gaps.worst_pillar": ("Semua pilar (yang terburuk)", "All pillars (the worst)"),
    "gaps.map": ("Peta celah per kab/kota", "Gaps by kab/kota"),
    "gaps.kecamatan": ("Celah per kecamatan", "Gaps by kecamatan"),
    "gaps.map_help": (
        "Setiap kotak satu kab/kota, kira-kira sesuai letaknya. Angka besar: skor celah; "
        "makin gelap makin besar. Pilih kotak untuk melihat kecamatannya.",
        "Each tile is one kab/kota, placed roughly where it lies. The large number is the "
        "gap score; the darker, the larger. Choose a tile for its kecamatan.",
    ),
    "gaps.kec_help": (
        "Setiap kotak satu kecamatan, urut kode. Koordinator tingkat kab/kota tidak "
        "dihitung di kecamatan mana pun.",
        "Each tile is one kecamatan, in code order. Coordinators serving the whole "
        "kab/kota count in no kecamatan.",
    ),
    "gaps.legend": ("Keterangan warna skor celah", "Colour key of the gap score"),
    "gaps.none": ("tidak ada celah", "no gap"),
    "gaps.formula": (
        "Skor celah = (kebutuhan tak terlayani + kelebihan beban) ÷ (koordinator aktif + 1). "
        "Kebutuhan tak terlayani = tanpa koordinator sekarang + ditolak karena kapasitas + "
        "ditolak karena di luar wilayah + tidak dijawab sampai batas waktu. Kelebihan beban "
        "= tugas terbuka di atas kapasitas koordinator.",
        "Gap score = (unmet demand + overload) ÷ (active coordinators + 1). Unmet demand = "
        "unassigned now + declined for no capacity + declined as out of area + unanswered "
        "until the deadline. Overload = open tasks above the coordinators' capacity.",
    ),
    "gaps.table": ("Angka per wilayah dan pilar", "Numbers by area and pillar"),
    "gaps.table_top": (
        "{n} baris terburuk yang berisi angka, dari {all}; semua baris ada di CSV.",
        "The {n} worst rows with anything to report, of {all}; every row is in the CSV.",
    ),
    "gaps.nothing": (
        "Tidak ada yang dilaporkan pada periode ini.",
        "Nothing to report in the period.",
    ),
    "gaps.area": ("Wilayah", "Area"),
    "gaps.score": ("Skor celah", "Gap score"),
    "gaps.referrals": ("Rujukan", "Referrals"),
    "gaps.no_capacity": ("Ditolak: kapasitas", "Declined: capacity"),
    "gaps.out_of_area": ("Ditolak: luar wilayah", "Declined: out of area"),
    "gaps.no_response": ("Tidak dijawab", "Unanswered"),
    "gaps.other": ("Ditolak: lainnya", "Declined: other"),
    "gaps.unassigned": ("Tanpa koordinator", "Unassigned"),
    "gaps.breached": ("Lewat batas", "Breached"),
    "gaps.breached_help": (
        "Lewat batas: jumlah (terima/kontak pertama/selesai) yang batas waktunya jatuh di "
        "periode ini dan terlewati. Median: jam sampai diterima.",
        "Breached: the (accept/first contact/resolve) steps due in the period and missed. "
        "Median: hours to accept.",
    ),
    "gaps.median": ("Median terima (jam)", "Median to accept (h)"),
    "gaps.coordinators": ("Koordinator aktif", "Active coordinators"),
    "gaps.capacity": ("Kapasitas", "Capacity"),
    "gaps.per_coordinator": ("Terbuka per koordinator", "Open per coordinator"),
    "gaps.unmet": ("tak terlayani", "unmet"),
    "gaps.unmet_short": ("tunggu", "waiting"),
    "gaps.coord_short": ("koord.", "coord."),
    "gaps.digest": (
        "Ringkasan mingguan: lima celah terburuk",
        "Weekly digest: the five worst gaps",
    ),
    "gaps.digest_none": ("Tidak ada celah minggu itu.", "No gap that week."),
    "gaps.link": ("Celah layanan per wilayah", "Service gaps by region"),
}
