"""The columns of a bulk-intake spreadsheet and how its cells read as a referral's fields.

Pure: a header row becomes the fields it names (English names, or the Indonesian ones of
the template, in any case and spacing); a row's cells become the referral the API takes,
without judging them: the referral's own rule (services/intake/referrals/schemas.py)
decides what is valid, for a file's row as for a single POST. What is read here is only
how people write in spreadsheets: "KBA - Korban Bencana Alam" picked from the template's
drop-down, "Darurat" for emergency, "P"/"L" for sex, 17/08/1950 for a birth date,
"pangan; hunian" for needs, a NIK typed with a leading apostrophe so the spreadsheet
keeps it as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.domain import categories, vocabulary


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # the API's name, e.g. beneficiary_nik
    header_id: str  # the template's header, e.g. nik_penerima
    label_id: str
    label_en: str
    required: bool
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("category", "kategori", "Kategori PPKS", "PPKS category", True,
           "KBA", ("kategori_ppks",)),
    Column("village_code", "kode_desa", "Kode desa/kelurahan", "Village code", True,
           "35.08.01.2001", ("kode_wilayah", "desa")),
    Column("urgency", "urgensi", "Urgensi", "Urgency", True, "Tinggi", ("tingkat_urgensi",)),
    Column("description", "uraian", "Uraian kebutuhan", "Description", True,
           "Rumah tertimbun abu vulkanik, mengungsi di balai desa", ("keterangan", "deskripsi")),
    Column("beneficiary_name", "nama_penerima", "Nama penerima manfaat", "Beneficiary name",
           True, "Siti Aminah", ("nama",)),
    Column("beneficiary_nik", "nik_penerima", "NIK", "NIK", False,
           "3508014708500001", ("nik",)),
    Column("beneficiary_birth_date", "tanggal_lahir", "Tanggal lahir", "Birth date", False,
           "1950-08-07", ("tgl_lahir",)),
    Column("beneficiary_sex", "jenis_kelamin", "Jenis kelamin (P/L)", "Sex (F/M)", False,
           "P", ("jk",)),
    Column("needs", "kebutuhan", "Kebutuhan (pisahkan dengan ;)", "Needs (separated by ;)",
           False, "disaster_relief", ()),
    Column("disaster_scope", "cakupan_bencana", "Cakupan bencana", "Disaster scope", False,
           "regency", ("skala_bencana",)),
)  # fmt: skip
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c.field for c in COLUMNS if c.required)


def header_key(text: str) -> str:
    """A header as compared: lower case, words joined by "_", no bracketed remark."""
    text = re.sub(r"\(.*?\)|\*", " ", text.strip().lower())
    return "_".join(re.findall(r"[a-z0-9]+", text))


_HEADER_NAMES: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.field, _c.header_id, _c.label_id, _c.label_en, *_c.aliases):
        _HEADER_NAMES.setdefault(header_key(_name), _c.field)


@dataclass(frozen=True, slots=True)
class Header:
    """What a header row names: the field of each column it knows (by position)."""

    fields: dict[int, str]
    missing: tuple[str, ...]
    repeated: tuple[str, ...]
    ignored: tuple[str, ...]
    written: tuple[str, ...] = field(default=())

    def column_of(self, field_name: str) -> str:
        """The header as the file writes it, for an error a person can find."""
        for index, name in self.fields.items():
            if name == field_name:
                return self.written[index]
        return BY_FIELD[field_name].header_id if field_name in BY_FIELD else field_name


def read_header(cells: Sequence[str]) -> Header:
    fields: dict[int, str] = {}
    seen: dict[str, int] = {}
    repeated: list[str] = []
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        name = _HEADER_NAMES.get(header_key(cell))
        if name is None:
            ignored.append(cell.strip())
        elif name in seen:
            repeated.append(cell.strip())
        else:
            seen[name] = index
            fields[index] = name
    missing = tuple(BY_FIELD[f].header_id for f in REQUIRED if f not in seen)
    return Header(fields, missing, tuple(repeated), tuple(ignored), tuple(c.strip() for c in cells))


def row_cells(header: Header, cells: Sequence[str]) -> dict[str, str]:
    """A row's cells by field (the columns the header knows; blanks kept as "")."""
    return {name: (cells[i] if i < len(cells) else "") for i, name in header.fields.items()}


def is_blank(cells: Sequence[str]) -> bool:
    return all(not c.strip() for c in cells)


# --- cells -------------------------------------------------------------------------------

