"""The service-gap counts of every area of a region and every pillar (shared/domain/gaps.py
says what each means and how they are scored).

A province's kab/kota rows come from the dashboard's rollups (a row per day, kab/kota and
pillar, kept by triggers in the transaction of every change, the deltas not yet folded
added in: a decline made now is counted now): at most 38 x 13 x the period's days rows,
whatever the number of cases. A kab/kota's kecamatan rows, which the rollups do not hold,
are counted from that kab/kota's tasks alone through ix_referrals_gaps_place (migration
0014_service_gaps). Both: the state now (tasks unassigned and open) through the open-task
partial index, and the directory's active coordinators.

Steps missed count by the WIB day their due time fell in; the rollups hold them up to
yesterday, today's (due before now) are read from the facts, as the dashboard's breaches.
The median time to accept is exact (from the facts) while the region's period holds at
most EXACT_UP_TO acceptances, and read from the rollups' histograms above that (within
one bin, 19 %; histograms.py keeps the past days' bins for a few minutes).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, TextClause

from shared.domain import gaps, histogram, pillars, wib
from shared.domain.gaps import GapCounts, GapRow
from shared.domain.lifecycle import LOAD, Reason, State
from shared.domain.wib import Period
from shared.gaps import histograms
from shared.models import Coordinator, Referral, Region
from shared.models.within import within_region
from shared.rollups import reading

EXACT_UP_TO = 2_000
_LOAD = sorted(s.value for s in LOAD)
_CAPACITY_DECLINES = (gaps.NO_CAPACITY, gaps.OUT_OF_AREA, gaps.NO_RESPONSE)
_OTHER_DECLINES = tuple(r.value for r in Reason if r.value not in _CAPACITY_DECLINES)
_LATE = ("late_accept", "late_contact", "late_resolve")
Key = tuple[str, str]  # (area code, pillar)
Flows = tuple[dict[Key, GapCounts], dict[Key, float]]  # counts, median seconds to accept


@dataclass(frozen=True, slots=True)
class Ask:
    """The areas of `scope` (a province: its kab/kota; a kab/kota: its kecamatan) in the
    WIB days of `period`, one pillar or all."""

    scope: str
    period: Period
    now: datetime
    pillar: str | None = None

    @property
    def today(self) -> date:
        return wib.day_of(self.now)

    @property
    def by_kabkota(self) -> bool:
        return len(self.scope) == 2

    @property
    def code_length(self) -> int:
        """The characters of a village code that name a row's area."""
        return 5 if self.by_kabkota else 8

    @property
    def pillar_codes(self) -> list[str]:
        return [self.pillar] if self.pillar else [p.code for p in pillars.PILLARS]


def areas(session: Session, scope: str) -> list[tuple[str, str]]:
    """(code, name) of the region's children in the current code list, in code order."""
    return [
        (code, name)
        for code, name in session.execute(
            select(Region.code, Region.name)
            .where(Region.parent_code == scope, Region.retired_in.is_(None))
            .order_by(Region.code)
        )
    ]


def service_gaps(session: Session, ask: Ask) -> list[GapRow]:
    """Every area x pillar of the region, worst first, also those with nothing to report."""
    places = areas(session, ask.scope)
    if ask.by_kabkota:
        flows, medians = flows_from_rollups(session, ask, [code for code, _ in places])
    else:
        flows, medians = flows_from_facts(session, ask)
    found = [flows, open_now(session, ask), coordinators(session, ask)]
    zero = GapCounts()
    rows = []
    for code, name in places:
        for pillar in ask.pillar_codes:
            counts = sum((part.get((code, pillar), zero) for part in found), zero)
            rows.append(GapRow(code, name, pillar, counts, medians.get((code, pillar))))
    return gaps.worst_first(rows)


# --- the flows of the period ------------------------------------------------------------


