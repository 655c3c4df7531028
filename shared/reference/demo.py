"""A realistic, made-up coordinator directory for East Java, for demos and trials.

Every choice (who serves which village, names, phone numbers) comes from a hash of the
seed and the region code, not from a random stream: the output is the same on every run,
and adding a village to the code list does not reshuffle the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import func, select

from shared.db import UowFactory
from shared.domain.pillars import PILLARS
from shared.domain.regions import EAST_JAVA, Level, is_within
from shared.models import Pillar, Region
from shared.models.within import within_region
from shared.reference.directory import DirectoryReport, Progress, upsert_entries, validate_rows
from shared.reference.regions import RegionRow

DOMAIN = "demo.sekber.example"
MADURA = ("35.26", "35.27", "35.28", "35.29")  # Bangkalan, Sampang, Pamekasan, Sumenep

_MALE = (
    "Agus", "Bambang", "Budi", "Didik", "Eko", "Hadi", "Heru", "Imam", "Joko", "Mulyono",
    "Slamet", "Sugeng", "Sutrisno", "Teguh", "Wahyu", "Yudi", "Ahmad", "Rudi", "Suyanto",
)  # fmt: skip
_FEMALE = (
    "Dwi", "Endang", "Kartini", "Lilik", "Ninik", "Rini", "Siti", "Sri", "Suryani", "Tri",
    "Umi", "Wulan", "Yuli", "Ratna", "Nur", "Sulastri", "Winarti",
)  # fmt: skip
_MADURESE_MALE = (
    "Moh.", "Abd.", "Holil", "Samsul", "Sukri", "Fathorrahman", "Ainul", "Rofiq", "Mahfud",
    "Syaiful", "Matrawi", "Hosnan",
)  # fmt: skip
_MADURESE_FEMALE = (
    "Sittiyah", "Hosniyah", "Maimunah", "Siti", "Halimah", "Nurhayati", "Musyarrofah",
    "Fatimah", "Khotijah", "Rohmah",
)  # fmt: skip
_FAMILY = (
    "Santoso", "Wibowo", "Prasetyo", "Susanto", "Hidayat", "Setiawan", "Nugroho", "Purnomo",
    "Hartono", "Kurniawan", "Suryadi", "Fauzi", "Zainuddin", "Hakim", "Anwar", "Effendi",
    "Syafii",
)  # fmt: skip
_WOMEN_FAMILY = ("Rahayu", "Lestari", "Wahyuni", "Handayani", "Hasanah", "Ningsih")
_MADURESE_FAMILY = (
    "Hasan", "Rahman", "Sholeh", "Hamid", "Munir", "Jailani", "Bakri", "Zubairi", "Qomar",
)  # fmt: skip
_PHONE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "852", "853", "857", "858", "877", "878",
    "881", "895", "896",
)  # fmt: skip
_LKSA = (
    "Al-Hikmah", "Budi Mulia", "Darul Aitam", "Nurul Huda", "Putra Harapan", "Aisyiyah",
    "Bina Insani", "Kasih Bunda", "Muhammadiyah", "Sabilillah",
)  # fmt: skip
_LANSIA = ("Usia Senja", "Kasih Ibu", "Budi Luhur", "Griya Werdha", "Sejahtera", "Mardi Waluyo")
_DISABILITY = ("Bina Daksa", "Harapan Kita", "Mitra Sejati", "Cahaya Hati", "Pelita")
_PROVINCIAL_UNITS = {
    "BINALARAS": "UPT Rehabilitasi Sosial Bina Laras Dinsos Jatim",
    "BINANETRA": "UPT Rehabilitasi Sosial Bina Netra Dinsos Jatim",
    "ANAK": "UPT Rehabilitasi Sosial Anak Dinsos Jatim",
    "BINAKARYA": "UPT Rehabilitasi Sosial Bina Karya Dinsos Jatim",
    "LANSIA": "UPT Rehabilitasi Sosial Lanjut Usia Dinsos Jatim",
}
_CHILDREN = "ABT;AT;ABH;ANJAL;ADK;AKTK;AMPK"
# What each specialised LKS takes, by its key (an elderly home does not take children).
_LKS_CATEGORIES = {
    "BINALARAS": "PD",
    "BINANETRA": "PD;ADK",
    "ANAK": _CHILDREN,
    "BINAKARYA": "GEL;PENG;PEM;BWBLP;KPN;ODHA;KTR;PMBS;TS;PRSE",
    "LANSIA": "LUT",
    "LKSA": _CHILDREN,
    "DISABILITAS": "PD;ADK",
}
_CAPACITY = {
    "TKSK": 30, "PSM": 15, "KARANG_TARUNA": 20, "PUSKESOS": 40, "LKS": 20, "CSR": 50,
    "TAGANA": 50, "PKH": 20, "LK3": 30, "JSC": 100, "DINSOS": 200,
}  # fmt: skip
# One village in N gets the unit or person (expected share, decided per village).
_VILLAGE_SHARE = {"PUSKESOS": 8, "PSM": 5, "KARANG_TARUNA": 6}


class RegionRowLike(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def level(self) -> str: ...


class ReferenceDataMissing(RuntimeError):
    """The regions or the catalogue are not loaded yet."""


def demo_rows(regions: Sequence[RegionRowLike], *, seed: int = 2020) -> list[dict[str, str]]:
    """Directory rows (CSV columns, string values) for East Java; other provinces are ignored."""
    jatim = sorted((r for r in regions if is_within(r.code, EAST_JAVA)), key=lambda r: r.code)
    by_level: dict[str, list[RegionRowLike]] = {level: [] for level in Level}
    for region in jatim:
        by_level[region.level].append(region)
    if not by_level[Level.PROVINCE] or not by_level[Level.DISTRICT]:
        raise ReferenceDataMissing("the East Java regions (code 35) are not in the region list")
    make = _Maker(seed)
    rows = make.province(by_level[Level.PROVINCE][0])
    for regency in by_level[Level.REGENCY]:
        rows += make.regency(regency)
    for district in by_level[Level.DISTRICT]:
        rows += make.district(district)
    for village in by_level[Level.VILLAGE]:
        rows += make.village(village)
    return rows


def load_demo_directory(
    *, uow_factory: UowFactory, progress: Progress | None = None
) -> DirectoryReport:
    """Upsert the demo directory by external_ref; refuses until the reference data is loaded."""
    with uow_factory() as uow:
        session = uow.session
        if session.scalar(select(func.count()).select_from(Pillar)) != len(PILLARS):
            raise ReferenceDataMissing("the pillars are not seeded: run `sekber load-reference`")
        regions = [
            RegionRow(code, name, level, parent_code)
            for code, name, level, parent_code in session.execute(
                select(Region.code, Region.name, Region.level, Region.parent_code).where(
                    within_region(Region.code, EAST_JAVA)
                )
            )
        ]
        if not regions:
            raise ReferenceDataMissing("the regions are not loaded: run `sekber load-reference`")
        rows = demo_rows(regions)
        entries = validate_rows(enumerate(rows, 1), known_regions={r.code for r in regions})
        report = upsert_entries(session, entries, progress=progress)
        uow.commit()
    return report


class _Maker:
    def __init__(self, seed: int) -> None:
        self.seed = seed

    def province(self, province: RegionRowLike) -> list[dict[str, str]]:
        code = province.code
        rows = [
            self.unit("DINSOS", code, f"Dinas Sosial Provinsi {province.name}"),
            self.unit("CSR", code, f"Forum CSR Provinsi {province.name}"),
            self.unit("JSC", code, "Jatim Social Care (JSC) Dinsos Jatim"),
        ]
        for key, name in _PROVINCIAL_UNITS.items():
            rows.append(self.unit("LKS", code, name, key=key))
        return rows

    def regency(self, regency: RegionRowLike) -> list[dict[str, str]]:
        code, name = regency.code, regency.name
        place = name.removeprefix("Kabupaten ")
        rows = [
            self.unit("DINSOS", code, f"Dinas Sosial {name}"),
            self.unit("TAGANA", code, f"Tagana {name}"),
            self.unit("LK3", code, f"LK3 {name}"),
            self.unit("CSR", code, f"Forum CSR {name}"),
            # The kab/kota SLRT desk and the PSM association (IPSM) catch the cases of
            # villages that have no Puskesos or PSM of their own.
            self.unit("PUSKESOS", code, f"SLRT {name}"),
            self.unit("PSM", code, f"IPSM {name}"),
            self.unit("LKS", code, f"LKSA {self.pick(_LKSA, 'LKSA', code)} {place}", key="LKSA"),
            self.unit(
                "LKS", code, f"LKS Lansia {self.pick(_LANSIA, 'LANSIA', code)} {place}",
                key="LANSIA",
            ),
        ]  # fmt: skip
        if self.number("DISABILITAS", code) % 2 == 0:
            disability = self.pick(_DISABILITY, "DISABILITAS", code)
            rows.append(
                self.unit("LKS", code, f"LKS Disabilitas {disability} {place}", key="DISABILITAS")
            )
        return rows

    def district(self, district: RegionRowLike) -> list[dict[str, str]]:
        return [self.person("TKSK", district.code), self.person("PKH", district.code)]

    def village(self, village: RegionRowLike) -> list[dict[str, str]]:
        code = village.code
        # Fourth part starting with 1 is a kelurahan (urban), with 2 a desa.
        place = f"{'Kelurahan' if code.split('.')[3].startswith('1') else 'Desa'} {village.name}"
        rows = []
        if self.chosen("PUSKESOS", code):
            rows.append(self.unit("PUSKESOS", code, f"Puskesos {place}"))
        if self.chosen("PSM", code):
            rows.append(self.person("PSM", code))
        if self.chosen("KARANG_TARUNA", code):
            rows.append(self.unit("KARANG_TARUNA", code, f"Karang Taruna {place}"))
        return rows

    def unit(self, pillar: str, code: str, name: str, *, key: str = "") -> dict[str, str]:
        return self.row(pillar, code, name, "unit", key)

    def person(self, pillar: str, code: str) -> dict[str, str]:
        madurese = code.startswith(MADURA)
        female = self.number("SEX", pillar, code) % 2 == 0
        given = (
            (_MADURESE_FEMALE if female else _MADURESE_MALE)
            if madurese
            else (_FEMALE if female else _MALE)
        )
        family: tuple[str, ...] = _MADURESE_FAMILY + _FAMILY[:6] if madurese else _FAMILY
        if female:
            family += _WOMEN_FAMILY
        first = self.pick(given, "GIVEN", pillar, code)
        name = f"{first} {self.pick(family, 'FAMILY', pillar, code)}"
        return self.row(pillar, code, name, "person", "")

    def row(self, pillar: str, code: str, name: str, kind: str, key: str) -> dict[str, str]:
        ref = f"demo-{pillar}-{code}" + (f"-{key}" if key else "")
        local = pillar.lower().replace("_", "") + "." + code.replace(".", "")
        local += f".{key.lower()}" if key else ""
        digits = f"{self.number('PHONE', ref) % 10**8:08d}"
        phone = f"+62 {self.pick(_PHONE_PREFIXES, 'PREFIX', ref)}-{digits[:4]}-{digits[4:]}"
        return {
            "external_ref": ref,
            "name": name,
            "kind": kind,
            "pillar": pillar,
            "region_code": code,
            "email": f"{local}@{DOMAIN}",
            "phone": phone,
            "language": "id",
            "active": "true",
            "capacity": str(_CAPACITY[pillar]),
            "categories": _LKS_CATEGORIES.get(key, "") if pillar == "LKS" else "",
        }

    def chosen(self, pillar: str, code: str) -> bool:
        return self.number("CHOSEN", pillar, code) % _VILLAGE_SHARE[pillar] == 0

    def pick(self, options: Sequence[str], *parts: str) -> str:
        return options[self.number(*parts) % len(options)]

    def number(self, *parts: str) -> int:
        key = "|".join((str(self.seed), *parts)).encode()
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
