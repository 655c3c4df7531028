"""What a draft rule set would change: both rule sets decided over the same cases and the
same directory, compared case by case. Pure: the caller brings the facts and a directory
whose loads do not move between decisions (nothing is assigned while replaying)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from shared.domain.routing import engine as routing_engine
from shared.domain.routing.engine import Directory
from shared.domain.routing.facts import CaseFacts
from shared.domain.routing.rules import RuleSet


@dataclass(frozen=True, slots=True)
class ReplayCase:
    label: str  # the tracking code, for people reading the report
    facts: CaseFacts


@dataclass(frozen=True, slots=True)
class Routed:
    """One task of a decision: the pillar and who would get it (None: supervisors' queue)."""

    pillar: str
    coordinator_id: uuid.UUID | None
    coordinator_name: str | None


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: tuple[Routed, ...]
    after: tuple[Routed, ...]

    @property
    def pillars_changed(self) -> bool:
        return {r.pillar for r in self.before} != {r.pillar for r in self.after}

    @property
    def coordinator_changed(self) -> bool:
        """A pillar asked under both rule sets goes to someone else (or to nobody)."""
        before = {r.pillar: r.coordinator_id for r in self.before}
        return any(r.pillar in before and before[r.pillar] != r.coordinator_id for r in self.after)


@dataclass(frozen=True, slots=True)
class ReplayReport:
    before_version: str
    after_version: str
    cases: int
    changed: int  # cases with any difference
    pillars_changed: int  # cases whose set of pillars differs
    coordinator_changed: int  # cases where a pillar kept by both goes to another coordinator
    unassigned_before: int  # tasks that would wait in the supervisors' queue
    unassigned_after: int
    examples: tuple[Change, ...]


def replay(
    *,
    cases: Sequence[ReplayCase],
    directory: Directory,
    before: RuleSet,
    after: RuleSet,
    examples: int = 5,
) -> ReplayReport:
    """Decide every case under `before` and `after`; count and show what differs.

    A case can count both as changing its pillars and as changing a coordinator. Examples
    are the first `examples` changed cases, in the order given.
    """
    changes: list[Change] = []
    unassigned = [0, 0]
    for case in cases:
        was = _routed(case.facts, before, directory)
        will = _routed(case.facts, after, directory)
        unassigned[0] += sum(1 for r in was if r.coordinator_id is None)
        unassigned[1] += sum(1 for r in will if r.coordinator_id is None)
        change = Change(case.label, was, will)
        if change.pillars_changed or change.coordinator_changed:
            changes.append(change)
    return ReplayReport(
        before_version=before.version,
        after_version=after.version,
        cases=len(cases),
        changed=len(changes),
        pillars_changed=sum(1 for c in changes if c.pillars_changed),
        coordinator_changed=sum(1 for c in changes if c.coordinator_changed),
        unassigned_before=unassigned[0],
        unassigned_after=unassigned[1],
        examples=tuple(changes[: max(examples, 0)]),
    )


def _routed(facts: CaseFacts, rules: RuleSet, directory: Directory) -> tuple[Routed, ...]:
    return tuple(
        Routed(d.pillar, d.coordinator_id, _chosen_name(d))
        for d in routing_engine.decide(case=facts, rules=rules, directory=directory)
    )


def _chosen_name(decision: routing_engine.Decision) -> str | None:
    chosen = decision.explanation.get("chosen")
    for entry in decision.explanation.get("considered", ()):
        if entry["id"] == chosen:
            return str(entry["name"])
    return None
