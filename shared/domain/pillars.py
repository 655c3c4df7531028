"""Social pillars (pilar sosial) and their stable codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pillar:
    code: str
    name_id: str
    name_en: str
    sees_identity: bool = True


PILLARS: tuple[Pillar, ...] = (
    Pillar("TKSK", "Tenaga Kesejahteraan Sosial Kecamatan", "Sub-district social welfare worker"),
    Pillar("PSM", "Pekerja Sosial Masyarakat", "Community social worker"),
    Pillar("KARANG_TARUNA", "Karang Taruna", "Village youth organisation"),
    Pillar("PUSKESOS", "Puskesos / SLRT", "Integrated service and referral desk"),
    Pillar("LKS", "Lembaga Kesejahteraan Sosial", "Social welfare institution"),
    # CSR partners fund needs and must never receive a beneficiary's identity.
    Pillar(
        "CSR", "Forum CSR Dunia Usaha", "Corporate social responsibility forum", sees_identity=False
    ),
    Pillar("TAGANA", "Taruna Siaga Bencana", "Disaster-response volunteers"),
    Pillar("PKH", "Pendamping PKH", "Family Hope Programme companion"),
    Pillar("LK3", "Lembaga Konsultasi Kesejahteraan Keluarga", "Family counselling centre"),
    Pillar("WKSBM", "Wahana Kesejahteraan Sosial Berbasis Masyarakat", "Community welfare network"),
    Pillar("PEKSOS", "Pekerja Sosial Profesional", "Professional social worker"),
    Pillar("JSC", "Jatim Social Care", "Provincial rapid response team"),
    Pillar("DINSOS", "Dinas Sosial", "Social affairs office (kab/kota or province)"),
)

BY_CODE: dict[str, Pillar] = {p.code: p for p in PILLARS}
