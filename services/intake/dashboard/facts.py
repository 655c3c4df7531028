"""The dashboard's numbers counted from the facts (cases and tasks), one function per
widget, each a few set-based queries through covering indexes. queries.py sends here what
the rollups do not hold (a category or urgency filter, a kecamatan or village, the state
now); bench/dashboard_scale.py checks the rollups against these.

Two kinds of numbers: the state now (open, unassigned, overdue tasks, dead notifications,
open tasks by area, coordinators' backlogs), which the period does not limit, and flows
within the period (cases received and closed, acceptance and resolution times,
deadline breaches, declines), counted by when they happened (WIB days).

Deadline breaches are read from the stored due times, the same condition the deadline
scheduler escalates on (shared.domain.deadline_actions): a step's due time passed before
the step happened. accept: acceptance, or the task's end unaccepted (declined, withdrawn);
first_contact: the start of work, or the task's end; resolve: the task's end. A step
still open is breached once its due time is past. So the count does not depend on when
the scheduler happened to run.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session, aliased

from services.intake.casework import clocks
from services.intake.dashboard import measures
from services.intake.dashboard import schemas as out
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import (
    OPEN_STATES,
    Filters,
    as_date,
    case_conditions,
    is_postgres,
    status_in,
    task_conditions,
    tune,
    wib_bucket,
    within,
)
from shared.domain.lifecycle import LOAD, Reason, State
from shared.domain.notice import NotificationState
from shared.models import Case, Coordinator, Notification, Referral, Region

BACKLOG_ROWS = 100
_LOAD_STATES = frozenset(s.value for s in LOAD)


def _overdue(now: datetime) -> Any:
    return clocks.next_due() <= now


def summary(session: Session, *, f: Filters) -> out.SummaryRead:
    tune(session)
    open_now = open_unassigned_overdue(session, f)
    return out.SummaryRead(
        open=open_now[0],
        unassigned=open_now[1],
        overdue=open_now[2],
        dead_notifications=dead_notifications(session, f),
        received=_received_cases(session, f),
        closed=_closed_cases(session, f),
        period_from=f.period.first,
        period_to=f.period.last,
    )


def open_unassigned_overdue(session: Session, f: Filters) -> tuple[int, int, int]:
    """Tasks open now, those unassigned, and those with a step overdue (the open-task
    partial index: about 1 % of the tasks)."""
    found = session.execute(
        select(
            func.count(),
            func.count().filter(Referral.status == State.UNASSIGNED.value),
            func.count().filter(_overdue(f.now)),
        ).where(status_in(OPEN_STATES), *task_conditions(f))
    ).one()
    return found[0], found[1], found[2]


def dead_notifications(session: Session, f: Filters) -> int:
    dead = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.state == NotificationState.DEAD)
    )
    if f.on_cases:
        dead = dead.join(Case, Case.id == Notification.case_id).where(*case_conditions(f))
    if f.pillar:
        dead = dead.join(Referral, Referral.id == Notification.referral_id).where(
            Referral.pillar_code == f.pillar
        )
    return session.scalar(dead) or 0


def _received_cases(session: Session, f: Filters) -> int:
    """Cases received in the period; with a pillar, those with a task of that pillar."""
    if not f.pillar:
        query = select(func.count()).where(within(Case.created_at, f.period), *case_conditions(f))
        return session.scalar(query) or 0
    query = select(func.count(Referral.case_id.distinct())).where(
        within(Referral.case_received_at, f.period), *task_conditions(f)
    )
    return session.scalar(query) or 0


def _closed_cases(session: Session, f: Filters) -> int:
    """Cases closed in the period: no task open, the last one ended in the period. Only
    the tasks ended since the period began are read, grouped by case."""
    conditions = task_conditions(f.without_pillar())
    still_open = aliased(Referral)
    having = [func.max(Referral.closed_at) < f.period.end]
    if f.pillar:
        # The case had a task of the pillar: among those read, or (a case received before
        # the period, whose early tasks were not read) among all of its tasks.
        other = aliased(Referral)
        having.append(
            or_(
                func.max(_flag(Referral.pillar_code == f.pillar)) == 1,
                and_(
                    func.min(Referral.case_received_at) < f.period.start,
                    exists(
                        select(literal(1)).where(
                            other.case_id == Referral.case_id, other.pillar_code == f.pillar
                        )
                    ),
                ),
            )
        )
    last_ended = (
        select(Referral.case_id)
        .where(Referral.closed_at >= f.period.start, *conditions)
        .group_by(Referral.case_id)
        .having(*having)
        .subquery()
    )
    query = (
        select(func.count())
        .where(
            ~exists(
                select(literal(1)).where(
                    still_open.case_id == last_ended.c.case_id,
                    status_in(OPEN_STATES, still_open.status),
                )
            )
        )
        .select_from(last_ended)
    )
    return session.scalar(query) or 0


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def open_tasks(session: Session, *, f: Filters) -> out.OpenTasksRead:
    tune(session)
    level = measures.group_level(f.scope)
    area = func.substr(Referral.case_village_code, 1, level.code_length).label("area")
    rows = session.execute(
        select(Referral.pillar_code, area, func.count(), func.count().filter(_overdue(f.now)))
        .where(status_in(OPEN_STATES), *task_conditions(f))
        .group_by(Referral.pillar_code, area)
    ).all()
    codes = {row[1] for row in rows}
    names = {
        code: name
        for code, name in session.execute(
            select(Region.code, Region.name).where(Region.code.in_(codes))
        )
    }
    return out.OpenTasksRead(
        group_level=level.value,
        rows=[
            out.OpenTaskRow(
                pillar=pillar,
                region_code=code,
                region_name=names.get(code, code),
                open=n,
                overdue=o,
            )
            for pillar, code, n, o in sorted(rows, key=lambda r: (r[1], r[0]))
        ],
    )


def resolution_times(session: Session, *, f: Filters, bucket: Bucket) -> out.ResolutionTimesRead:
    """Per bucket: time to accept (task created -> accepted, by acceptance day) and time
    to resolve (case received -> task completed, by completion day)."""
    tune(session)
    accept = _durations(session, f, bucket, Referral.accepted_at, Referral.created_at)
    resolve = _durations(
        session,
        f,
        bucket,
        Referral.closed_at,
        Referral.case_received_at,
        Referral.status == State.COMPLETED.value,
    )
    empty = (0, None, None)
    return out.ResolutionTimesRead(
        bucket=bucket.value,
        rows=[
            out.ResolutionRow(
                period_start=day,
                accepted=accept.get(day, empty)[0],
                accept_median_hours=measures.hours(accept.get(day, empty)[1]),
                accept_p90_hours=measures.hours(accept.get(day, empty)[2]),
                resolved=resolve.get(day, empty)[0],
                resolve_median_hours=measures.hours(resolve.get(day, empty)[1]),
                resolve_p90_hours=measures.hours(resolve.get(day, empty)[2]),
            )
            for day in measures.bucket_starts(f.period, bucket)
        ],
    )


Stats = tuple[int, float | None, float | None]


def _durations(
    session: Session, f: Filters, bucket: Bucket, end: Any, start: Any, *where: Any
) -> dict[date, Stats]:
    """(count, median seconds, p90 seconds) of end - start per bucket of `end`.

    PostgreSQL: percentile_cont in SQL, both percentiles from one sort, one aggregate per
    bucket over its own index range (UNION ALL): no sort of the whole period by bucket.
    SQLite: the durations are read and the percentiles computed in Python."""
    conditions = [*where, *task_conditions(f)]
    if is_postgres(session):
        seconds = func.date_part("epoch", end - start)
        both = func.percentile_cont(array([0.5, 0.9])).within_group(seconds)
        bounds = measures.bucket_bounds(f.period, bucket)
        parts = [
            select(literal(i), func.count(), both).where(end >= low, end < high, *conditions)
            for i, (_, low, high) in enumerate(bounds)
        ]
        rows = session.execute(union_all(*parts)).all()
        return {bounds[i][0]: (n, p[0] if n else None, p[1] if n else None) for i, n, p in rows}
    period_start = wib_bucket(session, end, bucket).label("period_start")
    found: dict[date, list[float]] = defaultdict(list)
    query = select(period_start, end, start).where(within(end, f.period), *conditions)
    for day, later, earlier in session.execute(query):
        found[as_date(day)].append((later - earlier).total_seconds())
    return {
        day: (len(v), measures.percentile(v, 0.5), measures.percentile(v, 0.9))
        for day, v in found.items()
    }


def breaches(session: Session, *, f: Filters, bucket: Bucket) -> out.BreachesRead:
    tune(session)
    r = Referral
    # The condition on `done` is the one of the partial indexes ix_referrals_dash_late_*.
    steps = {
        "accept": (r.accept_due_at, func.coalesce(r.accepted_at, r.closed_at)),
        "first_contact": (r.contact_due_at, func.coalesce(r.started_at, r.closed_at)),
        "resolve": (r.resolve_due_at, r.closed_at),
    }
    counts: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(steps, 0))
    for step, (due, done) in steps.items():
        period_start = wib_bucket(session, due, bucket).label("period_start")
        query = (
            select(period_start, r.pillar_code, func.count())
            .where(
                or_(done.is_(None), done > due),
                within(due, f.period),
                due < f.now,
                *task_conditions(f),
            )
            .group_by(period_start, r.pillar_code)
        )
        for day, pillar, n in session.execute(query):
            counts[(as_date(day), pillar)][step] += n
    return out.BreachesRead(
        bucket=bucket.value,
        rows=[
            out.BreachRow(period_start=day, pillar=pillar, breaches=sum(c.values()), **c)
            for (day, pillar), c in sorted(counts.items())
        ],
    )


def decline_reasons(session: Session, *, f: Filters) -> out.DeclineReasonsRead:
    """Tasks declined in the period by reason, with those withdrawn unanswered at their
    acceptance deadline counted as `no_response` (routing treats both as declines)."""
    tune(session)
    reason = func.coalesce(Referral.reason_code, Reason.OTHER.value).label("reason")
    declined = or_(
        Referral.status == State.REJECTED.value,
        (Referral.status == State.CANCELLED.value)
        & (Referral.reason_code == Reason.NO_RESPONSE.value),
    )
    query = (
        select(reason, func.count())
        .where(within(Referral.closed_at, f.period), declined, *task_conditions(f))
        .group_by(reason)
    )
    rows = session.execute(query).all()
    return out.DeclineReasonsRead(
        rows=[
            out.DeclineReasonRow(reason=code, count=n)
            for code, n in sorted(rows, key=lambda r: (-r[1], r[0]))
        ]
    )


def backlog(session: Session, *, f: Filters) -> out.BacklogRead:
    """The coordinators with the most open tasks (given to them, not yet ended) in scope."""
    tune(session)
    oldest = func.min(func.coalesce(Referral.assigned_at, Referral.created_at))
    n = func.count()
    late = func.count().filter(_overdue(f.now))
    query = (
        select(Referral.coordinator_id, n, late, oldest)
        .where(status_in(_LOAD_STATES), Referral.coordinator_id.is_not(None), *task_conditions(f))
        .group_by(Referral.coordinator_id)
        .order_by(n.desc(), late.desc(), oldest, Referral.coordinator_id)
        .limit(BACKLOG_ROWS)
    )
    rows = session.execute(query).all()
    people: dict[uuid.UUID, Coordinator] = {
        c.id: c
        for c in session.scalars(
            select(Coordinator).where(Coordinator.id.in_([row[0] for row in rows]))
        )
    }
    found = []
    for cid, count, overdue, since in rows:
        person = people.get(cid) if cid is not None else None
        if person is None:
            continue
        found.append(
            out.BacklogRow(
                coordinator_id=person.id,
                name=person.name,
                pillar=person.pillar_code,
                region_code=person.region_code,
                open=count,
                overdue=overdue,
                oldest_hours=measures.hours((f.now - since).total_seconds()) if since else None,
            )
        )
    return out.BacklogRead(rows=found)
