"""The referral life cycle, every state x action x role."""

from __future__ import annotations

import itertools

import pytest

from shared.domain.lifecycle import (
    NEEDS_REASON,
    TERMINAL,
    Action,
    Outcome,
    Reason,
    Role,
    State,
    TransitionError,
    allowed_actions,
    case_status,
    transition,
)

R, SND, SUP, SYS = Role.RECEIVER, Role.SENDER, Role.SUPERVISOR, Role.SYSTEM
WORKING = (State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)
OPEN_TASK = (State.ROUTING, State.UNASSIGNED, State.REQUESTED, *WORKING)

# The whole table: (action, from) -> (to, who may). Anything absent is refused.
EXPECTED: dict[tuple[Action, State], tuple[State, set[Role]]] = {
    (Action.ACCEPT, State.REQUESTED): (State.ACCEPTED, {R}),
    (Action.REJECT, State.REQUESTED): (State.REJECTED, {R}),
    (Action.START, State.ACCEPTED): (State.IN_PROGRESS, {R}),
    (Action.HOLD, State.ACCEPTED): (State.ON_HOLD, {R}),
    (Action.HOLD, State.IN_PROGRESS): (State.ON_HOLD, {R}),
    (Action.RESUME, State.ON_HOLD): (State.IN_PROGRESS, {R}),
    **{(Action.COMPLETE, s): (State.COMPLETED, {R}) for s in WORKING},
    **{(Action.FAIL, s): (State.FAILED, {R}) for s in WORKING},
    **{(Action.CANCEL, s): (State.CANCELLED, {SND, SUP, SYS}) for s in OPEN_TASK},
    **{
        (Action.REASSIGN, s): (State.REQUESTED, {SUP})
        for s in (State.UNASSIGNED, State.REQUESTED, *WORKING)
    },
    **{
        (Action.MARK_IN_ERROR, s): (State.ENTERED_IN_ERROR, {SUP})
        for s in State
        if s is not State.ENTERED_IN_ERROR
    },
}


def good_arguments(action: Action) -> dict[str, object]:
    if action is Action.COMPLETE:
        return {"outcome": Outcome.SERVICE_GIVEN}
    if action in NEEDS_REASON:
        return {"reason": Reason.NOT_ELIGIBLE}
    return {}


@pytest.mark.parametrize(
    ("state", "action", "role"),
    list(itertools.product(State, Action, Role)),
    ids=lambda v: v.value,
)
def test_every_state_action_and_role(state: State, action: Action, role: Role) -> None:
    expected = EXPECTED.get((action, state))
    if expected is None:
        with pytest.raises(TransitionError) as refused:
            transition(state, action, role, **good_arguments(action))  # type: ignore[arg-type]
        assert refused.value.kind == "conflict"
        return
    after, roles = expected
    if role not in roles:
        with pytest.raises(TransitionError) as refused:
            transition(state, action, role, **good_arguments(action))  # type: ignore[arg-type]
        assert refused.value.kind == "forbidden"
        return
    step = transition(state, action, role, **good_arguments(action))  # type: ignore[arg-type]
    assert (step.before, step.after, step.role) == (state, after, role)


@pytest.mark.parametrize("action", sorted(NEEDS_REASON), ids=lambda a: a.value)
def test_a_reason_is_required_to_reject_cancel_hold_and_fail(action: Action) -> None:
    state, (_, roles) = next((s, v) for (a, s), v in EXPECTED.items() if a is action)
    with pytest.raises(TransitionError) as refused:
        transition(state, action, next(iter(roles)))
    assert (refused.value.kind, refused.value.field) == ("invalid", "reason")


def test_completion_needs_an_outcome_and_nothing_else_takes_one() -> None:
    with pytest.raises(TransitionError, match="outcome is required"):
        transition(State.IN_PROGRESS, Action.COMPLETE, R)
    with pytest.raises(TransitionError, match="only on completion"):
        transition(State.REQUESTED, Action.ACCEPT, R, outcome=Outcome.DIED)


def test_a_sender_cannot_complete_and_nobody_accepts_a_cancelled_task() -> None:
    with pytest.raises(TransitionError, match="only the receiver"):
        transition(State.IN_PROGRESS, Action.COMPLETE, SND, outcome=Outcome.SERVICE_GIVEN)
    with pytest.raises(TransitionError, match="cancelled cannot be accepted"):
        transition(State.CANCELLED, Action.ACCEPT, R)


def test_terminal_tasks_only_go_to_entered_in_error() -> None:
    for state in TERMINAL:
        expected = [] if state is State.ENTERED_IN_ERROR else [Action.MARK_IN_ERROR]
        assert allowed_actions(state, SUP) == expected
        assert allowed_actions(state, R) == []


def test_what_a_receiver_may_do_on_a_new_task() -> None:
    assert allowed_actions(State.REQUESTED, R) == [Action.ACCEPT, Action.REJECT]
    assert allowed_actions(State.ON_HOLD, R) == [Action.RESUME, Action.COMPLETE, Action.FAIL]


def test_a_case_is_open_until_every_task_has_ended() -> None:
    assert case_status([]) == "received"
    assert case_status([State.COMPLETED, State.ROUTING]) == "open"
    assert case_status([State.REJECTED, State.COMPLETED, State.FAILED]) == "closed"