_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_SEX = {
    "f": "F", "p": "F", "perempuan": "F", "wanita": "F", "female": "F",
    "m": "M", "l": "M", "laki_laki": "M", "lakilaki": "M", "pria": "M", "male": "M",
}  # fmt: skip


def _words(pairs: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Each code's code, Indonesian and English words (as header_key writes them)."""
    out: dict[str, str] = {}
    for code, (word_id, word_en) in pairs.items():
        for word in (code, word_id, word_en):
            out.setdefault(header_key(word), code)
    return out


_URGENCY = _words(vocabulary.URGENCY)
_NEED = _words(vocabulary.NEED)
_SCOPE = _words(vocabulary.SCOPE) | {"lokal": "local", "kabupaten": "regency", "kota": "regency"}
_CATEGORY = {header_key(c.code): c.code for c in categories.CATEGORIES} | {
    header_key(c.name_id): c.code for c in categories.CATEGORIES
}


def _picked(value: str) -> str:
    """The code of a drop-down choice written "CODE - words" (or "CODE – words")."""
    return re.split(r"\s+[-–—]\s+", value.strip(), maxsplit=1)[0].strip()


def _code(value: str, words: Mapping[str, str]) -> str:
    """A code from its code or its words; what is not known stays as written, for the
    referral's rule to refuse by name."""
    value = value.strip()
    if not value:
        return value
    return words.get(header_key(_picked(value))) or words.get(header_key(value)) or value


def birth_date(value: str) -> str:
    """YYYY-MM-DD from YYYY-MM-DD (a date cell arrives so) or day first, 17/08/1950."""
    value = value.strip()
    found = _DAY_FIRST.fullmatch(value)
    if found:
        day, month, year = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value


def nik(value: str) -> str:
    """Digits as typed: spaces, dots and a leading apostrophe (text in a spreadsheet)
    dropped; anything else is left for the NIK rule to refuse."""
    value = value.strip().lstrip("'")
    squeezed = re.sub(r"[\s.]", "", value)
    return squeezed if squeezed.isdigit() else value


def needs(value: str) -> list[str]:
    return [_code(part, _NEED) for part in re.split(r"[;,\n]", value) if part.strip()]


def sex(value: str) -> str:
    return _SEX.get(header_key(_picked(value)), value.strip())


def referral(cells: Mapping[str, str]) -> dict[str, Any]:
    """The referral the row's cells write (the API's JSON shape, reporter aside); a blank
    optional cell is left out, a blank required one stays blank for the rule to refuse."""

    def given(name: str) -> str:
        return cells.get(name, "").strip()

    body: dict[str, Any] = {
        "category": _code(given("category"), _CATEGORY),
        "village_code": given("village_code"),
        "urgency": _code(given("urgency"), _URGENCY),
        "description": given("description"),
        "beneficiary": {"name": given("beneficiary_name")},
    }
    if given("needs"):
        body["needs"] = needs(given("needs"))
    if given("disaster_scope"):
        body["disaster_scope"] = _code(given("disaster_scope"), _SCOPE)
    person = body["beneficiary"]
    if given("beneficiary_nik"):
        person["nik"] = nik(given("beneficiary_nik"))
    if given("beneficiary_birth_date"):
        person["birth_date"] = birth_date(given("beneficiary_birth_date"))
    if given("beneficiary_sex"):
        person["sex"] = sex(given("beneficiary_sex"))
    return body


def field_of(loc: Sequence[str | int]) -> str:
    """The column a refusal of the referral's rule names: ("beneficiary", "nik") is
    beneficiary_nik, ("needs", 2) is needs."""
    parts = [p for p in loc if isinstance(p, str) and p != "body"]
    if not parts:
        return "row"
    if parts[0] == "beneficiary" and len(parts) > 1:
        return f"beneficiary_{parts[1]}"
    return parts[0]


def choices(kind: str) -> list[str]:
    """The template's drop-down entries: "CODE - Indonesian words"."""
    if kind == "category":
        return [f"{c.code} - {c.name_id}" for c in categories.CATEGORIES]
    if kind == "sex":
        return ["P - Perempuan", "L - Laki-laki"]
    pairs = {"urgency": vocabulary.URGENCY, "needs": vocabulary.NEED,
             "disaster_scope": vocabulary.SCOPE}[kind]  # fmt: skip
    if kind == "urgency":
        return [word_id for word_id, _ in pairs.values()]
    return [f"{code} - {word_id}" for code, (word_id, _) in pairs.items()]
