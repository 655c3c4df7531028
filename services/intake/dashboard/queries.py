"""The dashboard's numbers, one function per widget, as the API, the page and the
benchmark call them: the flows from the rollups where they hold the filters (rolled.py),
else, and for the state now, from the facts (facts.py, flow.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.intake.dashboard import facts, rolled
from services.intake.dashboard import flow as flow_facts
from services.intake.dashboard import schemas as out
from services.intake.dashboard.facts import BACKLOG_ROWS, backlog, open_tasks
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import Filters

__all__ = [
    "BACKLOG_ROWS",
    "backlog",
    "breaches",
    "decline_reasons",
    "flow",
    "open_tasks",
    "resolution_times",
    "summary",
]


def summary(session: Session, *, f: Filters) -> out.SummaryRead:
    if rolled.serves(f):
        return rolled.summary(session, f=f)
    return facts.summary(session, f=f)


def flow(session: Session, *, f: Filters, bucket: Bucket) -> out.FlowRead:
    if rolled.serves(f):
        return rolled.flow(session, f=f, bucket=bucket)
    return flow_facts.flow(session, f=f, bucket=bucket)


def resolution_times(session: Session, *, f: Filters, bucket: Bucket) -> out.ResolutionTimesRead:
    if rolled.serves(f):
        return rolled.resolution_times(session, f=f, bucket=bucket)
    return facts.resolution_times(session, f=f, bucket=bucket)


def breaches(session: Session, *, f: Filters, bucket: Bucket) -> out.BreachesRead:
    if rolled.serves(f):
        return rolled.breaches(session, f=f, bucket=bucket)
    return facts.breaches(session, f=f, bucket=bucket)


def decline_reasons(session: Session, *, f: Filters) -> out.DeclineReasonsRead:
    if rolled.serves(f):
        return rolled.decline_reasons(session, f=f)
    return facts.decline_reasons(session, f=f)
