"""A routing decision in words a coordinator understands, in Bahasa Indonesia and English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVELS = {
    "village": ("desa/kelurahan", "village"),
    "district": ("kecamatan", "sub-district"),
    "regency": ("kabupaten/kota", "regency/city"),
    "province": ("provinsi", "province"),
}


@dataclass(frozen=True, slots=True)
class Explained:
    summary: str
    candidates: list[str]


def describe(explanation: dict[str, Any], *, purpose: str, language: str) -> Explained:
    en = language == "en"
    considered: list[dict[str, Any]] = explanation.get("considered", [])
    chosen = next((c for c in considered if c["reason"] == "chosen"), None)
    lines = [_candidate(c, chosen, en=en) for c in considered]
    return Explained(
        summary=_summary(explanation, purpose, chosen, considered, en=en), candidates=lines
    )


def _level(code: str | None, *, en: bool) -> str:
    names = LEVELS.get(code or "", (code or "-", code or "-"))
    return names[1] if en else names[0]


SENTENCES = {
    "id": {
        # The rule's id is English and a code: Indonesian readers get its purpose only.
        "head": "Menurut aturan rujukan (versi {version}), {pillar} diminta untuk: {purpose}. "
        "Pencarian dimulai dari tingkat {start} lalu naik sampai provinsi.",
        "residential": " Pelayanan dalam panti adalah kewenangan provinsi.",
        "nobody": " Tidak ada koordinator {pillar} yang aktif dan masih punya kapasitas di "
        "tingkat mana pun: tugas masuk antrean supervisor Sekber.",
        "chosen": " Dipilih: {name} di tingkat {level}, beban paling ringan dari {qualified} "
        "kandidat yang memenuhi syarat ({load}/{capacity} kasus terbuka).",
    },
    "en": {
        "head": "Rule '{rule}' (rules version {version}) asks {pillar} to: {purpose}. "
        "The search starts at {start} level and walks up to the province.",
        "residential": " Residential care is the province's duty.",
        "nobody": " No active {pillar} coordinator with room serves this place at any "
        "level: the task is in the Sekber supervisors' queue.",
        "chosen": " Chosen: {name} at {level} level, the least loaded of {qualified} "
        "qualified candidate(s) ({load}/{capacity} open cases).",
    },
}


def _summary(
    x: dict[str, Any],
    purpose: str,
    chosen: dict[str, Any] | None,
    considered: list[dict[str, Any]],
    *,
    en: bool,
) -> str:
    say = SENTENCES["en" if en else "id"]
    text = say["head"].format(
        rule=x["rule_id"],
        version=x["rules_version"],
        pillar=x["pillar"],
        purpose=purpose,
        start=_level(x["start_level"], en=en),
    )
    if x.get("care") == "residential":
        text += say["residential"]
    if chosen is None:
        return text + say["nobody"].format(pillar=x["pillar"])
    qualified = sum(
        1
        for c in considered
        if c["reason"] in ("chosen", "outranked") and c["region_code"] == chosen["region_code"]
    )
    return text + say["chosen"].format(
        name=chosen["name"],
        level=_level(x["matched_level"], en=en),
        qualified=qualified,
        load=chosen["open_load"],
        capacity=chosen["capacity"],
    )


def _candidate(c: dict[str, Any], chosen: dict[str, Any] | None, *, en: bool) -> str:
    who = f"{c['name']} ({c['region_code']})"
    load = f"{c['open_load']}/{c['capacity']}"
    reason = c["reason"]
    texts = {
        "inactive": ("tidak aktif", "inactive"),
        "on_leave": ("sedang cuti", "on leave"),
        "other_categories": ("tidak melayani kategori ini", "does not serve this category"),
        "declined_before": ("sudah menolak tugas ini", "declined this task before"),
        "at_capacity": (f"kapasitas penuh ({load})", f"at capacity ({load})"),
        "chosen": (f"dipilih: beban paling ringan ({load})", f"chosen: least loaded ({load})"),
    }
    if reason == "outranked" and chosen is not None:
        text = _outranked(c, chosen)
    else:
        text = texts.get(reason, (str(reason), str(reason)))
    return f"{who}: {text[1] if en else text[0]}"


def _outranked(c: dict[str, Any], chosen: dict[str, Any]) -> tuple[str, str]:
    if c["open_load"] > chosen["open_load"]:
        return (
            f"memenuhi syarat, tetapi bebannya lebih berat ({c['open_load']} kasus terbuka)",
            f"qualified, but carries more open cases ({c['open_load']})",
        )
    if (c["last_assigned_at"] or "") > (chosen["last_assigned_at"] or ""):
        return (
            "memenuhi syarat dengan beban sama, tetapi terakhir ditugasi lebih baru",
            "qualified with the same load, but was assigned more recently",
        )
    return (
        "memenuhi syarat dengan beban dan penugasan terakhir sama; urutan id menentukan",
        "qualified with the same load and last assignment; the id order decides",
    )