def flows_from_rollups(session: Session, ask: Ask, codes: list[str]) -> Flows:
    """The period's counts per kab/kota and pillar from the rollups, and the medians."""
    declines = [f"declined_{r.value}" for r in Reason] + ["declined_unlisted"]
    columns = ("opened", "accepted", *declines, *_LATE)
    first, last = ask.period.first, ask.period.last
    params: dict[str, Any] = {
        "areas": codes, "pillars": ask.pillar_codes, "first": first, "last": last,
        "late_last": min(last, ask.today - timedelta(days=1)),
    }  # fmt: skip
    found: dict[Key, GapCounts] = {}
    for area, pillar, *values in session.execute(_rollup_statement(columns), params):
        v = dict(zip(columns, (int(x or 0) for x in values), strict=True))
        other = sum(v[f"declined_{r}"] for r in _OTHER_DECLINES) + v["declined_unlisted"]
        found[(area, pillar)] = GapCounts(
            referrals=v["opened"],
            declined_no_capacity=v[f"declined_{gaps.NO_CAPACITY}"],
            declined_out_of_area=v[f"declined_{gaps.OUT_OF_AREA}"],
            declined_other=other,
            no_response=v[f"declined_{gaps.NO_RESPONSE}"],
            breached_accept=v["late_accept"],
            breached_first_contact=v["late_contact"],
            breached_resolve=v["late_resolve"],
            accepted=v["accepted"],
        )
    for key, late in late_today(session, ask).items():
        found[key] = found.get(key, GapCounts()) + late
    if sum(c.accepted for c in found.values()) <= EXACT_UP_TO:
        return found, accept_medians(session, ask)
    bins = histograms.summed(session, codes=codes, pillars=ask.pillar_codes, first=first,
                             last=last, today=ask.today)  # fmt: skip
    medians = {}
    for key, counts in bins.items():
        value = histogram.percentile(counts, 0.5)
        if value is not None:
            medians[key] = value
    return found, medians


@functools.cache
def _rollup_statement(columns: tuple[str, ...]) -> TextClause:
    """Built once. The late_* columns count up to `late_last` only (today's come from the
    facts)."""
    sums = [
        f"sum(CASE WHEN day <= :late_last THEN {name} ELSE 0 END)"
        if name in _LATE
        else f"sum({name})"
        for name in columns
    ]
    return reading.by_area(columns, sums=sums).bindparams(bindparam("late_last", type_=Date))


def _area(column: Any, ask: Ask) -> Any:
    return func.substr(column, 1, ask.code_length)


def _within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return (column >= start) & (column < end)


def _steps() -> dict[str, tuple[Any, Any]]:
    """Each step's due time and when it was done (as facts.py and the late indexes)."""
    r = Referral
    return {
        "breached_accept": (r.accept_due_at, func.coalesce(r.accepted_at, r.closed_at)),
        "breached_first_contact": (r.contact_due_at, func.coalesce(r.started_at, r.closed_at)),
        "breached_resolve": (r.resolve_due_at, r.closed_at),
    }


def late_today(session: Session, ask: Ask) -> dict[Key, GapCounts]:
    """Steps due today (WIB) before now and not done by their due time, when the period
    holds today: the rollups count a step by its due day before it is known to be late."""
    if not ask.period.first <= ask.today <= ask.period.last:
        return {}
    start = wib.day_start(ask.today)
    end = min(ask.now, start + timedelta(days=1))
    found: dict[Key, dict[str, int]] = defaultdict(dict)
    for step, (due, done) in _steps().items():
        area = _area(Referral.case_village_code, ask).label("area")
        query = (
            select(area, Referral.pillar_code, func.count())
            .where(
                or_(done.is_(None), done > due),
                _within(due, start, end),
                within_region(Referral.case_village_code, ask.scope, villages_only=True),
                *_pillar(ask),
            )
            .group_by(area, Referral.pillar_code)
        )
        for code, pillar, n in session.execute(query):
            found[(code, pillar)][step] = n
    return {key: GapCounts(**steps) for key, steps in found.items()}


def _pillar(ask: Ask) -> list[ColumnElement[bool]]:
    return [Referral.pillar_code == ask.pillar] if ask.pillar else []


def flows_from_facts(session: Session, ask: Ask) -> Flows:
    """The period's counts per area and pillar counted from the tasks of the region (one
    kab/kota's through ix_referrals_gaps_place; a province's only to check the rollups)."""
    r = Referral
    start, end = ask.period.start, ask.period.end
    declined = or_(
        r.status == State.REJECTED.value,
        and_(r.status == State.CANCELLED.value, r.reason_code == Reason.NO_RESPONSE.value),
    )
    reason = func.coalesce(r.reason_code, Reason.OTHER.value)
    ended = _within(r.closed_at, start, end) & declined

    def count(condition: ColumnElement[bool]) -> Any:
        return func.count().filter(condition)

    measures: dict[str, Any] = {
        "referrals": count(_within(r.created_at, start, end)),
        "declined_no_capacity": count(ended & (reason == gaps.NO_CAPACITY)),
        "declined_out_of_area": count(ended & (reason == gaps.OUT_OF_AREA)),
        "declined_other": count(ended & reason.not_in(_CAPACITY_DECLINES)),
        "no_response": count(ended & (reason == gaps.NO_RESPONSE)),
        "accepted": count(_within(r.accepted_at, start, end)),
    }
    touched = [
        _within(r.created_at, start, end),
        _within(r.closed_at, start, end),
        _within(r.accepted_at, start, end),
    ]
    for step, (due, done) in _steps().items():
        measures[step] = count(
            _within(due, start, min(end, ask.now)) & or_(done.is_(None), done > due)
        )
        touched.append(_within(due, start, end))
    area = _area(r.case_village_code, ask).label("area")
    query = (
        select(area, r.pillar_code, *measures.values())
        .where(
            within_region(r.case_village_code, ask.scope, villages_only=True),
            or_(*touched),
            *_pillar(ask),
        )
        .group_by(area, r.pillar_code)
    )
    found = {
        (code, pillar): GapCounts(**dict(zip(measures, values, strict=True)))
        for code, pillar, *values in session.execute(query)
    }
    return found, accept_medians(session, ask)


