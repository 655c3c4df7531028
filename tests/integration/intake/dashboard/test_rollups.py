"""The dashboard's rollups against the facts, in Banten (36), where no other test puts
cases: tasks in every state, changed after they were written (accepted, declined,
reassigned, completed, a case moved to another kab/kota, a task deleted), and the
widgets read from the rollups give what a direct count over cases and tasks gives.
`sekber rebuild-rollups` then yields the rows the triggers kept."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sekber_cli.main import app
from services.intake.dashboard import facts, rolled
from services.intake.dashboard import flow as flow_facts
from services.intake.dashboard.measures import Bucket, Period
from services.intake.dashboard.sql import Filters
from shared.config import get_settings
from shared.db import UowFactory
from shared.models import (
    Case,
    Referral,
    Region,
    dashboard_case_ends,
    dashboard_rollup_deltas,
    dashboard_rollups,
)
from shared.rollups.rebuild import fold_rollups

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
NOW = datetime(2026, 10, 14, 6, 0, tzinfo=UTC)  # Wednesday 13:00 WIB
PERIOD = Period(date(2026, 9, 28), date(2026, 10, 14))
H = timedelta(hours=1)
D = timedelta(days=1)
SCOPES = ("", "36", "36.01", "36.02")
PILLARS = (None, "TKSK", "PSM", "LKS")


@pytest.fixture(scope="module")
def villages(uow_factory: UowFactory) -> dict[str, str]:
    """Two villages of 36.01 and one of 36.02: real codes (the cases' foreign key)."""
    with uow_factory() as uow:
        codes = {}
        for kab in ("36.01", "36.02"):
            codes[kab] = list(
                uow.session.scalars(
                    select(Region.code)
                    .where(Region.level == "village", Region.code.like(f"{kab}.%"))
                    .order_by(Region.code)
                    .limit(2)
                )
            )
    return {"a": codes["36.01"][0], "b": codes["36.01"][1], "c": codes["36.02"][0]}


def _case(s: Session, village: str, at: datetime, category: str = "LUT") -> Case:
    case = Case(
        tracking_code=f"ROLL-{uuid.uuid4().hex[:12]}", status="open", category_code=category,
        village_code=village, urgency="high", description="rollup test", needs=[],
        beneficiary_name="X", reporter_name="Y", correlation_id="rollup", created_at=at,
    )  # fmt: skip
    s.add(case)
    s.flush()
    return case


def _task(s: Session, case: Case, pillar: str, status: str, created: datetime,
          **fields: Any) -> Referral:  # fmt: skip
    task = Referral(
        case_id=case.id, pillar_code=pillar, status=status, purpose="p", purpose_en="p",
        start_level="district", rule_id="test", rules_version="test", explanation={},
        created_at=created, **fields,
    )  # fmt: skip
    s.add(task)
    s.flush()
    return task


@pytest.fixture(scope="module")
def changed(uow_factory: UowFactory, villages: dict[str, str]) -> None:
    a, b, c = villages["a"], villages["b"], villages["c"]
    with uow_factory() as uow:
        s = uow.session
        one = _case(s, a, T0)
        done = _task(s, one, "TKSK", "requested", T0, accept_due_at=T0 + 4 * H,
                     resolve_due_at=T0 + 5 * D)  # fmt: skip
        declined = _task(s, one, "PSM", "requested", T0, accept_due_at=T0 + 4 * H)
        two = _case(s, b, T0 + D, "PD")
        moved = _task(s, two, "TKSK", "accepted", T0 + D, accepted_at=T0 + D + 6 * H,
                      accept_due_at=T0 + D + 4 * H, contact_due_at=T0 + D + 9 * D,
                      resolve_due_at=T0 + 20 * D)  # fmt: skip
        three = _case(s, c, T0 + 2 * D)
        _task(s, three, "LKS", "unassigned", T0 + 2 * D)
        _task(s, three, "PSM", "cancelled", T0 + 2 * D, closed_at=T0 + 2 * D + 5 * H,
              accept_due_at=T0 + 2 * D + 4 * H, reason_code="no_response")  # fmt: skip
        four = _case(s, c, T0 - 8 * D)  # received before the period, closed in it
        _task(s, four, "TKSK", "completed", T0 - 8 * D, accepted_at=T0 - 8 * D + H,
              closed_at=T0 + 3 * D)  # fmt: skip
        five = _case(s, a, T0 + 4 * D, "PD")
        gone = _task(s, five, "LKS", "requested", T0 + 4 * D)
        today = _task(s, five, "TKSK", "requested", T0 + 4 * D,
                      accept_due_at=NOW - 2 * H, resolve_due_at=NOW + 2 * H)  # fmt: skip
        uow.commit()
        # Then the tasks move on, as the workflow moves them.
        done.accepted_at, done.status = T0 + 2 * H, "accepted"
        s.flush()
        done.started_at, done.status = T0 + 3 * H, "in-progress"
        s.flush()
        done.closed_at, done.status, done.outcome_code = T0 + 30 * H, "completed", "service_given"
        declined.closed_at, declined.status = T0 + 5 * H, "rejected"
        declined.reason_code = "no_capacity"
        moved.accepted_at = moved.started_at = moved.contact_due_at = None  # reassigned
        moved.status, moved.accept_due_at = "requested", T0 + 3 * D
        today.accepted_at, today.status = NOW - H, "accepted"
        s.flush()
        s.delete(gone)
        s.flush()
        # A new region code list moves case two to another kab/kota (shared/reference).
        s.execute(update(Case).where(Case.id == two.id).values(village_code=c))
        s.execute(update(Referral).where(Referral.case_id == two.id).values(case_village_code=c))
        uow.commit()


def _filters(scope: str, pillar: str | None) -> Filters:
    return Filters(scope=scope, period=PERIOD, now=NOW, pillar=pillar)


@pytest.fixture
def session(uow_factory: UowFactory, changed: None) -> Iterator[Session]:
    with uow_factory() as uow:
        yield uow.session


@pytest.mark.parametrize("pillar", PILLARS)
@pytest.mark.parametrize("scope", SCOPES)
def test_the_rollups_give_what_the_facts_give(session: Session, scope: str,
                                              pillar: str | None) -> None:  # fmt: skip
    f = _filters(scope, pillar)
    assert rolled.serves(f)

    assert rolled.summary(session, f=f) == facts.summary(session, f=f)
    assert rolled.decline_reasons(session, f=f) == facts.decline_reasons(session, f=f)
    for bucket in Bucket:
        assert rolled.flow(session, f=f, bucket=bucket) == flow_facts.flow(
            session, f=f, bucket=bucket
        )
        assert rolled.breaches(session, f=f, bucket=bucket) == facts.breaches(
            session, f=f, bucket=bucket
        )


def test_the_counts_are_what_a_direct_count_gives(session: Session) -> None:
    f = _filters("36", None)
    received = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.village_code.like("36.%"), Case.created_at >= PERIOD.start,
               Case.created_at < PERIOD.end)
    )  # fmt: skip
    summary = rolled.summary(session, f=f)

    assert (summary.received, summary.closed) == (received, 2) == (4, 2)
    reasons = {r.reason: r.count for r in rolled.decline_reasons(session, f=f).rows}
    assert reasons == {"no_capacity": 1, "no_response": 1}
    kab = rolled.summary(session, f=_filters("36.02", None))
    assert kab.received == 2  # case two moved there from 36.01, and case three


