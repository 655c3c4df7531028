"""The routing decision: a pure function of (case, rules, directory snapshot).

It walks up from the rule's start level to the province, never picks at random, and
explains every candidate it passed over and why the chosen one won.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.routing.rules import RuleSet
from shared.domain import regions
from shared.domain.regions import Level

_NEVER = datetime.min.replace(tzinfo=UTC)

LEVEL_NAMES = {
    Level.VILLAGE: ("desa/kelurahan", "village"),
    Level.DISTRICT: ("kecamatan", "sub-district"),
    Level.REGENCY: ("kabupaten/kota", "regency/city"),
    Level.PROVINCE: ("provinsi", "province"),
}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    category: str
    village_code: str
    urgency: str


@dataclass(frozen=True, slots=True)
class Candidate:
    id: uuid.UUID
    name: str
    pillar: str
    region_code: str
    active: bool
    open_load: int
    capacity: int
    last_assigned_at: datetime | None


@dataclass(frozen=True, slots=True)
class Decision:
    rule_id: str
    rules_version: str
    pillar: str
    purpose: str
    coordinator_id: uuid.UUID | None
    matched_level: Level | None
    explanation: dict[str, Any] = field(default_factory=dict)


def decide(*, case: CaseFacts, rules: RuleSet, candidates: Sequence[Candidate]) -> Decision:
    rule = rules.for_category(case.category)
    levels = [
        code
        for code in regions.ancestors(case.village_code)
        if regions.level_of(code).depth <= rule.start_level.depth
    ]
    considered: list[dict[str, Any]] = []
    for area in levels:
        here = [c for c in candidates if c.pillar == rule.pillar and c.region_code == area]
        qualified = []
        for c in sorted(here, key=lambda c: str(c.id)):
            reason = _passed_over(c)
            considered.append(_entry(c, area, reason))
            if reason is None:
                qualified.append(c)
        if qualified:
            chosen = min(qualified, key=_preference)
            level = regions.level_of(area)
            return Decision(
                rule_id=rule.id,
                rules_version=rules.version,
                pillar=rule.pillar,
                purpose=rule.purpose_id,
                coordinator_id=chosen.id,
                matched_level=level,
                explanation=_explain(rule.id, rules.version, considered, chosen, level, qualified),
            )
    return Decision(
        rule_id=rule.id,
        rules_version=rules.version,
        pillar=rule.pillar,
        purpose=rule.purpose_id,
        coordinator_id=None,
        matched_level=None,
        explanation=_explain(rule.id, rules.version, considered, None, None, []),
    )


def _passed_over(c: Candidate) -> str | None:
    if not c.active:
        return "inactive"
    if c.open_load >= c.capacity:
        return "at_capacity"
    return None


def _preference(c: Candidate) -> tuple[int, datetime, str]:
    """Least open load, then least recently assigned, then id: deterministic."""
    return (c.open_load, c.last_assigned_at or _NEVER, str(c.id))


def _entry(c: Candidate, area: str, reason: str | None) -> dict[str, Any]:
    return {
        "coordinator_id": str(c.id),
        "name": c.name,
        "region_code": area,
        "open_load": c.open_load,
        "capacity": c.capacity,
        "passed_over": reason,
    }


def _explain(
    rule_id: str,
    version: str,
    considered: list[dict[str, Any]],
    chosen: Candidate | None,
    level: Level | None,
    qualified: list[Candidate],
) -> dict[str, Any]:
    if chosen is None or level is None:
        why_id = (
            "Tidak ada koordinator aktif yang tersedia di wilayah mana pun; "
            "masuk antrean supervisor."
        )
        why_en = "No active coordinator with capacity at any level; sent to the supervisors' queue."
    else:
        lvl_id, lvl_en = LEVEL_NAMES[level]
        why_id = (
            f"Dipilih di tingkat {lvl_id}: {len(qualified)} kandidat memenuhi syarat; "
            f"beban terbuka paling sedikit ({chosen.open_load}/{chosen.capacity})."
        )
        why_en = (
            f"Chosen at {lvl_en} level: {len(qualified)} qualified candidate(s); "
            f"least open load ({chosen.open_load}/{chosen.capacity})."
        )
    return {
        "rule_id": rule_id,
        "rules_version": version,
        "considered": considered,
        "chosen": str(chosen.id) if chosen else None,
        "why": {"id": why_id, "en": why_en},
    }
