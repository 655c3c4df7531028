"""What the deadline scheduler does about one task, with the clock in the test's hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.deadline_actions import (
    DeadlineAction,
    Kind,
    TaskClocks,
    actions_due,
    lookahead,
    open_steps,
    standings,
    supervisors_region,
    worst_standing,
)
from shared.domain.deadlines import DEFAULT_FILE, Standing, Step, parse
from shared.domain.lifecycle import State
from shared.domain.urgency import Urgency

# Monday 30 November 2026 is made a holiday.
POLICY = parse(DEFAULT_FILE.read_text().replace("holidays = []", 'holidays = ["2026-11-30"]'))
NO_REROUTE = parse(
    DEFAULT_FILE.read_text().replace("reroute_unaccepted = true", "reroute_unaccepted = false")
)
JAKARTA = POLICY.calendar.timezone
H = timedelta(hours=1)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


T0 = local(2026, 11, 24, 9, 0)  # a Tuesday


def requested(urgency: Urgency = Urgency.HIGH, *, at: datetime = T0, **more: object) -> TaskClocks:
    clocks = TaskClocks(
        status=State.REQUESTED,
        assigned_at=at,
        accept_due_at=POLICY.due(urgency, Step.ACCEPT, at),
        resolve_due_at=POLICY.due(urgency, Step.RESOLVE, at),
    )
    return replace(clocks, **more)


def accepted(urgency: Urgency = Urgency.HIGH, *, at: datetime = T0, **more: object) -> TaskClocks:
    clocks = replace(
        requested(urgency),
        status=State.ACCEPTED,
        accepted_at=at,
        contact_due_at=POLICY.due(urgency, Step.FIRST_CONTACT, at),
    )
    return replace(clocks, **more)


def done(clocks: TaskClocks, actions: list[DeadlineAction]) -> TaskClocks:
    """The task after the scheduler applied `actions` (as the scan does)."""
    level = max([clocks.escalation_level, *(a.level for a in actions)])
    return replace(clocks, marks=clocks.marks | {a.mark for a in actions}, escalation_level=level)


def kinds(actions: list[DeadlineAction]) -> list[tuple[Kind, Step, int]]:
    return [(a.kind, a.step, a.level) for a in actions]


REMIND, ESCALATE, REROUTE = Kind.REMIND, Kind.ESCALATE, Kind.REROUTE
ACCEPT, CONTACT, RESOLVE = Step.ACCEPT, Step.FIRST_CONTACT, Step.RESOLVE

# A high-urgency task assigned on Tuesday 09:00: accept within 4 h, resolve within 5
# working days; once accepted at 09:00, first contact within 1 working day.
STARTED = replace(accepted(), status=State.IN_PROGRESS, started_at=T0)
TABLE = [
    ("a fresh task is on track", requested(), T0 + 2 * H, []),
    (
        "three quarters of the accept time: a reminder",
        requested(),
        T0 + 3 * H,
        [(REMIND, ACCEPT, 0)],
    ),
    (
        "a reminded task is not reminded again",
        requested(marks=frozenset({"accept:at_risk"})),
        T0 + 3.5 * H,
        [],
    ),
    (
        "accept breached: escalated to the kab/kota and re-routed",
        requested(marks=frozenset({"accept:at_risk"})),
        T0 + 4 * H,
        [(ESCALATE, ACCEPT, 1), (REROUTE, ACCEPT, 0)],
    ),
    (
        "a breach seen late needs no reminder first",
        requested(),
        T0 + 5 * H,
        [(ESCALATE, ACCEPT, 1), (REROUTE, ACCEPT, 0)],
    ),
    (
        "an offer nobody took is re-routed too (the task has no owner)",
        requested(Urgency.EMERGENCY),
        T0 + 1 * H,
        [(ESCALATE, ACCEPT, 1), (REROUTE, ACCEPT, 0)],
    ),
    (
        "accepted: the first contact clock runs",
        accepted(),
        local(2026, 11, 25, 3, 0),
        [(REMIND, CONTACT, 0)],
    ),
    ("started: only the resolve clock is left", STARTED, local(2026, 11, 26, 9, 0), []),
    (
        "on hold, the resolve clock still runs",
        replace(STARTED, status=State.ON_HOLD),
        local(2026, 12, 1, 10, 0),
        [(REMIND, RESOLVE, 0)],
    ),
    (
        "a closed task has no clock",
        replace(accepted(), status=State.COMPLETED),
        local(2027, 1, 1),
        [],
    ),
    (
        "a task waiting for routing has no clock",
        TaskClocks(status=State.ROUTING),
        local(2027, 1, 1),
        [],
    ),
]


@pytest.mark.parametrize(
    ("clocks", "now", "expected"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_actions_due(clocks: TaskClocks, now: datetime, expected: list[object]) -> None:
    assert kinds(actions_due(clocks, now=now, policy=POLICY)) == expected


def test_nothing_is_done_twice_at_the_same_moment() -> None:
    clocks = requested()
    for now in (T0 + 3 * H, T0 + 4 * H, T0 + 9 * H):
        actions = actions_due(clocks, now=now, policy=POLICY)
        clocks = done(clocks, actions)
        assert actions_due(clocks, now=now, policy=POLICY) == []


def test_without_re_routing_an_unaccepted_task_is_only_escalated() -> None:
    actions = actions_due(requested(), now=T0 + 4 * H, policy=NO_REROUTE)
    assert kinds(actions) == [(ESCALATE, ACCEPT, 1)]


def test_a_step_left_breached_climbs_to_the_province_a_step_length_later_and_stops() -> None:
    clocks = accepted()
    due = clocks.contact_due_at
    assert due == local(2026, 11, 25, 9, 0)  # one working day after Tuesday 09:00
    first = actions_due(clocks, now=due, policy=POLICY)
    assert kinds(first) == [(ESCALATE, CONTACT, 1)]
    assert first[0].first_breach and first[0].mark == "first_contact:escalated:1"
    clocks = done(clocks, first)
    assert actions_due(clocks, now=due + 23 * H, policy=POLICY) == []
    second = actions_due(clocks, now=due + 24 * H, policy=POLICY)
    assert kinds(second) == [(ESCALATE, CONTACT, 2)]
    assert not second[0].first_breach
    clocks = done(clocks, second)
    # Ten days on, the first contact has nothing left to climb; only resolve's own breach.
    assert kinds(actions_due(clocks, now=due + 240 * H, policy=POLICY)) == [(ESCALATE, RESOLVE, 2)]


def test_a_later_step_breached_after_an_escalation_goes_one_level_higher() -> None:
    clocks = accepted(escalation_level=1, marks=frozenset({"accept:escalated:1"}))
    assert clocks.contact_due_at is not None
    actions = actions_due(clocks, now=clocks.contact_due_at, policy=POLICY)
    assert kinds(actions) == [(ESCALATE, CONTACT, 2)]


def test_the_province_is_the_top_level_a_new_breach_still_reaches_it() -> None:
    clocks = replace(accepted(), escalation_level=2, status=State.IN_PROGRESS, started_at=T0)
    due = clocks.resolve_due_at
    assert due is not None
    actions = actions_due(clocks, now=due, policy=POLICY)
    assert kinds(actions) == [(ESCALATE, RESOLVE, 2)]
    later = done(clocks, actions)
    assert actions_due(later, now=due + 30 * 24 * H, policy=POLICY) == []


def test_after_an_outage_one_escalation_per_look() -> None:
    clocks = accepted()
    long_after = local(2026, 11, 27, 9, 0)  # two working days late
    first = actions_due(clocks, now=long_after, policy=POLICY)
    assert kinds(first) == [(ESCALATE, CONTACT, 1)]
    second = actions_due(done(clocks, first), now=long_after, policy=POLICY)
    assert kinds(second) == [(ESCALATE, CONTACT, 2)]


def test_working_days_skip_the_weekend_and_the_holiday() -> None:
    friday = local(2026, 11, 27, 10, 0)
    clocks = requested(Urgency.NORMAL, at=friday)
    # 2 working days from Friday: not Saturday, Sunday or the Monday holiday.
    assert clocks.accept_due_at == local(2026, 12, 2, 10, 0)
    assert actions_due(clocks, now=local(2026, 11, 30, 12, 0), policy=POLICY) == []
    # At risk after three quarters of the five calendar days: Tuesday 04:00.
    assert kinds(actions_due(clocks, now=local(2026, 12, 1, 4, 0), policy=POLICY)) == [
        (REMIND, ACCEPT, 0)
    ]
    assert actions_due(clocks, now=local(2026, 12, 2, 9, 59), policy=POLICY)[0].kind is REMIND
    assert kinds(actions_due(clocks, now=local(2026, 12, 2, 10, 0), policy=POLICY)) == [
        (ESCALATE, ACCEPT, 1),
        (REROUTE, ACCEPT, 0),
    ]


def test_a_task_arriving_on_a_saturday_counts_from_the_next_working_morning() -> None:
    saturday = local(2026, 11, 28, 15, 0)
    clocks = requested(Urgency.NORMAL, at=saturday)
    assert clocks.accept_due_at == local(2026, 12, 3, 8, 0)  # Tuesday 08:00 + 2 wd


def test_standings_for_read_views() -> None:
    clocks = accepted()
    now = local(2026, 11, 25, 9, 0)
    assert standings(clocks, now=now, policy=POLICY) == {
        CONTACT: Standing.BREACHED,
        RESOLVE: Standing.ON_TRACK,
    }
    assert worst_standing(clocks, now=now, policy=POLICY) is Standing.BREACHED
    assert worst_standing(TaskClocks(status=State.ROUTING), now=now, policy=POLICY) is None
    assert [s.step for s in open_steps(requested())] == [ACCEPT, RESOLVE]


def test_escalations_go_to_the_kab_kota_then_the_province() -> None:
    assert supervisors_region("35.07.01.2001", 1) == "35.07"
    assert supervisors_region("35.07.01.2001", 2) == "35"
    with pytest.raises(ValueError):
        supervisors_region("35.07.01.2001", 3)


@pytest.mark.parametrize("step", list(Step))
def test_the_lookahead_covers_every_step_that_can_be_at_risk(step: Step) -> None:
    """A candidate query by due time alone (due <= now + lookahead) misses no at-risk step,
    whatever the start: every hour of two weeks around a weekend and the holiday."""
    ahead = lookahead(POLICY, step)
    for hours in range(0, 14 * 24):
        start = local(2026, 11, 20, 0, 0) + hours * H
        for urgency in Urgency:
            due = POLICY.due(urgency, step, start)
            at_risk_from = start + (due - start) * POLICY.at_risk_fraction
            assert due - at_risk_from <= ahead, (urgency, start)


def test_times_in_utc_and_local_time_give_the_same_actions() -> None:
    clocks = requested()
    now = (T0 + 3 * H).astimezone(UTC)
    assert kinds(actions_due(clocks, now=now, policy=POLICY)) == [(REMIND, ACCEPT, 0)]
