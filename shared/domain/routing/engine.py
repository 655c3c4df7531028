"""The routing decision: a pure function of (case, rules, directory snapshot).

For each task the rules plan, it walks up from the task's start level to the province,
never picks at random, and records every candidate it looked at, why each was passed
over, and why the chosen one won.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from shared.domain.regions import Level
from shared.domain.routing.facts import Care, CaseFacts
from shared.domain.routing.rules import PlannedTask, RuleSet

_NEVER = datetime.min.replace(tzinfo=UTC)


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
    on_leave: bool = False
    categories: frozenset[str] | None = None  # None: serves every category


class Directory(Protocol):
    def candidates(self, pillar: str, area_codes: Sequence[str]) -> Sequence[Candidate]:
        """Coordinators of `pillar` whose region is exactly one of `area_codes`."""
        ...


@dataclass(frozen=True, slots=True)
class Decision:
    rule_id: str
    rules_version: str
    pillar: str
    purpose_id: str
    purpose_en: str
    care: Care
    start_level: Level
    coordinator_id: uuid.UUID | None
    matched_level: Level | None
    explanation: dict[str, Any] = field(default_factory=dict)
    # Everyone qualified at the matched level, best first (the chosen one leads): the
    # candidates an emergency task is offered to at once.
    ranked: tuple[uuid.UUID, ...] = ()


def decide(*, case: CaseFacts, rules: RuleSet, directory: Directory) -> list[Decision]:
    """One decision per planned task, in the order the rules give them."""
    return [
        decide_task(case=case, planned=p, version=rules.version, directory=directory)
        for p in rules.plan(case)
    ]


_BY_DEPTH = {level.depth: level for level in Level}


def areas_from(village_code: str, start: Level) -> list[str]:
    """The village's region at `start` level and every region above it, nearest first."""
    parts = village_code.split(".")
    return [".".join(parts[:n]) for n in range(min(start.depth, len(parts)), 0, -1)]


def decide_task(
    *,
    case: CaseFacts,
    planned: PlannedTask,
    version: str,
    directory: Directory,
    excluded: frozenset[uuid.UUID] = frozenset(),
) -> Decision:
    """Choose for one task; `excluded` are coordinators who declined this task before."""
    task = planned.task
    areas = areas_from(case.village_code, task.start_level)
    considered: list[dict[str, Any]] = []
    chosen: Candidate | None = None
    level: Level | None = None
    ranked: list[Candidate] = []
    for area in areas:
        # One level at a time: the search stops at the nearest level with someone qualified,
        # so the (much larger) pools higher up are never read.
        here = sorted(directory.candidates(task.pillar, [area]), key=lambda c: c.id)
        qualified = []
        for c in here:
            reason = "declined_before" if c.id in excluded else _passed_over(c, case.category)
            considered.append(_entry(c, area, reason))
            if reason is None:
                qualified.append(c)
        if qualified:
            ranked = sorted(qualified, key=_preference)
            chosen = ranked[0]
            level = _BY_DEPTH[area.count(".") + 1]
            for entry in considered:
                if entry["region_code"] == area and entry["reason"] is None:
                    entry["reason"] = "chosen" if entry["id"] == str(chosen.id) else "outranked"
            break
    return Decision(
        rule_id=planned.rule_id,
        rules_version=version,
        pillar=task.pillar,
        purpose_id=task.purpose_id,
        purpose_en=task.purpose_en,
        care=task.care,
        start_level=task.start_level,
        coordinator_id=chosen.id if chosen else None,
        matched_level=level,
        explanation={
            "rule_id": planned.rule_id,
            "rules_version": version,
            "pillar": task.pillar,
            "care": task.care.value,
            "start_level": task.start_level.value,
            "areas": areas,
            "considered": considered,
            "chosen": str(chosen.id) if chosen else None,
            "matched_level": level.value if level else None,
        },
        ranked=tuple(c.id for c in ranked),
    )


def _passed_over(c: Candidate, category: str) -> str | None:
    if not c.active:
        return "inactive"
    if c.on_leave:
        return "on_leave"
    if c.categories is not None and category not in c.categories:
        return "other_categories"
    if c.open_load >= c.capacity:
        return "at_capacity"
    return None


def _preference(c: Candidate) -> tuple[int, datetime, uuid.UUID]:
    """Least open load, then least recently assigned, then id: deterministic."""
    return (c.open_load, c.last_assigned_at or _NEVER, c.id)


def _entry(c: Candidate, area: str, reason: str | None) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "name": c.name,
        "region_code": area,
        "open_load": c.open_load,
        "capacity": c.capacity,
        "last_assigned_at": c.last_assigned_at.isoformat() if c.last_assigned_at else None,
        "reason": reason,
    }
