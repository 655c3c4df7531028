"""What bench/pipeline.py reads back from the database after a phase: when each case's
notification was recorded, and where the time between the 201 and that went."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text

from shared.db import UowFactory

ROUTING_EVENTS = "('ReferralAssigned', 'ReferralOffered', 'ReferralUnroutable')"

# Per case: each step's timestamp, in the order the case passes them.
_STAGES = f"""
SELECT c.id::text AS case_id,
       min(o1.published_at) AS published,
       min(p1.processed_at) AS routing_took,
       min(o2.created_at) AS routed,
       min(o2.published_at) AS routed_published,
       min(p2.processed_at) AS notify_took,
       min(n.created_at) AS recorded,
       min(m.sent_at) AS emailed
FROM cases c
JOIN outbox o1 ON o1.case_id = c.id AND o1.event_type = 'CaseReceived'
LEFT JOIN processed_events p1 ON p1.consumer = 'routing' AND p1.event_id = o1.event_id
LEFT JOIN outbox o2 ON o2.case_id = c.id AND o2.event_type IN {ROUTING_EVENTS}
LEFT JOIN processed_events p2 ON p2.consumer = 'notify' AND p2.event_id = o2.event_id
LEFT JOIN notifications n ON n.event_id = o2.event_id AND n.channel = 'inapp'
LEFT JOIN notifications m ON m.event_id = o2.event_id AND m.channel = 'email'
WHERE c.id = ANY(CAST(:ids AS uuid[]))
GROUP BY c.id
"""

STAGES = (  # (name, from, to); "answered" is the client's clock at the 201
    ("201 -> relay published", "answered", "published"),
    ("queue wait (routing)", "published", "routing_took"),
    ("routing decision + commit", "routing_took", "routed"),
    ("relay (routing event)", "routed", "routed_published"),
    ("queue wait (notify)", "routed_published", "notify_took"),
    ("notify record + commit", "notify_took", "recorded"),
)


def _epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def stages(uow_factory: UowFactory, case_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    with uow_factory() as uow:
        rows = uow.session.execute(text(_STAGES), {"ids": list(case_ids)}).mappings().all()
    return {r["case_id"]: {k: _epoch(v) for k, v in r.items() if k != "case_id"} for r in rows}


def wait_recorded(
    uow_factory: UowFactory, case_ids: Sequence[str], *, timeout: float
) -> dict[str, dict[str, Any]]:
    """Poll until every case's notification is recorded (or the timeout); its stages.

    The poll is one index look-up per case; the stages, a join over six tables, are read
    once at the end (read every second, they cost the database more CPU than a case)."""
    deadline = time.monotonic() + timeout
    while _recorded(uow_factory, case_ids) < len(case_ids) and time.monotonic() < deadline:
        time.sleep(1)
    return stages(uow_factory, case_ids)


def _recorded(uow_factory: UowFactory, case_ids: Sequence[str]) -> int:
    query = text(
        "SELECT count(DISTINCT case_id) FROM notifications "
        "WHERE channel = 'inapp' AND case_id = ANY(CAST(:ids AS uuid[]))"
    )
    with uow_factory() as uow:
        return int(uow.session.execute(query, {"ids": list(case_ids)}).scalar_one())


def percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": len(ordered),
        "p50": at(0.50),
        "p90": at(0.90),
        "p99": at(0.99),
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


def latencies_ms(answered: dict[str, float], found: dict[str, dict[str, Any]]) -> list[float]:
    """201 answer -> notification recorded, in ms, for the cases that got there."""
    return [
        (found[c]["recorded"] - t) * 1e3
        for c, t in answered.items()
        if c in found and found[c]["recorded"] is not None
    ]


def profile(answered: dict[str, float], found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Median and p90 ms of each stage between the 201 and the recorded notification."""
    out: dict[str, Any] = {}
    for name, start, end in STAGES:
        spans = []
        for case_id, t in answered.items():
            s = found.get(case_id)
            if s is None:
                continue
            a = t if start == "answered" else s[start]
            b = s[end]
            if a is not None and b is not None:
                spans.append((b - a) * 1e3)
        p = percentiles(spans)
        out[name] = {"p50_ms": p.get("p50"), "p90_ms": p.get("p90")}
    return out