def test_percentiles_from_the_histograms_keep_the_counts_exact(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rolled, "EXACT_UP_TO", -1)
    f = _filters("36", None)
    approximate = rolled.resolution_times(session, f=f, bucket=Bucket.WEEK)
    exact = facts.resolution_times(session, f=f, bucket=Bucket.WEEK)

    for mine, theirs in zip(approximate.rows, exact.rows, strict=True):
        assert (mine.accepted, mine.resolved) == (theirs.accepted, theirs.resolved)
        for name in ("accept_median_hours", "accept_p90_hours", "resolve_median_hours",
                     "resolve_p90_hours"):  # fmt: skip
            value, truth = getattr(mine, name), getattr(theirs, name)
            assert value == truth or value == pytest.approx(truth, rel=0.1), name


def _rollups(session: Session) -> set[tuple[Any, ...]]:
    """The rows with a count (the triggers leave rows whose counts went back to 0)."""
    t = dashboard_rollups
    rows = session.execute(select(t)).all()
    return {tuple(row) for row in rows if any(row[3:])}


def _ends(session: Session) -> set[tuple[Any, ...]]:
    return {tuple(row) for row in session.execute(select(dashboard_case_ends)).all()}


def test_the_rebuild_command_yields_what_the_triggers_kept(
    uow_factory: UowFactory, changed: None, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(dashboard_rollup_deltas))
        fold_rollups(uow.session)  # what the relay does every few seconds
        uow.commit()
        assert not uow.session.scalar(select(func.count()).select_from(dashboard_rollup_deltas))
        kept = (_rollups(uow.session), _ends(uow.session))
    monkeypatch.setenv("SEKBER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["rebuild-rollups"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert "rollups rebuilt" in result.output
    with uow_factory() as uow:
        assert (_rollups(uow.session), _ends(uow.session)) == kept


def test_two_tasks_of_one_case_ended_at_once_both_commit_and_close_it_once(
    uow_factory: UowFactory, villages: dict[str, str], is_postgres: bool
) -> None:
    """The second transaction's recount of the case waits for the first's (a per-case
    lock), so it sees the first's rows instead of inserting them again."""
    if not is_postgres:
        pytest.skip("SQLite lets one writer in at a time: nothing can race there")
    at = T0 + 20 * D  # after PERIOD: the other tests' counts stay as they are
    with uow_factory() as uow:
        case = _case(uow.session, villages["b"], at)
        ids = [_task(uow.session, case, pillar, "requested", at).id for pillar in ("TKSK", "PSM")]
        uow.commit()
    first_flushed, failures = threading.Event(), []

    def decline(task_id: uuid.UUID, *, first: bool) -> None:
        try:
            if not first:
                first_flushed.wait(5)
            with uow_factory() as uow:
                task = uow.session.get_one(Referral, task_id)
                task.status, task.closed_at, task.reason_code = "rejected", at + H, "other"
                uow.session.flush()
                if first:
                    first_flushed.set()
                    time.sleep(0.3)  # the second now waits on the case
                uow.commit()
        except Exception as exc:  # the test reports it
            failures.append(exc)

    threads = [
        threading.Thread(target=decline, args=(task_id,), kwargs={"first": i == 0})
        for i, task_id in enumerate(ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert failures == []
    f = Filters(scope="36.01", period=Period(date(2026, 10, 25), date(2026, 10, 26)), now=NOW)
    with uow_factory() as uow:
        summary = rolled.summary(uow.session, f=f)
        assert summary == facts.summary(uow.session, f=f)
    assert (summary.received, summary.closed) == (1, 1)
