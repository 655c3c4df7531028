"""What the deadline scheduler must do about one referral task at a given moment.

Pure: the task's clocks, what was already done (its marks) and `now` go in; a list of
actions comes out. The scheduler applies them and writes their marks, so a second look
at the same moment finds nothing left to do.

Each open step has a clock: `accept` while the task is requested, `first_contact` while
it is accepted and not yet started, `resolve` until the task ends. A step is reminded
once when it is at risk, and escalated when it is breached: the first breach raises the
task one level (1: the kab/kota supervisors, 2: the province Sekber), and a step still
breached one full step length later raises it once more, never above 2. The escalation
ladder runs on the due time, not on when a scan happened to look, so a scheduler outage
does not postpone it. An unaccepted task is also withdrawn for re-routing when the
policy says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.deadlines import DeadlinePolicy, Duration, Standing, Step
from shared.domain.lifecycle import TERMINAL, State
from shared.domain.regions import Level, ancestors, level_of

MAX_LEVEL = 2
_SUPERVISING = {1: Level.REGENCY, 2: Level.PROVINCE}


class Kind(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"
    REROUTE = "reroute"


@dataclass(frozen=True, slots=True)
class TaskClocks:
    """What the scheduler needs to know of a task (the columns of a Referral row)."""

    status: State
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    started_at: datetime | None = None
    accept_due_at: datetime | None = None
    contact_due_at: datetime | None = None
    resolve_due_at: datetime | None = None
    marks: frozenset[str] = frozenset()
    escalation_level: int = 0


@dataclass(frozen=True, slots=True)
class OpenStep:
    step: Step
    start: datetime
    due: datetime


@dataclass(frozen=True, slots=True)
class DeadlineAction:
    kind: Kind
    step: Step
    due_at: datetime
    mark: str  # written to the task's deadline marks once the action is done
    level: int = 0  # the task's escalation level after an escalation
    first_breach: bool = False  # an escalation for the step's first breach


def at_risk_mark(step: Step) -> str:
    return f"{step.value}:at_risk"


def escalated_mark(step: Step, level: int) -> str:
    return f"{step.value}:escalated:{level}"


def rerouted_mark(step: Step) -> str:
    return f"{step.value}:rerouted"


def open_steps(clocks: TaskClocks) -> list[OpenStep]:
    """The steps whose clocks run now, in the order they fall due."""
    if clocks.status in TERMINAL:
        return []
    found = []
    if clocks.status is State.REQUESTED and clocks.assigned_at and clocks.accept_due_at:
        found.append(OpenStep(Step.ACCEPT, clocks.assigned_at, clocks.accept_due_at))
    if (
        clocks.status is State.ACCEPTED
        and clocks.started_at is None
        and clocks.accepted_at
        and clocks.contact_due_at
    ):
        found.append(OpenStep(Step.FIRST_CONTACT, clocks.accepted_at, clocks.contact_due_at))
    if clocks.assigned_at and clocks.resolve_due_at:
        found.append(OpenStep(Step.RESOLVE, clocks.assigned_at, clocks.resolve_due_at))
    return found


def standings(clocks: TaskClocks, *, now: datetime, policy: DeadlinePolicy) -> dict[Step, Standing]:
    """Each open step's standing, for read views."""
    return {s.step: policy.standing(start=s.start, due=s.due, now=now) for s in open_steps(clocks)}


def worst_standing(clocks: TaskClocks, *, now: datetime, policy: DeadlinePolicy) -> Standing | None:
    """The task's standing at a glance: its worst open step, or None with no clock running."""
    order = [Standing.ON_TRACK, Standing.AT_RISK, Standing.BREACHED]
    found = standings(clocks, now=now, policy=policy).values()
    return max(found, key=order.index) if found else None


def actions_due(
    clocks: TaskClocks, *, now: datetime, policy: DeadlinePolicy
) -> list[DeadlineAction]:
    """What to do about the task now that has not been done yet."""
    actions: list[DeadlineAction] = []
    level = clocks.escalation_level
    for step in open_steps(clocks):
        standing = policy.standing(start=step.start, due=step.due, now=now)
        if standing is Standing.AT_RISK and at_risk_mark(step.step) not in clocks.marks:
            actions.append(
                DeadlineAction(Kind.REMIND, step.step, step.due, at_risk_mark(step.step))
            )
        if standing is not Standing.BREACHED:
            continue
        escalation = _escalation(step, clocks.marks, level=level, now=now)
        if escalation is not None:
            actions.append(escalation)
            level = escalation.level
        if (
            step.step is Step.ACCEPT
            and policy.reroute_unaccepted
            and rerouted_mark(Step.ACCEPT) not in clocks.marks
        ):
            # The task is withdrawn: the other steps' clocks stop with it.
            actions.append(
                DeadlineAction(Kind.REROUTE, Step.ACCEPT, step.due, rerouted_mark(Step.ACCEPT))
            )
            return [a for a in actions if a.step is Step.ACCEPT]
    return actions


def _escalation(
    step: OpenStep, marks: frozenset[str], *, level: int, now: datetime
) -> DeadlineAction | None:
    rounds = sum(1 for m in marks if m.startswith(f"{step.step.value}:escalated:"))
    if rounds == 0:
        new = min(max(level, 0) + 1, MAX_LEVEL)
        mark = escalated_mark(step.step, new)
        return DeadlineAction(Kind.ESCALATE, step.step, step.due, mark, new, first_breach=True)
    span = step.due - step.start
    if rounds == 1 and level < MAX_LEVEL and span > timedelta(0) and now >= step.due + span:
        mark = escalated_mark(step.step, level + 1)
        return DeadlineAction(Kind.ESCALATE, step.step, step.due, mark, level + 1)
    return None


def supervisors_region(village_code: str, level: int) -> str:
    """The region whose supervisors an escalation to `level` goes to."""
    if level not in _SUPERVISING:
        raise ValueError(f"no escalation level {level}")
    wanted = _SUPERVISING[level]
    return next(code for code in ancestors(village_code) if level_of(code) is wanted)


def lookahead(policy: DeadlinePolicy, step: Step) -> timedelta:
    """How far ahead of now a due time of `step` may lie with the step already at risk.

    A step is at risk once its due time is within (1 - at_risk_fraction) of its length;
    for working days the length is bounded from above (weekends, the closed days a stretch
    can hold, and a start on a day off), so the scheduler can select candidates by due
    time alone.
    """
    closed = policy.calendar.closed_days_bound()
    longest = max(
        _longest(duration, closed) for (_, s), duration in policy.durations.items() if s is step
    )
    return longest * (1 - policy.at_risk_fraction)


def _longest(duration: Duration, holidays: int) -> timedelta:
    if not duration.working_days:
        return timedelta(hours=duration.amount)
    weekends = 2 * (math.ceil(duration.amount / 5) + 1)
    return timedelta(days=duration.amount + weekends + holidays + 1)
