"""The referral task life cycle, after the HL7 FHIR referral Task (SDOH Clinical Care).

requested -> accepted | rejected | cancelled; accepted -> in-progress | on-hold | completed
| failed | cancelled; in-progress <-> on-hold; any -> entered-in-error. Sekber adds
`unassigned` (a task nobody could take, waiting in the supervisors' queue) and `routing`
(a task referred onward, waiting for routing to pick its coordinator).

The receiving pillar accepts, rejects, starts, holds, resumes, fails and completes; the
sender (the case worker who reported the case) or a supervisor cancels; a supervisor
reassigns; the system (routing, the deadline scheduler) assigns and withdraws.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    ROUTING = "routing"
    UNASSIGNED = "unassigned"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    ENTERED_IN_ERROR = "entered-in-error"


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    COMPLETE = "complete"
    FAIL = "fail"
    CANCEL = "cancel"
    REASSIGN = "reassign"
    MARK_IN_ERROR = "mark-in-error"


class Role(StrEnum):
    RECEIVER = "receiver"  # the coordinator (or unit) the task is assigned or offered to
    SENDER = "sender"  # the case worker who reported the case
    SUPERVISOR = "supervisor"
    SYSTEM = "system"  # routing and the deadline scheduler


class Reason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    NO_CAPACITY = "no_capacity"
    COULD_NOT_CONTACT = "could_not_contact"
    OUT_OF_AREA = "out_of_area"
    DUPLICATE = "duplicate"
    NO_RESPONSE = "no_response"  # the deadline passed without an answer
    WAITING_FOR_DOCUMENTS = "waiting_for_documents"
    PERSON_UNAVAILABLE = "person_unavailable"
    OTHER = "other"


class Outcome(StrEnum):
    SERVICE_GIVEN = "service_given"
    ENROLLED_IN_PROGRAMME = "enrolled_in_programme"
    REFERRED_OUTSIDE = "referred_outside"
    PERSON_DECLINED = "person_declined"
    DIED = "died"
    MOVED = "moved"


TERMINAL = frozenset(
    {State.REJECTED, State.CANCELLED, State.COMPLETED, State.FAILED, State.ENTERED_IN_ERROR}
)
OPEN = frozenset(State) - TERMINAL
# States in which the task counts against its coordinator's capacity.
LOAD = frozenset({State.REQUESTED, State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD})
NEEDS_REASON = frozenset({Action.REJECT, Action.CANCEL, Action.HOLD, Action.FAIL})

_WORKING = (State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)
_CANCELLERS = frozenset({Role.SENDER, Role.SUPERVISOR, Role.SYSTEM})

# (action, from state) -> (to state, roles allowed)
TRANSITIONS: dict[tuple[Action, State], tuple[State, frozenset[Role]]] = {
    (Action.ACCEPT, State.REQUESTED): (State.ACCEPTED, frozenset({Role.RECEIVER})),
    (Action.REJECT, State.REQUESTED): (State.REJECTED, frozenset({Role.RECEIVER})),
    (Action.START, State.ACCEPTED): (State.IN_PROGRESS, frozenset({Role.RECEIVER})),
    (Action.HOLD, State.ACCEPTED): (State.ON_HOLD, frozenset({Role.RECEIVER})),
    (Action.HOLD, State.IN_PROGRESS): (State.ON_HOLD, frozenset({Role.RECEIVER})),
    (Action.RESUME, State.ON_HOLD): (State.IN_PROGRESS, frozenset({Role.RECEIVER})),
    **{(Action.COMPLETE, s): (State.COMPLETED, frozenset({Role.RECEIVER})) for s in _WORKING},
    **{(Action.FAIL, s): (State.FAILED, frozenset({Role.RECEIVER})) for s in _WORKING},
    **{
        (Action.CANCEL, s): (State.CANCELLED, _CANCELLERS)
        for s in (State.ROUTING, State.UNASSIGNED, State.REQUESTED, *_WORKING)
    },
    **{
        (Action.REASSIGN, s): (State.REQUESTED, frozenset({Role.SUPERVISOR}))
        for s in (State.UNASSIGNED, State.REQUESTED, *_WORKING)
    },
    **{
        (Action.MARK_IN_ERROR, s): (State.ENTERED_IN_ERROR, frozenset({Role.SUPERVISOR}))
        for s in State
        if s is not State.ENTERED_IN_ERROR
    },
}


class TransitionError(ValueError):
    """Why an action cannot happen. `kind` maps to an HTTP status at the edge."""

    def __init__(self, kind: str, field: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # forbidden | conflict | invalid
        self.field = field


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    before: State
    after: State
    role: Role
    reason: Reason | None
    outcome: Outcome | None


def transition(
    state: State,
    action: Action,
    role: Role,
    *,
    reason: Reason | None = None,
    outcome: Outcome | None = None,
) -> Transition:
    """Check one action against the life cycle; return what it does or raise why not."""
    rule = TRANSITIONS.get((action, state))
    if rule is None:
        raise TransitionError(
            "conflict", "action", f"a task that is {state.value} cannot be {_past(action)}"
        )
    after, roles = rule
    if role not in roles:
        who = " or ".join(sorted(r.value for r in roles))
        raise TransitionError("forbidden", "role", f"only the {who} may {action.value} this task")
    if action in NEEDS_REASON and reason is None:
        raise TransitionError("invalid", "reason", f"a reason is required to {action.value}")
    if action is Action.COMPLETE and outcome is None:
        raise TransitionError("invalid", "outcome", "an outcome is required to complete")
    if action is not Action.COMPLETE and outcome is not None:
        raise TransitionError("invalid", "outcome", "an outcome is given only on completion")
    return Transition(action, state, after, role, reason, outcome)


def allowed_actions(state: State, role: Role) -> list[Action]:
    """What `role` may do now: what a page shows as buttons."""
    return [a for a in Action if (a, state) in TRANSITIONS and role in TRANSITIONS[(a, state)][1]]


def _past(action: Action) -> str:
    return {
        Action.ACCEPT: "accepted",
        Action.REJECT: "rejected",
        Action.START: "started",
        Action.HOLD: "put on hold",
        Action.RESUME: "resumed",
        Action.COMPLETE: "completed",
        Action.FAIL: "marked failed",
        Action.CANCEL: "cancelled",
        Action.REASSIGN: "reassigned",
        Action.MARK_IN_ERROR: "marked entered-in-error",
    }[action]


class CaseStatus(StrEnum):
    RECEIVED = "received"  # no task yet: routing has not decided
    OPEN = "open"  # a task is not finished
    CLOSED = "closed"  # every task is


def case_status(task_states: list[State]) -> CaseStatus:
    """A case is open until every task is terminal, then closed."""
    if not task_states:
        return CaseStatus.RECEIVED
    return CaseStatus.CLOSED if all(s in TERMINAL for s in task_states) else CaseStatus.OPEN
