"""The deadline scan against a real database, with the clock in the test's hand.

Each test routes its case at its own moment, a year apart and in the future, so that a
scan of one test (or the real clock of the end-to-end scheduler) leaves the tasks of the
others alone. Coordinators live outside East Java (Kalimantan, Sulawesi) so that the demo
directory loaded by other tests cannot interfere.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from services.intake.referrals.schemas import BeneficiaryIn, ReferralCreate, ReporterIn
from services.intake.referrals.service import submit_referral
from services.routing import handlers
from shared.casework import deadline_scan
from shared.casework.deadline_scan import scan_deadlines
from shared.casework.workflow import Change, act
from shared.db import UowFactory
from shared.domain import deadline_actions as watch
from shared.domain import deadlines
from shared.domain.actor import Actor
from shared.domain.lifecycle import Action, Outcome
from shared.domain.urgency import Urgency
from shared.events import Envelope
from shared.models import CaseEvent, OutboxEvent, Referral, Region
from shared.routing.directory import SnapshotCache
from tests.integration.factories import add_coordinator
from tests.integration.notify import scenes
from tests.support import made_up_regions

POLICY = deadlines.load()
H = timedelta(hours=1)
# Tuesday 3 March 2037, 09:00 in Jakarta; later moments keep the weekday (52 weeks apart).
BASE = datetime(2037, 3, 3, 2, 0, tzinfo=UTC)


def moment(n: int) -> datetime:
    return BASE + timedelta(weeks=52 * n)


def submit(
    uow_factory: UowFactory, *, village: str, category: str = "LUT", urgency: Urgency = Urgency.HIGH
) -> uuid.UUID:
    data = ReferralCreate(
        category=category,
        village_code=village,
        urgency=urgency,
        description="Perlu asesmen",
        beneficiary=BeneficiaryIn(name="Siti Aminah"),
        reporter=ReporterIn(name="Petugas Puskesos"),
    )
    submitted = submit_referral(
        uow_factory=uow_factory,
        data=data,
        idempotency_key=None,
        correlation_id=uuid.uuid4().hex,
        today=date.today(),
    )
    return submitted.case.id


def envelopes(uow_factory: UowFactory, case_id: uuid.UUID, event_type: str) -> list[Envelope]:
    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.case_id == case_id, OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(row.envelope) for row in rows]


def deliver(uow_factory: UowFactory, envelope: Envelope, *, now: datetime) -> None:
    """The routing worker's handling of one event, at `now`."""
    routing = handlers.Routing(directory=SnapshotCache(check_every=0), now=lambda: now)
    handlers.handle(uow_factory=uow_factory, envelope=envelope, routing=routing)


def village_in(uow_factory: UowFactory, district: str) -> str:
    with uow_factory() as uow:
        return (
            uow.session.scalars(
                select(Region.code).where(Region.parent_code == district).order_by(Region.code)
            ).first()
            or ""
        )


def routed(uow_factory: UowFactory, *, district: str, at: datetime, **kw: object) -> Referral:
    """A case from a village of `district`, routed at `at`: its one task."""
    case_id = submit(uow_factory, village=village_in(uow_factory, district), **kw)
    [received] = envelopes(uow_factory, case_id, "CaseReceived")
    deliver(uow_factory, received, now=at)
    [referral] = tasks_of(uow_factory, case_id)
    return referral


def tasks_of(uow_factory: UowFactory, case_id: uuid.UUID) -> list[Referral]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Referral).where(Referral.case_id == case_id).order_by(Referral.created_at)
            )
        )


def reload(uow_factory: UowFactory, referral_id: uuid.UUID) -> Referral:
    with uow_factory() as uow:
        return uow.session.get_one(Referral, referral_id)


def timeline(uow_factory: UowFactory, case_id: uuid.UUID) -> list[CaseEvent]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        )


def scan(
    uow_factory: UowFactory,
    now: datetime,
    *,
    batch: int = 500,
    budget_seconds: float | None = None,
) -> deadline_scan.ScanReport:
    return scan_deadlines(
        uow_factory=uow_factory, policy=POLICY, now=now, batch=batch, budget_seconds=budget_seconds
    )


