"""The deadline scheduler (Celery beat) has the routing worker scan deadlines, and a task
left unaccepted past its deadline goes to the next coordinator, through the real processes.

Deadlines are hours or days long, so the test moves a task's clock back in the database
instead of waiting.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from shared.db import UowFactory
from shared.models import CaseEvent, Referral
from shared.models.base import utcnow
from tests.e2e.stack import Stack, wait_until
from tests.e2e.test_referral_flow import east_java_villages, referral


def test_the_routing_worker_runs_the_scans_the_scheduler_sends(stack: Stack) -> None:
    assert stack.supervisor.alive("scheduler")
    assert stack.supervisor.wait_for_output(
        "routing", "Task sekber.routing.scan_deadlines[", timeout=30
    ), stack.supervisor.output("routing")[-20:]


def test_a_task_nobody_accepted_in_time_is_escalated_and_routed_again(
    stack: Stack, uow_factory: UowFactory
) -> None:
    [village] = east_java_villages(uow_factory, 1)
    case_id = uuid.UUID(stack.post_referral(referral("LUT", village))["case_id"])
    first = wait_until(
        lambda: _tasks(uow_factory, case_id, status="requested"), timeout=60, what="assignment"
    )[0]

    now = utcnow()
    with uow_factory() as uow:
        uow.session.execute(
            update(Referral)
            .where(Referral.id == first.id)
            .values(assigned_at=now - timedelta(hours=5), accept_due_at=now - timedelta(hours=1))
        )
        uow.commit()

    replacement = wait_until(
        lambda: [t for t in _tasks(uow_factory, case_id) if t.replaces_id == first.id],
        timeout=60,
        what="the scheduler to withdraw the task and routing to route it again",
    )[0]
    wait_until(
        lambda: (
            _tasks(uow_factory, case_id, status="requested", replaces_id=first.id)
            or _tasks(uow_factory, case_id, status="unassigned", replaces_id=first.id)
        ),
        timeout=30,
        what="the replacement to be routed",
    )
    lapsed = _tasks(uow_factory, case_id, status="cancelled")[0]
    assert (lapsed.id, lapsed.reason_code, lapsed.escalation_level) == (
        first.id,
        "no_response",
        1,
    )
    routed_again = _tasks(uow_factory, case_id, replaces_id=first.id)[0]
    assert routed_again.id == replacement.id
    assert routed_again.coordinator_id != first.coordinator_id
    with uow_factory() as uow:
        kinds = list(
            uow.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id))
        )
    assert "deadline_breached" in kinds and "referral_cancel" in kinds


def _tasks(uow_factory: UowFactory, case_id: uuid.UUID, **where: object) -> list[Referral]:
    with uow_factory() as uow:
        query = select(Referral).where(Referral.case_id == case_id).order_by(Referral.created_at)
        query = query.filter_by(**where)
        return list(uow.session.scalars(query))
