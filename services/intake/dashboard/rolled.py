"""The dashboard's flows read from the rollups (shared/models/rollup.py): at most one row
per day of the period, whatever the number of cases, for the nation, a province or a
kab/kota, with or without a pillar. Counts are exact (the triggers keep them in the
transactions that change the facts); percentiles come from the rollups' histograms once
the period holds more than EXACT_UP_TO durations nationally, and are computed exactly from
the facts below that (reading so few costs little).

What the rollups do not hold goes to facts.py: a category or urgency filter, a kecamatan
or village, and the state now (open, unassigned and overdue tasks, dead notifications),
read through the open-task partial index.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from services.intake.dashboard import facts, measures
from services.intake.dashboard import schemas as out
from services.intake.dashboard.measures import Bucket, Period
from services.intake.dashboard.sql import Filters, tune
from shared.domain import histogram
from shared.domain.lifecycle import Reason
from shared.models.rollup import ACCEPT_BINS, RESOLVE_BINS
from shared.rollups import reading

EXACT_UP_TO = 2_000
ALL = "*"
_STEPS = ("accept", "first_contact", "resolve")
_LATE = ("late_accept", "late_contact", "late_resolve")
Sums = dict[str, int]


def serves(f: Filters) -> bool:
    """Whether the rollups hold what these filters ask: the nation, a province or a
    kab/kota (their areas), any pillar, no category or urgency."""
    return not f.category and not f.urgency and len(f.scope) in (0, 2, 5)


def _days(
    session: Session, *, area: str, pillars: Sequence[str] | None, first: date, last: date,
    columns: Iterable[str],
) -> list[Any]:  # fmt: skip
    """(day, pillar, *columns) rows of the area; `pillars` None: every pillar's own. The
    summed rows and the deltas the relay has not folded yet, added up."""
    statement = _statement(tuple(columns), every_pillar=pillars is None)
    found = session.execute(
        statement, {"area": area, "pillars": list(pillars or []), "first": first, "last": last}
    )
    return [(day, pillar, *(int(v or 0) for v in values)) for day, pillar, *values in found]


@functools.cache
def _statement(columns: tuple[str, ...], *, every_pillar: bool) -> TextClause:
    """The query, built once per set of columns (reading.summed says why)."""
    pillar = f"pillar <> '{ALL}'" if every_pillar else "pillar IN :pillars"
    found = reading.summed(columns, keys=("day", "pillar"), where=f"area = :area AND {pillar}")
    if every_pillar:
        return found
    return found.bindparams(bindparam("pillars", expanding=True))


def _sums(
    session: Session, f: Filters, columns: Sequence[str], bucket: Bucket | None = None,
    span: Period | None = None,
) -> dict[date, Sums]:  # fmt: skip
    """The columns summed per bucket (or over the period, keyed by its first day)."""
    span = span or f.period
    found: dict[date, Sums] = defaultdict(lambda: dict.fromkeys(columns, 0))
    rows = _days(session, area=f.scope, pillars=[f.pillar or ALL], first=span.first,
                 last=span.last, columns=columns)  # fmt: skip
    for day, _pillar, *values in rows:
        key = measures.bucket_start(_date(day), bucket) if bucket else span.first
        into = found[key]
        for name, n in zip(columns, values, strict=True):
            into[name] += n
    return found


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def summary(session: Session, *, f: Filters) -> out.SummaryRead:
    tune(session)
    opened, unassigned, overdue = facts.open_unassigned_overdue(session, f)
    period = _sums(session, f, ("received", "closed_any")).get(f.period.first, {})
    return out.SummaryRead(
        open=opened,
        unassigned=unassigned,
        overdue=overdue,
        dead_notifications=facts.dead_notifications(session, f),
        received=period.get("received", 0),
        closed=period.get("closed_any", 0),
        period_from=f.period.first,
        period_to=f.period.last,
    )


def flow(session: Session, *, f: Filters, bucket: Bucket) -> out.FlowRead:
    found = _sums(session, f, ("received", "closed"), bucket)
    return out.FlowRead(
        bucket=bucket.value,
        rows=[
            out.FlowRow(
                period_start=day,
                received=found[day]["received"] if day in found else 0,
                closed=found[day]["closed"] if day in found else 0,
            )
            for day in measures.bucket_starts(f.period, bucket)
        ],
    )


def decline_reasons(session: Session, *, f: Filters) -> out.DeclineReasonsRead:
    columns = [f"declined_{reason.value}" for reason in Reason]
    period = _sums(session, f, [*columns, "declined_unlisted"]).get(f.period.first, {})
    if period.get("declined_unlisted"):
        return facts.decline_reasons(session, f=f)
    rows = [(name.removeprefix("declined_"), period.get(name, 0)) for name in columns]
    rows = [(code, n) for code, n in rows if n]
    return out.DeclineReasonsRead(
        rows=[
            out.DeclineReasonRow(reason=code, count=n)
            for code, n in sorted(rows, key=lambda r: (-r[1], r[0]))
        ]
    )


def resolution_times(session: Session, *, f: Filters, bucket: Bucket) -> out.ResolutionTimesRead:
    nation = Filters(scope="", period=f.period, now=f.now)
    total = _sums(session, nation, ("accepted", "completed")).get(f.period.first, {})
    if sum(total.values()) <= EXACT_UP_TO:
        return facts.resolution_times(session, f=f, bucket=bucket)
    columns = ("accepted", "completed", *ACCEPT_BINS, *RESOLVE_BINS)
    found = _sums(session, f, columns, bucket)
    rows = []
    for day in measures.bucket_starts(f.period, bucket):
        sums = found.get(day) or dict.fromkeys(columns, 0)
        accept = [sums[name] for name in ACCEPT_BINS]
        resolve = [sums[name] for name in RESOLVE_BINS]
        rows.append(
            out.ResolutionRow(
                period_start=day,
                accepted=sums["accepted"],
                accept_median_hours=measures.hours(histogram.percentile(accept, 0.5)),
                accept_p90_hours=measures.hours(histogram.percentile(accept, 0.9)),
                resolved=sums["completed"],
                resolve_median_hours=measures.hours(histogram.percentile(resolve, 0.5)),
                resolve_p90_hours=measures.hours(histogram.percentile(resolve, 0.9)),
            )
        )
    return out.ResolutionTimesRead(bucket=bucket.value, rows=rows)


def breaches(session: Session, *, f: Filters, bucket: Bucket) -> out.BreachesRead:
    """Steps late by the day they fell due: the rollups up to yesterday (WIB) hold every
    step due then and not done in time; today's, due before now, are read from the facts."""
    today = measures.wib_day(f.now)
    counts: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_STEPS, 0))
    last = min(f.period.last, today - timedelta(days=1))
    if f.period.first <= last:
        rows = _days(session, area=f.scope, pillars=[f.pillar] if f.pillar else None,
                     first=f.period.first, last=last, columns=_LATE)  # fmt: skip
        for day, pillar, *late in rows:
            into = counts[(measures.bucket_start(_date(day), bucket), pillar)]
            for step, n in zip(_STEPS, late, strict=True):
                into[step] += n
    if f.period.first <= today <= f.period.last:
        recent = Filters(scope=f.scope, period=Period(today, today), now=f.now, pillar=f.pillar)
        for row in facts.breaches(session, f=recent, bucket=bucket).rows:
            into = counts[(row.period_start, row.pillar)]
            for step in _STEPS:
                into[step] += getattr(row, step)
    return out.BreachesRead(
        bucket=bucket.value,
        rows=[
            out.BreachRow(period_start=day, pillar=pillar, breaches=sum(c.values()), **c)
            for (day, pillar), c in sorted(counts.items())
            if sum(c.values())
        ],
    )