def coordinator_does(
    uow_factory: UowFactory, referral_id: uuid.UUID, change: Change, *, at: datetime
) -> None:
    with uow_factory() as uow:
        referral = uow.session.get_one(Referral, referral_id)
        assert referral.coordinator_id is not None
        actor = Actor("coordinator", str(referral.coordinator_id), "TKSK")
        act(
            uow.session,
            referral_id=referral_id,
            expected_version=referral.version,
            change=change,
            actor=actor,
            now=at,
            policy=POLICY,
        )
        uow.commit()


def test_a_task_at_risk_is_reminded_once(uow_factory: UowFactory) -> None:
    t0 = moment(0)
    add_coordinator(uow_factory, pillar="TKSK", region="64.01.01")
    task = routed(uow_factory, district="64.01.01", at=t0)
    assert task.accept_due_at == t0 + 4 * H

    assert task.id not in scan(uow_factory, t0 + 2 * H).referrals
    assert task.id in scan(uow_factory, t0 + 3 * H).referrals
    assert task.id not in scan(uow_factory, t0 + 3 * H).referrals

    assert reload(uow_factory, task.id).deadline_marks == ["accept:at_risk"]
    [reminder] = envelopes(uow_factory, task.case_id, "ReferralDeadlineApproaching")
    assert reminder.payload["step"] == "accept"
    assert datetime.fromisoformat(reminder.payload["due_at"]) == t0 + 4 * H
    [entry] = [e for e in timeline(uow_factory, task.case_id) if e.kind == "deadline_at_risk"]
    assert (entry.data["step"], entry.actor, entry.occurred_at) == ("accept", "Sekber", t0 + 3 * H)


def test_an_unaccepted_task_goes_to_the_next_coordinator_and_up_the_ladder(
    uow_factory: UowFactory,
) -> None:
    t0 = moment(1)
    first = add_coordinator(uow_factory, pillar="TKSK", region="64.01.02")
    second = add_coordinator(uow_factory, pillar="TKSK", region="64.01.02")
    task = routed(uow_factory, district="64.01.02", at=t0)
    assert task.coordinator_id in (first, second)

    report = scan(uow_factory, t0 + 4 * H)
    assert task.id in report.referrals
    lapsed = reload(uow_factory, task.id)
    assert (lapsed.status, lapsed.reason_code, lapsed.escalation_level) == (
        "cancelled",
        "no_response",
        1,
    )
    assert lapsed.deadline_marks == ["accept:escalated:1", "accept:rerouted"]
    [escalated] = envelopes(uow_factory, task.case_id, "ReferralEscalated")
    assert escalated.payload | {"case_id": None} == {
        "case_id": None,
        "referral_id": str(task.id),
        "step": "accept",
        "level": 1,
        "region_code": "64.01",
    }
    kinds = [e.kind for e in timeline(uow_factory, task.case_id)]
    assert kinds[-2:] == ["deadline_breached", "referral_cancel"]
    assert task.id not in scan(uow_factory, t0 + 4 * H).referrals  # nothing twice

    [requested] = envelopes(uow_factory, task.case_id, "ReferralRouteRequested")
    deliver(uow_factory, requested, now=t0 + 4 * H)
    _, replacement = tasks_of(uow_factory, task.case_id)
    assert replacement.replaces_id == task.id
    assert replacement.status == "requested"
    assert replacement.coordinator_id == ({first, second} - {task.coordinator_id}).pop()
    assert replacement.escalation_level == 1
    assert replacement.accept_due_at == t0 + 8 * H

    # The next coordinator does not answer either: now the province hears of it.
    scan(uow_factory, t0 + 8 * H)
    levels = [e.payload for e in envelopes(uow_factory, task.case_id, "ReferralEscalated")]
    assert [(p["level"], p["region_code"]) for p in levels] == [(1, "64.01"), (2, "64")]
    assert reload(uow_factory, replacement.id).status == "cancelled"


