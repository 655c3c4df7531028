"""Why a dashboard query is slow: its plans, the server's settings, cold against warm
(issue 28). Runs on a database kept by `dashboard_scale.py --keep`.

    .venv/bin/python bench/dashboard_scale.py --keep            # prints the kept URL
    .venv/bin/python bench/dashboard_profile.py <that URL> [--warm 5]

Prints, and writes to bench/results/dashboard_profile.txt:
1. the PostgreSQL version and the settings plans depend on (shared_buffers, work_mem,
   effective_cache_size, random_page_cost, jit, parallel workers), the table sizes, the
   time of the last ANALYZE, and the machine's load average;
2. per query and filter set, the first run (cold: the first touch of its pages since the
   server started or since other work pushed them out) and the median of `--warm` runs;
3. for each query's slowest filter set, `EXPLAIN (ANALYZE, BUFFERS)` of every statement it
   runs, captured as the dashboard sends them (with the same SET LOCALs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text

from bench.dashboard_scale import WIDGETS, variants
from shared.db import read_only, uow_factory_for

RESULTS = Path(__file__).resolve().parent / "results" / "dashboard_profile.txt"
SETTINGS = ("server_version", "shared_buffers", "work_mem", "effective_cache_size",
            "random_page_cost", "jit", "max_parallel_workers_per_gather")  # fmt: skip
TABLES = ("cases", "referrals", "notifications", "coordinators", "dashboard_rollups",
          "dashboard_rollup_deltas", "dashboard_case_ends")  # fmt: skip


def server_facts(factory: Any) -> list[str]:
    lines = [f"load average (1, 5, 15 min): {os.getloadavg()}"]
    with factory() as uow:
        s = uow.session
        for name in SETTINGS:
            lines.append(f"{name} = {s.scalar(text(f'SHOW {name}'))}")
        for table in TABLES:
            size, analyzed = s.execute(
                text(
                    """SELECT pg_size_pretty(pg_total_relation_size(relid)),
                       greatest(last_analyze, last_autoanalyze)
                    FROM pg_stat_user_tables WHERE relname = CAST(:t AS text)"""
                ),
                {"t": table},
            ).one()
            lines.append(f"{table}: {size} with its indexes, last analysed {analyzed}")
    return lines


def regencies(factory: Any) -> list[str]:
    with factory() as uow:
        query = text("SELECT code FROM regions WHERE level = 'regency' AND code LIKE '35.%'")
        return list(uow.session.scalars(query))


def timings(factory: Any, warm: int, now: datetime) -> dict[str, dict[str, tuple[float, float]]]:
    """(cold ms, warm median ms) per query and filter set."""
    kabs = regencies(factory)
    found: dict[str, dict[str, tuple[float, float]]] = {}
    for name, widget in WIDGETS.items():
        for label, build in variants(now, kabs):
            runs = []
            for _ in range(1 + warm):
                with factory() as uow:
                    read_only(uow.session)
                    started = time.perf_counter()
                    widget(uow.session, build(0))
                    runs.append((time.perf_counter() - started) * 1000)
            found.setdefault(name, {})[label] = (runs[0], statistics.median(runs[1:]))
    return found


def plans(factory: Any, name: str, label: str, now: datetime) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT the query runs for this filter set."""
    kabs = regencies(factory)
    build = dict(variants(now, kabs))[label]
    sent: list[tuple[str, Any]] = []
    with factory() as uow:
        connection = uow.session.connection()

        def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                sent.append((statement, params))

        event.listen(connection, "before_cursor_execute", capture)
        read_only(uow.session)
        WIDGETS[name](uow.session, build(0))
        event.remove(connection, "before_cursor_execute", capture)
        lines = []
        for statement, params in sent:
            cursor = connection.connection.driver_connection.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            lines.append(f"--- {name} / {label}:\n{statement.strip()}\n")
            lines.extend(row[0] for row in cursor.fetchall())
            lines.append("")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="a database kept by dashboard_scale.py --keep")
    parser.add_argument("--warm", type=int, default=5, help="warm runs after the cold one")
    args = parser.parse_args()
    factory = uow_factory_for(args.url)
    now = datetime.now(UTC).replace(microsecond=0)
    out = [f"dashboard profile, {now.isoformat()}", *server_facts(factory), ""]
    found = timings(factory, args.warm, now)
    out.append(f"{'query':<18} {'filters':<16} {'cold ms':>9} {'warm ms':>9}")
    for name, by_label in found.items():
        for label, (cold, warm) in by_label.items():
            out.append(f"{name:<18} {label:<16} {cold:>9.1f} {warm:>9.1f}")
    out.append("")
    for name, by_label in found.items():
        slowest = max(by_label, key=lambda label: by_label[label][1])
        out.extend(plans(factory, name, slowest, now))
    report = "\n".join(out) + "\n"
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
