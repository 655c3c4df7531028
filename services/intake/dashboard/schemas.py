"""What the supervisors' dashboard API returns (GET /api/v1/dashboard/...).

Each widget is a list of flat rows (CSV gives the same rows); hours are floats, null
where there is nothing to measure."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel


class SummaryRead(BaseModel):
    open: int  # open tasks now
    unassigned: int  # tasks nobody could take, waiting in the supervisors' queue
    overdue: int  # open tasks with a step past its due time now
    dead_notifications: int  # notifications that could not be delivered, now
    received: int  # cases received in the period
    closed: int  # cases whose last task ended in the period
    period_from: date
    period_to: date


class OpenTaskRow(BaseModel):
    pillar: str
    region_code: str
    region_name: str
    open: int
    overdue: int


class OpenTasksRead(BaseModel):
    group_level: str  # province | kabkota | kecamatan | village
    rows: list[OpenTaskRow]


class FlowRow(BaseModel):
    period_start: date
    received: int  # cases reported in the bucket
    closed: int  # cases whose last task ended in the bucket, none left open


class FlowRead(BaseModel):
    bucket: str  # day | week
    rows: list[FlowRow]


class ResolutionRow(BaseModel):
    period_start: date
    accepted: int  # tasks accepted in the bucket
    accept_median_hours: float | None  # task created -> accepted
    accept_p90_hours: float | None
    resolved: int  # tasks completed in the bucket
    resolve_median_hours: float | None  # case received -> task completed
    resolve_p90_hours: float | None


class ResolutionTimesRead(BaseModel):
    bucket: str  # day | week
    rows: list[ResolutionRow]


class BreachRow(BaseModel):
    period_start: date  # the bucket the missed due time fell in
    pillar: str
    breaches: int  # accept + first_contact + resolve
    accept: int
    first_contact: int
    resolve: int


class BreachesRead(BaseModel):
    bucket: str
    rows: list[BreachRow]


class DeclineReasonRow(BaseModel):
    reason: str
    count: int


class DeclineReasonsRead(BaseModel):
    rows: list[DeclineReasonRow]


class BacklogRow(BaseModel):
    coordinator_id: uuid.UUID
    name: str
    pillar: str
    region_code: str
    open: int
    overdue: int
    oldest_hours: float | None  # since the oldest open task was given to them


class BacklogRead(BaseModel):
    rows: list[BacklogRow]


class ServiceGapRow(BaseModel):
    """One kab/kota (or kecamatan) and pillar: the period's flows, the state now, the
    score (docs/service-gaps.md)."""

    region_code: str
    region_name: str
    pillar: str
    referrals: int  # tasks created in the period
    declined_no_capacity: int
    declined_out_of_area: int
    declined_other: int  # declined for any other reason
    no_response: int  # withdrawn unanswered at the acceptance deadline
    unassigned: int  # now, waiting in the supervisors' queue
    breached: int  # accept + first_contact + resolve, due in the period
    breached_accept: int
    breached_first_contact: int
    breached_resolve: int
    median_hours_to_accept: float | None
    active_coordinators: int  # now: active and not on leave
    capacity: int  # now: their capacities summed
    open_tasks: int  # now: given to a coordinator, not yet ended
    open_per_coordinator: float | None
    unmet: int  # unassigned + declined_no_capacity + declined_out_of_area + no_response
    overload: int  # max(0, open_tasks - capacity)
    gap_score: float  # (unmet + overload) / (active_coordinators + 1)


class ServiceGapsRead(BaseModel):
    region_code: str
    region_name: str
    group_level: str  # kabkota | kecamatan
    pillar: str | None
    period_from: date
    period_to: date
    gap_score_formula: str
    items: list[ServiceGapRow]  # every area x pillar, worst first


class ServiceGapDigestRead(BaseModel):
    region_code: str
    week_start: date
    items: list[ServiceGapRow]
    subject_id: str
    body_id: str
    subject_en: str
    body_en: str


class LatestGapDigestRead(BaseModel):
    region_code: str  # the province
    latest: ServiceGapDigestRead | None  # None until the first digest is made