def test_an_accepted_task_must_make_first_contact_in_time(uow_factory: UowFactory) -> None:
    t0 = moment(2)
    add_coordinator(uow_factory, pillar="TKSK", region="65.01.01")
    task = routed(uow_factory, district="65.01.01", at=t0)
    coordinator_does(uow_factory, task.id, Change(Action.ACCEPT), at=t0 + H)
    accepted = reload(uow_factory, task.id)
    due = t0 + 25 * H  # one working day after Tuesday 10:00
    assert accepted.contact_due_at == due

    scan(uow_factory, t0 + 4 * H)  # the accept deadline no longer counts
    assert reload(uow_factory, task.id).deadline_marks == []
    scan(uow_factory, t0 + H + 18 * H)
    scan(uow_factory, due)
    scan(uow_factory, due + 23 * H)
    assert reload(uow_factory, task.id).escalation_level == 1
    scan(uow_factory, due + 24 * H)

    after = reload(uow_factory, task.id)
    assert (after.status, after.escalation_level) == ("accepted", 2)
    assert after.deadline_marks == [
        "first_contact:at_risk",
        "first_contact:escalated:1",
        "first_contact:escalated:2",
    ]
    entries = [
        (e.kind, e.data.get("level"), e.data.get("region_code"))
        for e in timeline(uow_factory, task.case_id)
        if e.kind.startswith(("deadline", "referral_escalated"))
    ]
    assert entries == [
        ("deadline_at_risk", None, None),
        ("deadline_breached", 1, "65.01"),
        ("referral_escalated", 2, "65"),
    ]


def test_work_in_progress_must_be_resolved_in_time(uow_factory: UowFactory) -> None:
    t0 = moment(3)
    add_coordinator(uow_factory, pillar="TKSK", region="71.02.01")
    task = routed(uow_factory, district="71.02.01", at=t0)
    coordinator_does(uow_factory, task.id, Change(Action.ACCEPT), at=t0 + H)
    coordinator_does(uow_factory, task.id, Change(Action.START), at=t0 + 2 * H)
    due = t0 + timedelta(days=7)  # five working days: the Tuesday after
    assert reload(uow_factory, task.id).resolve_due_at == due

    scan(uow_factory, due - 40 * H)  # three quarters of the seven days have passed
    scan(uow_factory, due)
    after = reload(uow_factory, task.id)
    assert after.deadline_marks == ["resolve:at_risk", "resolve:escalated:1"]
    [escalated] = envelopes(uow_factory, task.case_id, "ReferralEscalated")
    assert (escalated.payload["step"], escalated.payload["region_code"]) == ("resolve", "71.02")


def test_a_completed_task_is_left_alone(uow_factory: UowFactory) -> None:
    t0 = moment(4)
    add_coordinator(uow_factory, pillar="TKSK", region="71.02.02")
    task = routed(uow_factory, district="71.02.02", at=t0)
    coordinator_does(uow_factory, task.id, Change(Action.ACCEPT), at=t0 + H)
    done = Change(Action.COMPLETE, outcome=Outcome.SERVICE_GIVEN)
    coordinator_does(uow_factory, task.id, done, at=t0 + 2 * H)
    scan(uow_factory, t0 + timedelta(days=30))
    assert reload(uow_factory, task.id).deadline_marks == []
    assert envelopes(uow_factory, task.case_id, "ReferralEscalated") == []


def test_an_emergency_offer_nobody_took_goes_to_someone_else(uow_factory: UowFactory) -> None:
    t0 = moment(5)
    team = {add_coordinator(uow_factory, pillar="TKSK", region="72.01.01") for _ in range(4)}
    task = routed(
        uow_factory, district="72.01.01", at=t0, category="GEL", urgency=Urgency.EMERGENCY
    )
    [offered] = envelopes(uow_factory, task.case_id, "ReferralOffered")
    offerees = {uuid.UUID(c) for c in offered.payload["coordinator_ids"]}
    assert len(offerees) == 3 and task.coordinator_id is None

    scan(uow_factory, t0 + H)
    [requested] = envelopes(uow_factory, task.case_id, "ReferralRouteRequested")
    deliver(uow_factory, requested, now=t0 + H)
    _, replacement = tasks_of(uow_factory, task.case_id)
    assert replacement.coordinator_id == (team - offerees).pop()


