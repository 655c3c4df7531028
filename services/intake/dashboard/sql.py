"""SQL pieces the dashboard queries share, for PostgreSQL and SQLite alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, bindparam, cast, func, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from services.intake.dashboard.measures import Bucket, Period
from shared.domain.lifecycle import OPEN
from shared.models import Case, Referral
from shared.models.within import within_region

OPEN_STATES = frozenset(s.value for s in OPEN)
WORK_MEM = "32MB"


@dataclass(frozen=True, slots=True)
class Filters:
    """What a widget counts: cases in `scope` (a region code prefix, "" = national) with
    the given category and urgency, tasks of the given pillar, flows within `period`."""

    scope: str
    period: Period
    now: datetime
    pillar: str | None = None
    category: str | None = None
    urgency: str | None = None

    def without_pillar(self) -> Filters:
        return replace(self, pillar=None)

    @property
    def on_cases(self) -> bool:
        """Whether the case row must be read (a filter on the case)."""
        return bool(self.scope or self.category or self.urgency)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def in_scope(column: Any, scope: str) -> ColumnElement[bool]:
    """The village code lies in the region (a prefix match, served by the pattern index)."""
    return within_region(column, scope, villages_only=True)


def case_conditions(f: Filters) -> list[ColumnElement[bool]]:
    """The case filters, on the cases table."""
    found = [in_scope(Case.village_code, f.scope)] if f.scope else []
    if f.category:
        found.append(Case.category_code == f.category)
    if f.urgency:
        found.append(Case.urgency == f.urgency)
    return found


def task_conditions(f: Filters) -> list[ColumnElement[bool]]:
    """Every filter, on the tasks table: the case's facts are copied onto its tasks."""
    found = [in_scope(Referral.case_village_code, f.scope)] if f.scope else []
    if f.category:
        found.append(Referral.case_category_code == f.category)
    if f.urgency:
        found.append(Referral.case_urgency == f.urgency)
    if f.pillar:
        found.append(Referral.pillar_code == f.pillar)
    return found


def status_in(states: Iterable[str], column: Any = Referral.status) -> ColumnElement[bool]:
    """The states written into the SQL, so the planner can match the partial indexes."""
    values: Any = bindparam(None, sorted(states), expanding=True, literal_execute=True)
    found: ColumnElement[bool] = column.in_(values)
    return found


def tune(session: Session) -> None:
    """For this transaction (PostgreSQL): room to sort a national quarter of durations in
    memory; no parallel workers and no JIT, whose start-up costs more than these
    index-only queries take (measured: bench/dashboard_scale.py)."""
    if is_postgres(session):
        # One round trip: set_config(..., true) is SET LOCAL.
        session.execute(
            text(
                f"SELECT set_config('work_mem', '{WORK_MEM}', true),"
                " set_config('max_parallel_workers_per_gather', '0', true),"
                " set_config('jit', 'off', true)"
            )
        )


def within(column: Any, span: Period) -> ColumnElement[bool]:
    return (column >= span.start) & (column < span.end)


def wib_bucket(session: Session, column: Any, bucket: Bucket) -> ColumnElement[Any]:
    """The WIB day, or the Monday of the WIB week, a UTC time falls in."""
    if is_postgres(session):
        local = func.timezone("Asia/Jakarta", column)
        return cast(func.date_trunc(bucket.value, local), Date)
    # SQLite keeps UTC text; WIB is a fixed +7 hours.
    if bucket is Bucket.DAY:
        return func.date(column, "+7 hours")
    return func.date(column, "+7 hours", "weekday 0", "-6 days")


def as_date(value: date | str) -> date:
    """A bucket as Python gets it back: a date (PostgreSQL) or ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
