"""The pipeline's growth phase: the same closed loop again once the database already holds
many cases, so that a cost growing with the stored data shows as a ratio.

The cases are loaded with set-based SQL (bench/dashboard_scale.py's generator: cases over
the last four years in East Java villages, 1-3 tasks each given to the demo directory's
coordinators, about 1 % of them open, notifications for the last 180 days; the rollups
rebuilt from the facts), then VACUUM ANALYZE, as autovacuum leaves tables at rest.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import cpu_use
from bench.dashboard_scale import generate
from bench.pipeline_load import closed_loop, referral_requests
from bench.pipeline_measure import wait_recorded
from shared.db import uow_factory_for
from tests.e2e.stack import Stack


def growth_phase(
    stack: Stack,
    villages: list[str],
    args: argparse.Namespace,
    *,
    say: Callable[[str], None],
    result: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """Load `args.growth` cases, run the closed loop again; its result with the load's
    time and size."""
    say(f"growth: loading {args.growth:,} cases with their tasks (set-based SQL)")
    took = generate(stack.settings.database_url, cases=args.growth, now=datetime.now(UTC))
    # A warm-up, as before the first closed loop: plans and caches meet the new sizes.
    closed_loop(stack.base_url, referral_requests(villages, "gwarm"), total=40, clients=4)
    say(f"closed loop with {args.growth:,} cases stored: {args.closed} referrals")
    phase = measured_closed_loop(stack, villages, args, tag="grown", result=result)
    phase["stored_cases"] = args.growth
    phase["load_seconds"] = took
    return phase


def measured_closed_loop(
    stack: Stack,
    villages: list[str],
    args: argparse.Namespace,
    *,
    tag: str,
    result: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """The closed loop (`args.closed` referrals from `args.clients` clients) until every
    case is announced, with the CPU each process spent per case."""
    before = cpu_use.snapshot(redis_port=args.redis_port, database=args.database)
    run = closed_loop(
        stack.base_url,
        referral_requests(villages, tag),
        total=args.closed,
        clients=args.clients,
    )
    factory = uow_factory_for(stack.settings.database_url)
    found = wait_recorded(factory, [r.case_id for r in run.ok if r.case_id], timeout=args.drain)
    phase = result(run, found)
    after = cpu_use.snapshot(redis_port=args.redis_port, database=args.database)
    phase["cpu_ms_per_case"] = cpu_use.per_item_ms(before, after, len(run.ok))
    return phase
