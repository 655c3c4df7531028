"""Service gaps (issue 26): where people wait because no pillar can take them, per area
and pillar, and the one number that ranks them, the gap score.

    unmet     = unassigned + declined_no_capacity + declined_out_of_area + no_response
    overload  = max(0, open_tasks - capacity)
    gap_score = (unmet + overload) / (active_coordinators + 1)

`unmet` counts the demand no coordinator of the pillar in the area could take: tasks
waiting in the supervisors' queue now, and tasks of the period declined for want of
capacity, as outside the coordinator's area, or left unanswered until their acceptance
deadline. `overload` counts the open tasks beyond what the area's active coordinators
said they can carry. Divided by the coordinators plus one, the score reads as the unmet
demand a single new recruit would take on: a kab/kota with no coordinator of the pillar
and 6 people waiting scores 6, one with 5 coordinators and the same 6 scores 1. Declines
for other reasons (not eligible, duplicate, ...) are shown but are not a gap of capacity.

Standard library only: counts in, score and order out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from shared.domain.wib import WIB

# Declines that show a gap of capacity, and those that do not.
NO_CAPACITY = "no_capacity"
OUT_OF_AREA = "out_of_area"
NO_RESPONSE = "no_response"
WORST = 5  # how many gaps the weekly digest names


@dataclass(frozen=True, slots=True)
class GapCounts:
    """What one area and pillar shows: flows within the period, the state now."""

    referrals: int = 0  # tasks created in the period
    declined_no_capacity: int = 0
    declined_out_of_area: int = 0
    declined_other: int = 0  # declined for any other reason (not eligible, duplicate, ...)
    no_response: int = 0  # withdrawn unanswered at the acceptance deadline
    breached_accept: int = 0  # steps whose due time fell in the period, not done by then
    breached_first_contact: int = 0
    breached_resolve: int = 0
    accepted: int = 0  # tasks accepted in the period (the median's count)
    unassigned: int = 0  # now: waiting in the supervisors' queue
    open_tasks: int = 0  # now: held by the area's coordinators, not yet ended
    active_coordinators: int = 0  # now: active and not on leave
    capacity: int = 0  # now: the active coordinators' capacities, summed

    def __add__(self, other: GapCounts) -> GapCounts:
        return GapCounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def breached(self) -> int:
        return self.breached_accept + self.breached_first_contact + self.breached_resolve

    @property
    def unmet(self) -> int:
        return (
            self.unassigned + self.declined_no_capacity + self.declined_out_of_area
            + self.no_response
        )  # fmt: skip

    @property
    def overload(self) -> int:
        return max(0, self.open_tasks - self.capacity)

    @property
    def open_per_coordinator(self) -> float | None:
        if not self.active_coordinators:
            return None
        return round(self.open_tasks / self.active_coordinators, 2)

    @property
    def gap_score(self) -> float:
        return gap_score(self)


def gap_score(counts: GapCounts) -> float:
    """(unmet + overload) / (active coordinators + 1), to two decimals."""
    return round((counts.unmet + counts.overload) / (counts.active_coordinators + 1), 2)


@dataclass(frozen=True, slots=True)
class GapRow:
    """One area (a kab/kota, or a kecamatan of one) and pillar."""

    region_code: str
    region_name: str
    pillar: str
    counts: GapCounts
    median_accept_seconds: float | None = None

    @property
    def gap_score(self) -> float:
        return self.counts.gap_score


def record(row: GapRow) -> dict[str, str | int | float | None]:
    """The row as the API, its CSV and the weekly digest write it (flat, counts and codes
    only: no person)."""
    c = row.counts
    seconds = row.median_accept_seconds
    return {
        "region_code": row.region_code,
        "region_name": row.region_name,
        "pillar": row.pillar,
        "referrals": c.referrals,
        "declined_no_capacity": c.declined_no_capacity,
        "declined_out_of_area": c.declined_out_of_area,
        "declined_other": c.declined_other,
        "no_response": c.no_response,
        "unassigned": c.unassigned,
        "breached": c.breached,
        "breached_accept": c.breached_accept,
        "breached_first_contact": c.breached_first_contact,
        "breached_resolve": c.breached_resolve,
        "median_hours_to_accept": None if seconds is None else round(seconds / 3600, 3),
        "active_coordinators": c.active_coordinators,
        "capacity": c.capacity,
        "open_tasks": c.open_tasks,
        "open_per_coordinator": c.open_per_coordinator,
        "unmet": c.unmet,
        "overload": c.overload,
        "gap_score": c.gap_score,
    }


def worst_first(rows: Iterable[GapRow]) -> list[GapRow]:
    """The highest score first; then the most unmet demand, the most referrals; then by
    region code and pillar, so that equal rows keep one order."""
    return sorted(
        rows,
        key=lambda r: (-r.gap_score, -r.counts.unmet, -r.counts.referrals, r.region_code,
                       r.pillar),
    )  # fmt: skip


def worst(rows: Iterable[GapRow], n: int = WORST) -> list[GapRow]:
    """The `n` worst rows that show a gap at all (a score above 0)."""
    return [r for r in worst_first(rows) if r.gap_score > 0][:n]


def median(values: Sequence[float]) -> float | None:
    """The median, as PostgreSQL's percentile_cont(0.5) gives it; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def digest_week(now: datetime, *, hour: int) -> date:
    """The Monday (WIB) of the latest week whose digest is due: a week's digest is due
    from the next Monday at `hour` o'clock WIB (before that, the week before's)."""
    local = now.astimezone(WIB)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, time(hour), WIB):
        monday -= timedelta(days=7)
    return monday - timedelta(days=7)
