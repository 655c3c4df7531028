"""The 26 categories of people in need (PPKS), Permensos 08/2012."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name_id: str
    name_en: str
    is_child: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category("ABT", "Anak Balita Terlantar", "Neglected child under five", True),
    Category("AT", "Anak Terlantar", "Neglected child (6-18)", True),
    Category(
        "ABH",
        "Anak yang Berhadapan dengan Hukum",
        "Child in conflict or contact with the law",
        True,
    ),
    Category("ANJAL", "Anak Jalanan", "Street child", True),
    Category("ADK", "Anak dengan Kedisabilitasan", "Child with disability", True),
    Category(
        "AKTK",
        "Anak yang menjadi Korban Tindak Kekerasan atau diperlakukan salah",
        "Child victim of violence or maltreatment",
        True,
    ),
    Category(
        "AMPK", "Anak yang Memerlukan Perlindungan Khusus", "Child needing special protection", True
    ),
    Category("LUT", "Lanjut Usia Terlantar", "Neglected elderly"),
    Category("PD", "Penyandang Disabilitas", "Person with disability (includes mental illness)"),
    Category("TS", "Tuna Susila", "Sex worker"),
    Category("GEL", "Gelandangan", "Homeless person"),
    Category("PENG", "Pengemis", "Beggar"),
    Category("PEM", "Pemulung", "Waste picker"),
    Category("KM", "Kelompok Minoritas", "Marginalised minority group"),
    Category(
        "BWBLP",
        "Bekas Warga Binaan Lembaga Pemasyarakatan",
        "Former prisoner with reintegration problems",
    ),
    Category("ODHA", "Orang dengan HIV/AIDS", "Person living with HIV/AIDS"),
    Category("KPN", "Korban Penyalahgunaan NAPZA", "Victim of drug abuse"),
    Category("KTR", "Korban Trafficking", "Trafficking victim"),
    Category("KTK", "Korban Tindak Kekerasan", "Victim of violence (adult, incl. domestic)"),
    Category("PMBS", "Pekerja Migran Bermasalah Sosial", "Migrant worker with social problems"),
    Category("KBA", "Korban Bencana Alam", "Natural-disaster victim"),
    Category("KBS", "Korban Bencana Sosial", "Social-disaster victim (conflict, eviction)"),
    Category("PRSE", "Perempuan Rawan Sosial Ekonomi", "Economically vulnerable woman (18-59)"),
    Category("FM", "Fakir Miskin", "Destitute person or family"),
    Category("KBSP", "Keluarga Bermasalah Sosial Psikologis", "Family with psychosocial problems"),
    Category("KAT", "Komunitas Adat Terpencil", "Remote customary community"),
)

BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
