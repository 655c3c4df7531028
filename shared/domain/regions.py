"""Kemendagri region codes: PP.KK.CC.DDDD (province, kab/kota, kecamatan, desa/kelurahan)."""

from __future__ import annotations

import re
from enum import StrEnum


class Level(StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"  # kabupaten or kota
    DISTRICT = "district"  # kecamatan
    VILLAGE = "village"  # desa or kelurahan

    @property
    def depth(self) -> int:
        return _DEPTH[self]


_DEPTH = {Level.PROVINCE: 1, Level.REGENCY: 2, Level.DISTRICT: 3, Level.VILLAGE: 4}
_BY_DEPTH = {depth: level for level, depth in _DEPTH.items()}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")

EAST_JAVA = "35"


def is_well_formed(code: str) -> bool:
    return bool(_CODE.match(code))


def level_of(code: str) -> Level:
    if not is_well_formed(code):
        raise ValueError(f"not a Kemendagri region code: {code!r}")
    return _BY_DEPTH[code.count(".") + 1]


def ancestors(code: str) -> list[str]:
    """The code itself and every region above it, nearest first."""
    parts = code.split(".")
    level_of(code)
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def parent(code: str) -> str | None:
    chain = ancestors(code)
    return chain[1] if len(chain) > 1 else None


def is_within(code: str, area: str) -> bool:
    """True when `code` lies in `area` (or is it)."""
    return code == area or code.startswith(area + ".")


def is_kota(regency_code: str) -> bool:
    """Kab/kota digits 71-99 are cities (kota), 01-69 regencies (kabupaten)."""
    return int(regency_code.split(".")[1]) >= 71
