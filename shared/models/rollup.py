"""The dashboard's rollups: counts per WIB day, area and pillar, kept by database triggers
in the transactions that change cases and tasks (migration 0010_dashboard_rollups;
shared/rollups holds their SQL and the rebuild from the facts).

An area is the nation (""), a province ("35") or a kab/kota ("35.07"); a pillar is a
pillar code or "*" (all pillars). Each count is dated by its own event: `received` by
the case's receipt, `opened` by the task's creation, `accepted` by its acceptance,
`completed` and `declined_*` by its end, `late_*` by the step's due time (the step not
done by then, or not done yet), `closed` and `closed_any` by the last task's end.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table, Uuid

from shared.domain import histogram
from shared.domain.lifecycle import Reason
from shared.models.base import Base, UTCDateTime

COUNTS = (
    # Cases received (in a pillar's rows: those with a task of the pillar).
    "received",
    # Cases whose tasks (in a pillar's rows: of the pillar) all ended, by the last end.
    "closed",
    # Cases whose tasks all ended, by the last end, in the rows of each pillar they had.
    "closed_any",
    "opened",
    "accepted",
    "completed",
    "late_accept",
    "late_contact",
    "late_resolve",
    *(f"declined_{reason.value}" for reason in Reason),
    # Declines whose reason is no Reason code (data written around the API): the dashboard
    # then counts the reasons from the facts, so that every reason shows as written.
    "declined_unlisted",
)
# Time to accept (task created -> accepted) and to resolve (case received -> completed).
ACCEPT_BINS = tuple(f"accept_{i:02d}" for i in range(histogram.COUNT))
RESOLVE_BINS = tuple(f"resolve_{i:02d}" for i in range(histogram.COUNT))
MEASURES = COUNTS + ACCEPT_BINS + RESOLVE_BINS


def _keyed_measures(*, primary: bool) -> list[Column[Any]]:
    """(area, pillar, day) and every measure: the columns the sums and the deltas share."""
    return [
        Column("area", String(5), primary_key=primary, nullable=False),
        Column("pillar", String(16), primary_key=primary, nullable=False),
        Column("day", Date, primary_key=primary, nullable=False),
        *(Column(name, Integer, nullable=False, server_default="0") for name in MEASURES),
    ]


dashboard_rollups = Table(
    "dashboard_rollups",
    Base.metadata,
    *_keyed_measures(primary=True),
)

# What the triggers add, appended and never updated: a writer that updated a summed row
# (the nation's row of the day is touched by every case) would hold its lock until its
# transaction ends, and every other writer of the country would wait for it. The relay
# folds these rows into dashboard_rollups every few seconds (shared/rollups/rebuild.py:
# fold_rollups); readers sum both.
dashboard_rollup_deltas = Table(
    "dashboard_rollup_deltas",
    Base.metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    *_keyed_measures(primary=False),
)

# Per case and pillar ("*": all of the case's tasks): how many tasks, how many open, the
# last end. What the case contributes to `received`, `closed` and `closed_any` follows
# from these rows, so a trigger can take back the old contribution and add the new one.
dashboard_case_ends = Table(
    "dashboard_case_ends",
    Base.metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("pillar", String(16), primary_key=True),
    Column("tasks", Integer, nullable=False),
    Column("open_tasks", Integer, nullable=False),
    Column("last_end", UTCDateTime, nullable=True),
    Column("village_code", String(13), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)
