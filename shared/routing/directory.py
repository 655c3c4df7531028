"""The coordinator directory as routing sees it: an in-memory snapshot, kept fresh.

The snapshot holds what changes rarely (pillar, region, active, capacity, leave, the
categories served), indexed by (pillar, region) so a decision looks up a handful of lists
whatever the size of the directory. What changes with every assignment (open load, last
assignment) is read for the few candidates of a decision, inside its transaction.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.domain.routing.engine import Candidate
from shared.models import Coordinator, Referral

OPEN_STATUSES = ("requested", "accepted", "in-progress", "on-hold")

Stamp = tuple[int, datetime | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """The slowly changing part of a coordinator."""

    id: uuid.UUID
    name: str
    pillar: str
    region_code: str
    active: bool
    capacity: int
    on_leave_until: date | None
    categories: frozenset[str] | None

    def candidate(self, *, today: date, open_load: int, last: datetime | None) -> Candidate:
        return Candidate(
            id=self.id,
            name=self.name,
            pillar=self.pillar,
            region_code=self.region_code,
            active=self.active,
            open_load=open_load,
            capacity=self.capacity,
            last_assigned_at=last,
            on_leave=self.on_leave_until is not None and self.on_leave_until >= today,
            categories=self.categories,
        )


class Snapshot:
    def __init__(self, entries: Iterable[Entry], *, stamp: Stamp = (0, None)) -> None:
        self.stamp = stamp
        self._index: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.size = 0
        for entry in entries:
            self._index[(entry.pillar, entry.region_code)].append(entry)
            self.size += 1

    def entries(self, pillar: str, area_codes: Sequence[str]) -> list[Entry]:
        found: list[Entry] = []
        for code in area_codes:
            found.extend(self._index.get((pillar, code), ()))
        return found


class StaticDirectory:
    """A snapshot with loads given up front: pure, for what-if runs and benchmarks."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        today: date,
        loads: Mapping[uuid.UUID, tuple[int, datetime | None]] | None = None,
    ) -> None:
        self._snapshot, self._today, self._loads = snapshot, today, loads or {}

    def candidates(self, pillar: str, area_codes: Sequence[str]) -> list[Candidate]:
        out = []
        for e in self._snapshot.entries(pillar, area_codes):
            load, last = self._loads.get(e.id, (0, None))
            out.append(e.candidate(today=self._today, open_load=load, last=last))
        return out


class LiveDirectory:
    """A snapshot whose candidates carry their current load, read in the caller's session."""

    def __init__(
        self,
        snapshot: Snapshot,
        session: Session,
        *,
        today: date,
        stamps: Mapping[uuid.UUID, datetime] | None = None,
    ) -> None:
        """`stamps`: last assignments made in this transaction and not written yet."""
        self._snapshot, self._session, self._today = snapshot, session, today
        self._stamps = stamps or {}

    def candidates(self, pillar: str, area_codes: Sequence[str]) -> list[Candidate]:
        entries = self._snapshot.entries(pillar, area_codes)
        if not entries:
            return []
        ids = [e.id for e in entries]
        # One round trip for both: each candidate's open load and last assignment.
        load = (
            select(func.count())
            .where(Referral.coordinator_id == Coordinator.id, Referral.status.in_(OPEN_STATUSES))
            .correlate(Coordinator)
            .scalar_subquery()
        )
        live = {
            cid: (int(n), last)
            for cid, last, n in self._session.execute(
                select(Coordinator.id, Coordinator.last_assigned_at, load).where(
                    Coordinator.id.in_(ids)
                )
            )
        }
        out = []
        for e in entries:
            open_load, last = live.get(e.id, (0, None))
            last = self._stamps.get(e.id, last)
            out.append(e.candidate(today=self._today, open_load=open_load, last=last))
        return out


def open_loads(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(Referral.coordinator_id, func.count())
        .where(Referral.coordinator_id.in_(ids), Referral.status.in_(OPEN_STATUSES))
        .group_by(Referral.coordinator_id)
    ).all()
    return {cid: int(n) for cid, n in rows if cid is not None}


def stamp(session: Session) -> Stamp:
    count, latest = session.execute(
        select(func.count(), func.max(Coordinator.updated_at)).select_from(Coordinator)
    ).one()
    return int(count), latest


def load_snapshot(session: Session) -> Snapshot:
    current = stamp(session)
    rows = session.execute(
        select(
            Coordinator.id,
            Coordinator.name,
            Coordinator.pillar_code,
            Coordinator.region_code,
            Coordinator.active,
            Coordinator.capacity,
            Coordinator.on_leave_until,
            Coordinator.categories,
        )
    ).all()
    entries = (
        Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], frozenset(r[7]) if r[7] else None)
        for r in rows
    )
    return Snapshot(entries, stamp=current)


class SnapshotCache:
    """One snapshot per process, reloaded when the directory changed (checked at most every
    `check_every` seconds)."""

    def __init__(self, *, check_every: float = 5.0) -> None:
        self._check_every = check_every
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self, session: Session) -> Snapshot:
        with self._lock:
            now = time.monotonic()
            if self._snapshot is not None and now - self._checked < self._check_every:
                return self._snapshot
            self._checked = now
            if self._snapshot is None or stamp(session) != self._snapshot.stamp:
                self._snapshot = load_snapshot(session)
            return self._snapshot

    def invalidate(self) -> None:
        with self._lock:
            self._checked = 0.0