def test_a_task_that_changed_since_it_was_read_is_skipped(uow_factory: UowFactory) -> None:
    t0 = moment(6)
    add_coordinator(uow_factory, pillar="TKSK", region="72.01.02")
    task = routed(uow_factory, district="72.01.02", at=t0)
    report = deadline_scan.ScanReport()
    deadline_scan._handle(
        uow_factory, task.id, task.version - 1, policy=POLICY, now=t0 + 5 * H, report=report
    )
    assert report.skipped == 1
    assert reload(uow_factory, task.id).status == "requested"


def test_small_batches_still_reach_every_task(uow_factory: UowFactory) -> None:
    t0 = moment(7)
    add_coordinator(uow_factory, pillar="TKSK", region="72.01.03")
    tasks = [routed(uow_factory, district="72.01.03", at=t0) for _ in range(3)]
    report = scan(uow_factory, t0 + 3 * H, batch=1)
    assert {t.id for t in tasks} <= set(report.referrals)


def test_scans_running_at_once_remind_once(uow_factory: UowFactory) -> None:
    t0 = moment(8)
    add_coordinator(uow_factory, pillar="TKSK", region="72.01.04")
    task = routed(uow_factory, district="72.01.04", at=t0)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            scan(uow_factory, t0 + 3 * H)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(envelopes(uow_factory, task.case_id, "ReferralDeadlineApproaching")) == 1


def test_a_task_that_cannot_be_handled_holds_back_no_other(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    t0 = moment(9)
    add_coordinator(uow_factory, pillar="TKSK", region="72.01.05")
    add_coordinator(uow_factory, pillar="TKSK", region="72.01.06")
    broken = routed(uow_factory, district="72.01.05", at=t0)
    fine = routed(uow_factory, district="72.01.06", at=t0)
    real = watch.supervisors_region

    def region(village: str, level: int) -> str:
        if village.startswith("72.01.05."):
            raise ValueError("a bug")
        return real(village, level)

    monkeypatch.setattr(watch, "supervisors_region", region)
    with pytest.raises(deadline_scan.ScanFailed, match=str(broken.id)):
        scan(uow_factory, t0 + 4 * H)
    assert reload(uow_factory, broken.id).status == "requested"  # rolled back, tried again
    assert reload(uow_factory, fine.id).status == "cancelled"


def test_a_scan_out_of_time_leaves_the_rest_to_the_next_scan(uow_factory: UowFactory) -> None:
    # Province 41 (made up) and a moment in 2001: the only tasks due then are these, and
    # they are closed at the end, so that no later scan (nor the end-to-end scheduler's
    # real clock) finds them.
    t0 = datetime(2001, 3, 6, 2, 0, tzinfo=UTC)
    village = made_up_regions.village_in(uow_factory, "41")
    coordinator = add_coordinator(uow_factory, pillar="TKSK", region=village[:8])
    ids = []
    for _ in range(3):
        scene = scenes.open_case(uow_factory, village=village, assigned_to=coordinator)
        with uow_factory() as uow:
            task = uow.session.get_one(Referral, scene.referral_id)
            task.assigned_at, task.accept_due_at = t0, t0 + 4 * H
            uow.commit()
        ids.append(scene.referral_id)
    try:
        # A spent budget still handles one task, so that every scan gets somewhere.
        first = scan(uow_factory, t0 + 3 * H, budget_seconds=0)
        assert (first.acted, first.reminded, first.left) == (1, 1, 2)
        second = scan(uow_factory, t0 + 3 * H, budget_seconds=0)
        assert (second.acted, second.left) == (1, 1)
        assert set(first.referrals).isdisjoint(second.referrals)
        last = scan(uow_factory, t0 + 3 * H, budget_seconds=60)
        assert (last.acted, last.left) == (1, 0)
        assert scan(uow_factory, t0 + 3 * H, budget_seconds=0).acted == 0

        assert {*first.referrals, *second.referrals, *last.referrals} == set(ids)
        for referral_id in ids:
            assert reload(uow_factory, referral_id).deadline_marks == ["accept:at_risk"]
    finally:
        with uow_factory() as uow:
            uow.session.execute(
                update(Referral).where(Referral.id.in_(ids)).values(status="completed")
            )
            uow.commit()
