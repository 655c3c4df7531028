"""The deadline scan: remind, escalate and re-route the tasks whose deadlines came due.

Due times live in the referral rows; a periodic task calls scan_deadlines with the clock.
Candidates are found through the indexed due columns, a batch at a time; each task with
something to do is then handled in its own transaction, under a row lock, re-deciding
from the locked row, so a scan running twice (or two at once) does each thing once.

A scan with a time budget starts no new task once the budget is spent (it always handles
one, so that it gets somewhere): the task must end inside the broker's visibility
timeout. What it left is still due, so the next scan does it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from shared.casework.workflow import Change, act
from shared.db import UowFactory
from shared.domain import deadline_actions as watch
from shared.domain.actor import SYSTEM
from shared.domain.deadlines import DeadlinePolicy, Step
from shared.domain.lifecycle import Action, Reason, State
from shared.events import ReferralDeadlineApproaching, ReferralEscalated
from shared.models import Case, Referral
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event
from shared.runtime.budget import Budget

log = logging.getLogger(__name__)

# States in which a task has clocks running (routing and unassigned tasks have none yet).
_CLOCKED = (State.REQUESTED, State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)
_DUE_COLUMNS = {
    Step.ACCEPT: Referral.accept_due_at,
    Step.FIRST_CONTACT: Referral.contact_due_at,
    Step.RESOLVE: Referral.resolve_due_at,
}
_CLOCK_COLUMNS = (
    Referral.status,
    Referral.assigned_at,
    Referral.accepted_at,
    Referral.started_at,
    Referral.accept_due_at,
    Referral.contact_due_at,
    Referral.resolve_due_at,
    Referral.deadline_marks,
    Referral.escalation_level,
)


class ScanFailed(RuntimeError):
    """Some tasks could not be handled; the others were."""


@dataclass
class ScanReport:
    examined: int = 0  # candidates read
    reminded: int = 0
    escalated: int = 0
    rerouted: int = 0
    skipped: int = 0  # changed between reading and locking; the next scan looks again
    breached: dict[str, int] = field(default_factory=dict)  # first breaches, by step
    referrals: list[uuid.UUID] = field(default_factory=list)  # those acted on
    left: int = 0  # candidates not read when the budget ran out; the next scan reads them

    @property
    def acted(self) -> int:
        return len(self.referrals)


def scan_deadlines(
    *,
    uow_factory: UowFactory,
    policy: DeadlinePolicy,
    now: datetime,
    batch: int = 500,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ScanReport:
    report = ScanReport()
    failed: dict[uuid.UUID, Exception] = {}
    after: uuid.UUID | None = None
    budget, handled, stopped = Budget(budget_seconds, clock=clock), 0, False

    def spent() -> bool:
        return budget.spent(handled)

    while not (stopped := spent()):
        rows = _candidates(uow_factory, policy=policy, now=now, after=after, batch=batch)
        for referral_id, version, clocks in rows:
            if not watch.actions_due(clocks, now=now, policy=policy):
                report.examined += 1
                after = referral_id
                continue
            if stopped := spent():
                break
            report.examined += 1
            after = referral_id
            handled += 1
            try:
                _handle(uow_factory, referral_id, version, policy=policy, now=now, report=report)
            except DBAPIError:
                raise  # the database is unwell: the next scan tries again
            except Exception as exc:
                # One task that cannot be handled must not hold back all the others;
                # the scan still fails, below, naming it.
                failed[referral_id] = exc
        if stopped or len(rows) < batch:
            break
    if stopped:
        report.left = _count_candidates(uow_factory, policy=policy, now=now, after=after)
        log.warning(
            "deadline scan stopped after its budget of %.1fs with %d task(s) not yet read; "
            "the next scan continues",
            budget_seconds,
            report.left,
        )
    if report.acted or report.skipped:
        log.info(
            "deadline scan: %d reminded, %d escalated, %d re-routed, %d skipped of %d read",
            report.reminded,
            report.escalated,
            report.rerouted,
            report.skipped,
            report.examined,
        )
    if failed:
        first = next(iter(failed.values()))
        raise ScanFailed(
            f"{len(failed)} task(s) could not be handled: {sorted(map(str, failed))}"
        ) from first
    return report


def _candidates(
    uow_factory: UowFactory,
    *,
    policy: DeadlinePolicy,
    now: datetime,
    after: uuid.UUID | None,
    batch: int,
) -> list[tuple[uuid.UUID, int, watch.TaskClocks]]:
    query = (
        select(Referral.id, Referral.version, *_CLOCK_COLUMNS)
        .where(*_candidate_filter(policy, now, after))
        .order_by(Referral.id)
        .limit(batch)
    )
    with uow_factory() as uow:
        rows = uow.session.execute(query).all()
    return [(row[0], row[1], _clocks(*row[2:])) for row in rows]


def _count_candidates(
    uow_factory: UowFactory, *, policy: DeadlinePolicy, now: datetime, after: uuid.UUID | None
) -> int:
    query = select(func.count()).select_from(Referral).where(*_candidate_filter(policy, now, after))
    with uow_factory() as uow:
        return uow.session.scalar(query) or 0


def _candidate_filter(
    policy: DeadlinePolicy, now: datetime, after: uuid.UUID | None
) -> list[ColumnElement[bool]]:
    due_soon = or_(
        *(column <= now + watch.lookahead(policy, step) for step, column in _DUE_COLUMNS.items())
    )
    where = [Referral.status.in_([s.value for s in _CLOCKED]), due_soon]
    if after is not None:
        where.append(Referral.id > after)
    return where


def _clocks(
    status: str,
    assigned_at: datetime | None,
    accepted_at: datetime | None,
    started_at: datetime | None,
    accept_due_at: datetime | None,
    contact_due_at: datetime | None,
    resolve_due_at: datetime | None,
    marks: list[str] | None,
    escalation_level: int,
) -> watch.TaskClocks:
    return watch.TaskClocks(
        status=State(status),
        assigned_at=assigned_at,
        accepted_at=accepted_at,
        started_at=started_at,
        accept_due_at=accept_due_at,
        contact_due_at=contact_due_at,
        resolve_due_at=resolve_due_at,
        marks=frozenset(marks or ()),
        escalation_level=escalation_level,
    )


def clocks_of(referral: Referral) -> watch.TaskClocks:
    return _clocks(*(getattr(referral, column.key) for column in _CLOCK_COLUMNS))


def _handle(
    uow_factory: UowFactory,
    referral_id: uuid.UUID,
    version: int,
    *,
    policy: DeadlinePolicy,
    now: datetime,
    report: ScanReport,
) -> None:
    with uow_factory() as uow:
        session = uow.session
        referral = session.scalar(
            select(Referral).where(Referral.id == referral_id).with_for_update()
        )
        if referral is None or referral.version != version:
            report.skipped += 1
            return
        # Decide again from the locked row: another scan may have acted meanwhile.
        actions = watch.actions_due(clocks_of(referral), now=now, policy=policy)
        if not actions:
            return
        case = session.get_one(Case, referral.case_id)
        for action in actions:
            _apply(session, referral, case, action, policy=policy, now=now)
        uow.commit()
    report.referrals.append(referral_id)
    for action in actions:
        if action.kind is watch.Kind.REMIND:
            report.reminded += 1
        elif action.kind is watch.Kind.ESCALATE:
            report.escalated += 1
            if action.first_breach:
                step = action.step.value
                report.breached[step] = report.breached.get(step, 0) + 1
        else:
            report.rerouted += 1


def _apply(
    session: Session,
    referral: Referral,
    case: Case,
    action: watch.DeadlineAction,
    *,
    policy: DeadlinePolicy,
    now: datetime,
) -> None:
    # A new list, so that the JSON column is seen as changed.
    referral.deadline_marks = [*referral.deadline_marks, action.mark]
    base = {"referral_id": str(referral.id), "pillar": referral.pillar_code}
    step = action.step.value
    if action.kind is watch.Kind.REMIND:
        _timeline(session, case, "deadline_at_risk", now, base, step, action.due_at)
        add_event(
            session,
            ReferralDeadlineApproaching(
                case_id=case.id, referral_id=referral.id, step=step, due_at=action.due_at
            ),
            correlation_id=case.correlation_id,
        )
    elif action.kind is watch.Kind.ESCALATE:
        # Before a re-route: the replacement task inherits the level.
        referral.escalation_level = action.level
        region = watch.supervisors_region(case.village_code, action.level)
        kind = "deadline_breached" if action.first_breach else "referral_escalated"
        data = {**base, "level": action.level, "region_code": region}
        _timeline(session, case, kind, now, data, step, action.due_at)
        add_event(
            session,
            ReferralEscalated(
                case_id=case.id,
                referral_id=referral.id,
                step=step,
                level=action.level,
                region_code=region,
            ),
            correlation_id=case.correlation_id,
        )
    else:
        act(
            session,
            referral_id=referral.id,
            expected_version=referral.version,
            change=Change(
                Action.CANCEL,
                reason=Reason.NO_RESPONSE,
                note="not accepted before the deadline; sent to the next candidate",
            ),
            actor=SYSTEM,
            now=now,
            policy=policy,
        )


def _timeline(
    session: Session,
    case: Case,
    kind: str,
    now: datetime,
    data: Mapping[str, object],
    step: str,
    due_at: datetime,
) -> None:
    add_case_event(
        session,
        case_id=case.id,
        kind=kind,
        actor=SYSTEM.name,
        occurred_at=now,
        data={**data, "step": step, "due_at": due_at.isoformat()},
    )
