"""The dashboard's numbers from the rollups against a direct count over the facts (issue
28): run by dashboard_scale.py after the timing (unless --no-verify), which exits 1 when
any differs. Counts must be equal; the percentiles read from the histograms are reported
with their largest relative error against percentile_cont over the tasks.

    .venv/bin/python bench/dashboard_verify.py <URL of a database kept by dashboard_scale.py>
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from services.intake.dashboard import facts, measures, rolled
from services.intake.dashboard import flow as flow_facts
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import Filters
from shared.db import read_only, uow_factory_for
from shared.models import Case

W, D = Bucket.WEEK, Bucket.DAY
PERCENTILES = ("accept_median_hours", "accept_p90_hours", "resolve_median_hours",
               "resolve_p90_hours")  # fmt: skip
Pair = tuple[Callable[[Session, Filters], Any], Callable[[Session, Filters], Any]]
PAIRS: dict[str, Pair] = {
    "summary": (lambda s, f: rolled.summary(s, f=f), lambda s, f: facts.summary(s, f=f)),
    "flow (week)": (
        lambda s, f: rolled.flow(s, f=f, bucket=W),
        lambda s, f: flow_facts.flow(s, f=f, bucket=W),
    ),
    "flow (day)": (
        lambda s, f: rolled.flow(s, f=f, bucket=D),
        lambda s, f: flow_facts.flow(s, f=f, bucket=D),
    ),
    "decline_reasons": (
        lambda s, f: rolled.decline_reasons(s, f=f),
        lambda s, f: facts.decline_reasons(s, f=f),
    ),
    "breaches (week)": (
        lambda s, f: rolled.breaches(s, f=f, bucket=W),
        lambda s, f: facts.breaches(s, f=f, bucket=W),
    ),
    "resolution_times counts": (
        lambda s, f: _counts(rolled.resolution_times(s, f=f, bucket=W)),
        lambda s, f: _counts(facts.resolution_times(s, f=f, bucket=W)),
    ),
}


def _counts(result: Any) -> list[tuple[Any, int, int]]:
    return [(r.period_start, r.accepted, r.resolved) for r in result.rows]


def filter_sets(now: datetime, kabs: list[str]) -> list[tuple[str, Filters]]:
    """The benchmark's six filter sets (two kab/kota), and the nation over a year."""
    span = measures.period(first=None, last=None, now=now)
    year = measures.period(first=(now - timedelta(days=364)).date(), last=None, now=now)
    found = [("national, a year", Filters(scope="", period=year, now=now))]
    for scope, label in (("", "national"), ("35", "province"), (kabs[0], kabs[0]),
                         (kabs[-1], kabs[-1])):  # fmt: skip
        for pillar in (None, "TKSK", "PSM"):
            name = f"{label}+{pillar}" if pillar else label
            found.append((name, Filters(scope=scope, period=span, now=now, pillar=pillar)))
    return found


def verify(url: str, *, now: datetime, say: Callable[[str], None]) -> list[str]:
    """What differs (empty: every count equals the facts')."""
    factory = uow_factory_for(url)
    with factory() as uow:
        query = text("SELECT code FROM regions WHERE level = 'regency' AND code LIKE '35.%'")
        kabs = sorted(uow.session.scalars(query))
    problems: list[str] = []
    worst = 0.0
    for label, f in filter_sets(now, kabs):
        with factory() as uow:
            s = uow.session
            read_only(s)
            for name, (mine, truth) in PAIRS.items():
                if (got := mine(s, f)) != (want := truth(s, f)):
                    problems.append(f"{label}: {name}: rollups {got} != facts {want}")
            if f.scope == "" and f.pillar is None:
                problems += _direct(s, f)
            worst = max(worst, _percentile_error(s, f))
    say(f"  verified {len(PAIRS)} widgets x {len(filter_sets(now, kabs))} filter sets against "
        f"the facts: {len(problems)} differ; histogram percentiles at most "
        f"{worst:.1%} off percentile_cont")  # fmt: skip
    return problems


def _direct(s: Session, f: Filters) -> list[str]:
    """Cases received, counted in the cases table itself."""
    received = s.scalar(
        select(func.count()).where(
            Case.created_at >= f.period.start, Case.created_at < f.period.end
        )
    )
    got = rolled.summary(s, f=f).received
    return [] if got == received else [f"received: rollups {got} != count(cases) {received}"]


def _percentile_error(s: Session, f: Filters) -> float:
    worst = 0.0
    mine = rolled.resolution_times(s, f=f, bucket=W).rows
    truth = facts.resolution_times(s, f=f, bucket=W).rows
    for a, b in zip(mine, truth, strict=True):
        for name in PERCENTILES:
            x, y = getattr(a, name), getattr(b, name)
            if x is not None and y:
                worst = max(worst, abs(x - y) / y)
    return worst


def main() -> int:
    from datetime import UTC

    now = datetime.now(UTC).replace(microsecond=0)
    problems = verify(sys.argv[1], now=now, say=print)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