def accept_medians(session: Session, ask: Ask) -> dict[Key, float]:
    """The exact median seconds from a task's creation to its acceptance, per area and
    pillar, of the tasks accepted in the period (ix_referrals_dash_accepted)."""
    area = _area(Referral.case_village_code, ask).label("area")
    query = select(area, Referral.pillar_code, Referral.accepted_at, Referral.created_at).where(
        _within(Referral.accepted_at, ask.period.start, ask.period.end),
        within_region(Referral.case_village_code, ask.scope, villages_only=True),
        *_pillar(ask),
    )
    durations: dict[Key, list[float]] = defaultdict(list)
    for code, pillar, accepted, created in session.execute(query):
        durations[(code, pillar)].append((accepted - created).total_seconds())
    found = {}
    for key, values in durations.items():
        value = gaps.median(values)
        if value is not None:
            found[key] = value
    return found


# --- the state now ----------------------------------------------------------------------


def _states(states: Iterable[str]) -> Any:
    """Written into the SQL, so the planner can match the open-task partial index."""
    return bindparam(None, sorted(states), expanding=True, literal_execute=True)


def open_now(session: Session, ask: Ask) -> dict[Key, GapCounts]:
    """Tasks waiting in the supervisors' queue now, by the case's place (the people who
    wait are there), and open tasks held by coordinators (requested, accepted, started,
    on hold), by the area of the coordinator who holds them: load is set against the
    capacity of the same coordinators (coordinators()), so a kab/kota's Dinsos holding a
    kecamatan's tasks loads no kecamatan row that has none of its capacity. Both read
    the open-task partial indexes."""
    r = Referral
    area = _area(r.case_village_code, ask).label("area")
    waiting = (
        select(area, r.pillar_code, func.count())
        .where(
            r.status.in_(_states([State.UNASSIGNED.value])),
            within_region(r.case_village_code, ask.scope, villages_only=True),
            *_pillar(ask),
        )
        .group_by(area, r.pillar_code)
    )
    found = {
        (code, pillar): GapCounts(unassigned=n) for code, pillar, n in session.execute(waiting)
    }
    c = Coordinator
    holder = func.substr(c.region_code, 1, ask.code_length).label("area")
    held = (
        select(holder, c.pillar_code, func.count())
        .select_from(r)
        .join(c, c.id == r.coordinator_id)
        .where(
            r.status.in_(_states(_LOAD)),
            c.region_code.like(f"{ask.scope}.%"),
            func.length(c.region_code) >= ask.code_length,
            *([c.pillar_code == ask.pillar] if ask.pillar else []),
        )
        .group_by(holder, c.pillar_code)
    )
    for code, pillar, n in session.execute(held):
        found[(code, pillar)] = found.get((code, pillar), GapCounts()) + GapCounts(open_tasks=n)
    return found


def coordinators(session: Session, ask: Ask) -> dict[Key, GapCounts]:
    """Coordinators active today (not on leave), and their capacities, by the area their
    directory entry serves. One serving a wider region (a kab/kota's Dinsos in the
    kecamatan rows, the province's units) belongs to no row of the finer areas."""
    c = Coordinator
    area = func.substr(c.region_code, 1, ask.code_length).label("area")
    query = (
        select(area, c.pillar_code, func.count(), func.sum(c.capacity))
        .where(
            c.active.is_(True),
            or_(c.on_leave_until.is_(None), c.on_leave_until < ask.today),
            c.region_code.like(f"{ask.scope}.%"),
            func.length(c.region_code) >= ask.code_length,
            *([c.pillar_code == ask.pillar] if ask.pillar else []),
        )
        .group_by(area, c.pillar_code)
    )
    return {
        (code, pillar): GapCounts(active_coordinators=n, capacity=int(cap or 0))
        for code, pillar, n, cap in session.execute(query)
    }
