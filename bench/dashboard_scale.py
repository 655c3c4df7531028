"""The supervisors' dashboard queries at 1,000,000 cases, on PostgreSQL.

Creates a throwaway database on the server, migrates it, loads the reference data and the
East Java demo directory (about 5,900 coordinators), generates the cases and their tasks
with set-based SQL (generate_series; no ORM rows) with the rollups' triggers off, then
rebuilds the rollups from the facts (`sekber rebuild-rollups`, set-based: far quicker
than a trigger per row) and turns the triggers on again, VACUUM ANALYZEs, then times every
dashboard query through the same functions the API calls
(services.intake.dashboard.queries), with varying filters: national, the province, one
kab/kota, and each with a pillar filter. Then checks the rollups' numbers against a direct
count over the facts (bench/dashboard_verify.py) and exits 1, saying what differs, if any
does.

    .venv/bin/python bench/dashboard_scale.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--cases 1000000] [--reps 10] [--keep] [--reuse DATABASE_URL] [--check] [--no-verify]

Prints p50/p95 per query against the 200 ms target and against a primary-key case lookup
timed in the same run (--check: exit 1 when a p95 is over 200 ms or 50 x the lookup's),
writes bench/results/dashboard_scale.json, appends the run to
bench/results/dashboard_scale_runs.jsonl, and drops the database unless --keep (then
--reuse <its URL> times again without regenerating).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dashboard_verify import verify
from bench.gaps_verify import verify_gaps
from sekber_cli.bootstrap import prepare_database
from services.intake.dashboard import gaps, measures, queries
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import Filters
from shared.db import read_only, uow_factory_for
from shared.models import Case
from shared.rollups.rebuild import rebuild_rollups

RESULTS = Path(__file__).resolve().parent / "results" / "dashboard_scale.json"
HISTORY = RESULTS.with_name("dashboard_scale_runs.jsonl")
TARGET_MS = 200.0
TARGET_RATIO = 50.0  # p95 over the primary-key lookup's p95, measured in the same run
SETTINGS = ("server_version", "shared_buffers", "work_mem", "effective_cache_size",
            "random_page_cost", "jit", "max_parallel_workers_per_gather")  # fmt: skip
TRIGGERS = {"cases": ("dashboard_case_changed", "dashboard_case_updated"),
            "referrals": ("dashboard_task_changed", "dashboard_task_updated")}  # fmt: skip


def triggers(state: str) -> str:
    """ALTER TABLE statements turning the rollups' triggers off (DISABLE) or on (ENABLE)."""
    return "; ".join(
        f"ALTER TABLE {table} {state} TRIGGER {name}"
        for table, names in TRIGGERS.items()
        for name in names
    )


YEARS = 4  # the cases spread over the last four years, evenly
SEED = 0.2026

# Weighted draws: an element appears as often as its weight.
URGENCIES = ["emergency"] * 3 + ["high"] * 22 + ["normal"] * 55 + ["low"] * 20
CATEGORIES = (
    ["FM"] * 18 + ["LUT"] * 16 + ["PD"] * 12 + ["KBA"] * 8 + ["ANJAL"] * 5 + ["ABT"] * 5
    + ["GEL"] * 4 + ["TS"] * 4 + ["KTK"] * 4 + ["AT"] * 3 + ["ABH"] * 3 + ["PEM"] * 3
    + ["KBS"] * 3 + ["ODHA"] * 2 + ["KTR"] * 2 + ["PMBS"] * 2 + ["ADK"] * 2 + ["AKTK", "AMPK"]
    + ["PENG", "BWBLP", "KPN", "PRSE", "KBSP", "KAT", "KM"]
)  # fmt: skip
PILLARS = (
    ["TKSK"] * 6 + ["PSM"] * 3 + ["PUSKESOS"] * 2 + ["LKS"] * 2 + ["PKH"] * 2
    + ["DINSOS", "TAGANA", "KARANG_TARUNA", "LK3", "CSR"]
)  # fmt: skip
DECLINE_REASONS = ["not_eligible", "no_capacity", "out_of_area", "duplicate", "other",
                   "no_capacity", "not_eligible", "out_of_area"]  # fmt: skip
# Nominal hours per urgency: accept, first contact, resolve (working days taken as 1.4 d).
CLOCKS = "('emergency',1,3,34),('high',4,34,168),('normal',67,168,470),('low',168,470,2016)"


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def pick(values: list[str], draw: str = "random()") -> str:
    return f"({sql_array(values)})[1 + floor({draw} * {len(values)})::int]"


GENERATE = [
    ("settings", "SET synchronous_commit = off; SET work_mem = '256MB'"),
    ("rollup triggers off", triggers("DISABLE")),
    ("seed", f"SELECT setseed({SEED})"),
    (
        "villages",
        """CREATE TEMP TABLE v AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code
        FROM regions WHERE level = 'village' AND code LIKE '35.%'""",
    ),
    (
        "cases",
        f"""INSERT INTO cases (id, tracking_code, status, category_code, village_code, urgency,
          description, needs, beneficiary_name, reporter_name, reported_by, legal_basis,
          correlation_id, created_at, updated_at)
        SELECT gen_random_uuid(), 'BENCH' || lpad(g::text, 8, '0'), 'closed',
          {pick(CATEGORIES)}, v.code, {pick(URGENCIES)}, 'bench', '[]'::json, 'Bench', 'Bench',
          'case_worker:bench', 'public_service', md5(g::text), t.at, t.at
        FROM (SELECT g, floor(random() * (SELECT count(*) FROM v))::int AS i,
          :now - random() * interval '{YEARS * 365} days' AS at
          FROM generate_series(1, :cases) g) t
        JOIN v ON v.i = t.i""",
    ),
    (
        "coordinator pools",
        """CREATE TEMP TABLE cz AS SELECT pillar_code AS pillar, substr(region_code, 1, 5) AS kab,
          id, row_number() OVER (PARTITION BY pillar_code, substr(region_code, 1, 5)
          ORDER BY id) - 1 AS i FROM coordinators
          WHERE region_code LIKE '35.%' AND length(region_code) >= 5;
        CREATE TEMP TABLE cn AS SELECT pillar, kab, count(*) AS n FROM cz GROUP BY 1, 2""",
    ),
    (
        "task plans",
        f"""CREATE TEMP TABLE t AS
        SELECT gen_random_uuid() AS id, c.id AS case_id, c.urgency, c.village_code,
          c.category_code, c.created_at AS received,
          c.created_at + k * interval '2 minutes' AS created_at,
          substr(c.village_code, 1, 5) AS kab,
          {pick(PILLARS)} AS pillar, random() AS r_acc, random() AS r_con, random() AS r_res,
          random() AS r_out, random() AS r_pick, random() AS r_misc
        FROM cases c CROSS JOIN LATERAL
          generate_series(1, 1 + (random() < 0.45)::int + (random() < 0.12)::int
            + 0 * length(c.urgency)) k""",
    ),
    (
        "task times",
        f"""CREATE TEMP TABLE p AS
        SELECT t.*, cz.id AS coordinator_id, b.*,
          b.assigned + b.acc_h * interval '1 hour' AS accept_due,
          b.assigned + b.res_h * interval '1 hour' AS resolve_due,
          b.accepted + b.con_h * interval '1 hour' AS contact_due,
          CASE WHEN t.r_out < 0.07 THEN 'reject' WHEN t.r_out < 0.085 THEN 'lapse'
            WHEN t.r_out < 0.10 THEN 'cancel' WHEN t.r_out < 0.13 THEN 'fail'
            WHEN t.r_out > 0.994 AND t.created_at > :now - interval '21 days' THEN 'unassigned'
            ELSE 'complete' END AS plan
        FROM t JOIN (VALUES {CLOCKS}) AS u(urgency, acc_h, con_h, res_h) USING (urgency)
        JOIN cn ON cn.pillar = t.pillar AND cn.kab = t.kab
        JOIN cz ON cz.pillar = t.pillar AND cz.kab = t.kab AND cz.i = floor(t.r_pick * cn.n)
        CROSS JOIN LATERAL (SELECT
          u.acc_h, u.con_h, u.res_h, t.created_at + interval '1 minute' AS assigned,
          t.created_at + interval '1 minute'
            + u.acc_h * (0.05 + t.r_acc ^ 2 * 1.3) * interval '1 hour' AS accepted,
          t.created_at + interval '1 minute' + u.acc_h * (0.05 + t.r_acc ^ 2 * 1.3)
            * interval '1 hour' + u.con_h * (0.05 + t.r_con ^ 2 * 1.2) * interval '1 hour'
            AS started,
          t.created_at + interval '1 minute' + greatest(
            u.acc_h * (0.05 + t.r_acc ^ 2 * 1.3) + u.con_h * (0.05 + t.r_con ^ 2 * 1.2) + 1,
            u.res_h * (0.1 + t.r_res ^ 2 * 1.25) * CASE WHEN t.r_misc < 0.015 THEN 8 ELSE 1 END
          ) * interval '1 hour' AS finished) b""",
    ),
    (
        "task states",
        f"""CREATE TEMP TABLE s AS SELECT p.*, CASE
          WHEN plan = 'unassigned' THEN 'unassigned'
          WHEN plan = 'reject' THEN CASE WHEN assigned + (accepted - assigned) / 2 <= :now
            THEN 'rejected' ELSE 'requested' END
          WHEN plan = 'lapse' THEN CASE WHEN accept_due + interval '5 minutes' <= :now
            THEN 'cancelled' ELSE 'requested' END
          WHEN plan = 'cancel' THEN CASE WHEN assigned + (accepted - assigned) / 3 <= :now
            THEN 'cancelled' ELSE 'requested' END
          WHEN finished <= :now THEN CASE plan WHEN 'fail' THEN 'failed' ELSE 'completed' END
          WHEN started <= :now THEN CASE WHEN r_misc > 0.9 THEN 'on-hold' ELSE 'in-progress' END
          WHEN accepted <= :now THEN 'accepted'
          ELSE 'requested' END AS status,
          {pick(DECLINE_REASONS, "r_misc")} AS decline_reason
        FROM p""",
    ),
    (
        "referrals",
        """INSERT INTO referrals (id, case_id, pillar_code, coordinator_id, status, version,
          purpose, purpose_en, care, start_level, matched_level, rule_id, rules_version,
          explanation, reason_code, outcome_code, assigned_at, accepted_at, started_at,
          closed_at, accept_due_at, contact_due_at, resolve_due_at, deadline_marks,
          escalation_level, created_at, updated_at, case_village_code, case_category_code,
          case_urgency, case_received_at)
        SELECT id, case_id, pillar,
          CASE WHEN status = 'unassigned' THEN NULL ELSE coordinator_id END,
          status, 3, 'Bench', 'Bench', 'community', 'district', 'district', 'bench', 'bench',
          '{}'::json,
          CASE WHEN status = 'rejected' THEN decline_reason
            WHEN status = 'cancelled' AND plan = 'lapse' THEN 'no_response'
            WHEN status = 'cancelled' THEN 'duplicate' WHEN status = 'on-hold'
            THEN 'waiting_for_documents' WHEN status = 'failed' THEN 'could_not_contact' END,
          CASE WHEN status = 'completed' THEN 'service_given' END,
          CASE WHEN status <> 'unassigned' THEN assigned END,
          CASE WHEN status IN ('accepted', 'in-progress', 'on-hold', 'completed', 'failed')
            THEN accepted END,
          CASE WHEN status IN ('in-progress', 'on-hold', 'completed', 'failed') THEN started END,
          CASE status WHEN 'rejected' THEN assigned + (accepted - assigned) / 2
            WHEN 'cancelled' THEN CASE WHEN plan = 'lapse' THEN accept_due + interval '5 minutes'
              ELSE assigned + (accepted - assigned) / 3 END
            WHEN 'completed' THEN finished WHEN 'failed' THEN finished END,
          CASE WHEN status <> 'unassigned' THEN accept_due END,
          CASE WHEN status IN ('accepted', 'in-progress', 'on-hold', 'completed', 'failed')
            THEN contact_due END,
          CASE WHEN status <> 'unassigned' THEN resolve_due END,
          '[]'::json, 0, created_at, created_at, village_code, category_code, urgency, received
        FROM s""",
    ),
    (
        "case status",
        """UPDATE cases SET status = 'open' WHERE id IN (SELECT case_id FROM referrals WHERE status
          IN ('routing', 'unassigned', 'requested', 'accepted', 'in-progress', 'on-hold'))""",
    ),
    (
        "notifications",
        """INSERT INTO notifications (id, dedup_key, event_id, kind, case_id, referral_id,
          coordinator_id, channel, address, language, subject, body, state, attempts,
          created_at, sent_at)
        SELECT gen_random_uuid(), id::text || ':c:email', gen_random_uuid(), 'assigned',
          case_id, id, coordinator_id, 'email', 'x@demo.sekber.example', 'id', 'Bench', 'Bench',
          CASE WHEN r_misc < 0.01 THEN 'dead' ELSE 'sent' END, 1, assigned, assigned
        FROM s WHERE status <> 'unassigned' AND created_at > :now - interval '180 days'""",
    ),
    ("drop temporaries", "DROP TABLE v, cz, cn, t, p, s"),
    ("rollup triggers on", triggers("ENABLE")),
    # As autovacuum leaves a table at rest: statistics, and the visibility map that lets
    # the dashboard's covering indexes answer without reading the tables.
    ("vacuum analyze", "VACUUM ANALYZE"),
]


def generate(url: str, *, cases: int, now: datetime) -> dict[str, float]:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    took = {}
    with engine.connect() as conn:
        for name, statement in GENERATE:
            started = time.perf_counter()
            for part in statement.split(";"):
                conn.execute(text(part), {"cases": cases, "now": now})
            took[name] = round(time.perf_counter() - started, 1)
            say(f"  {name}: {took[name]} s")
            if name == "rollup triggers on":
                took["rollups rebuilt"] = rebuild(url, now=now)
    engine.dispose()
    return took


def rebuild(url: str, *, now: datetime) -> float:
    """The rollups summed from the facts in one transaction, as the command does."""
    started = time.perf_counter()
    with uow_factory_for(url)() as uow:
        rows = rebuild_rollups(uow.session, now=now)
        uow.commit()
    took = round(time.perf_counter() - started, 1)
    say(f"  rollups rebuilt: {rows:,} rows in {took} s")
    return took


def counts(engine: Engine, now: datetime) -> dict[str, int]:
    recent = now - timedelta(weeks=12)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                """SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM referrals),
                (SELECT count(*) FROM coordinators), (SELECT count(*) FROM notifications),
                (SELECT count(*) FROM referrals WHERE status IN ('routing', 'unassigned',
                  'requested', 'accepted', 'in-progress', 'on-hold')),
                (SELECT count(*) FROM cases WHERE created_at >= :recent)"""
            ),
            {"recent": recent},
        ).one()
    keys = ("cases", "tasks", "coordinators", "notifications", "open_tasks", "cases_12_weeks")
    found = dict(zip(keys, row, strict=True))
    with engine.connect() as conn:
        found["rollup_rows"] = conn.scalar(text("SELECT count(*) FROM dashboard_rollups"))
    return found


def server(engine: Engine) -> dict[str, Any]:
    """The settings plans depend on, and the tables' sizes."""
    with engine.connect() as conn:
        found: dict[str, Any] = {n: conn.scalar(text(f"SHOW {n}")) for n in SETTINGS}
        for table in ("cases", "referrals", "dashboard_rollups", "dashboard_case_ends"):
            found[f"size_{table}"] = conn.scalar(
                text("SELECT pg_size_pretty(pg_total_relation_size(CAST(:t AS regclass)))"),
                {"t": table},
            )
    return found


def variants(now: datetime, kabs: list[str]) -> list[tuple[str, Callable[[int], Filters]]]:
    span = measures.period(first=None, last=None, now=now)

    def make(
        scope: str | Callable[[int], str], pillar: str | None = None
    ) -> Callable[[int], Filters]:
        def build(i: int) -> Filters:
            where = scope(i) if callable(scope) else scope
            return Filters(scope=where, period=span, now=now, pillar=pillar)

        return build

    def kab(i: int) -> str:
        return kabs[i % len(kabs)]

    return [
        ("national", make("")),
        ("province", make("35")),
        ("kabkota", make(kab)),
        ("national+pillar", make("", "TKSK")),
        ("province+pillar", make("35", "PSM")),
        ("kabkota+pillar", make(kab, "TKSK")),
    ]


WIDGETS: dict[str, Callable[..., Any]] = {
    "summary": lambda s, f: queries.summary(s, f=f),
    "flow": lambda s, f: queries.flow(s, f=f, bucket=Bucket.WEEK),
    "open_tasks": lambda s, f: queries.open_tasks(s, f=f),
    "resolution_times": lambda s, f: queries.resolution_times(s, f=f, bucket=Bucket.WEEK),
    "breaches": lambda s, f: queries.breaches(s, f=f, bucket=Bucket.WEEK),
    "decline_reasons": lambda s, f: queries.decline_reasons(s, f=f),
    "backlog": lambda s, f: queries.backlog(s, f=f),
    # Issue 26: a province's kab/kota from the rollups (the national filter sets ask for
    # East Java, the default), a kab/kota's kecamatan from its tasks.
    "service_gaps": lambda s, f: gaps.read_rows(s, gap_ask(f)),
}


def gap_ask(f: Filters) -> gaps.GapAsk:
    return gaps.GapAsk(f.scope or "35", "", f.period, f.now, f.pillar)


def measure(url: str, *, reps: int, now: datetime) -> dict[str, Any]:
    factory = uow_factory_for(url)
    with factory() as uow:
        kabs = list(
            uow.session.scalars(
                text("SELECT code FROM regions WHERE level = 'regency' AND code LIKE '35.%'")
            )
        )
        ids = list(uow.session.scalars(select(Case.id).limit(2000)))
    times: dict[str, list[float]] = {"baseline_pk_lookup": []}
    by_variant: dict[str, dict[str, list[float]]] = {w: {} for w in WIDGETS}
    plan = variants(now, kabs)
    with factory() as uow:  # one warm-up pass: the first touch of each index reads the disk
        read_only(uow.session)
        for widget in WIDGETS.values():
            for _, build in plan:
                widget(uow.session, build(0))
    for rep in range(reps):
        for name, widget in WIDGETS.items():
            for label, build in plan:
                f = build(rep)
                with factory() as uow:
                    read_only(uow.session)
                    started = time.perf_counter()
                    widget(uow.session, f)
                    ms = (time.perf_counter() - started) * 1000
                times.setdefault(name, []).append(ms)
                by_variant[name].setdefault(label, []).append(ms)
            for case_id in ids[rep * 20 : rep * 20 + 20]:
                with factory() as uow:
                    started = time.perf_counter()
                    uow.session.get(Case, case_id)
                    times["baseline_pk_lookup"].append((time.perf_counter() - started) * 1000)
        say(f"  round {rep + 1} of {reps}")
    return {"all": times, "by_variant": by_variant}


def p(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", help="time an existing (kept) database; generate nothing")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a p95 misses 200 ms or 50 x the pk's"
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="skip checking the rollups against the facts"
    )
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    name = f"sekber_bench_{uuid.uuid4().hex[:8]}"
    url = args.reuse or make_url(args.url).set(database=name).render_as_string(False)
    generated: dict[str, float] = {}
    try:
        if not args.reuse:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            say(f"Database {name}: migrating, loading regions and the demo directory ...")
            started = time.perf_counter()
            prepare_database(url, demo=True, echo=say)
            generated["reference"] = round(time.perf_counter() - started, 1)
            say(f"Generating {args.cases:,} cases ...")
            generated |= generate(url, cases=args.cases, now=now)
        engine = create_engine(url)
        sizes = counts(engine, now)
        settings = server(engine)
        engine.dispose()
        say(f"Server: {settings}")
        say(f"Rows: {sizes}")
        say(f"Timing {len(WIDGETS)} queries x 6 filter sets x {args.reps} rounds ...")
        load_before = os.getloadavg()
        times = measure(url, reps=args.reps, now=now)
        times["load_average"] = {"before": load_before, "after": os.getloadavg()}
        problems = [] if args.no_verify else verify(url, now=now, say=say)
        if not args.no_verify:
            problems += verify_gaps(url, now=now, say=say)
    finally:
        if not args.keep and not args.reuse:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        elif not args.reuse:
            say(f"Kept: {url}")
        admin.dispose()
    for problem in problems:
        say(f"DIFFERS {problem}")
    code = report(times, sizes=sizes, generated=generated, settings=settings, check=args.check)
    if problems:
        say(f"FAILED: {len(problems)} numbers from the rollups differ from the facts")
        return 1
    return code


def report(
    times: dict[str, Any], *, sizes: dict[str, int], generated: dict[str, float],
    settings: dict[str, Any], check: bool,
) -> int:  # fmt: skip
    base = times["all"]["baseline_pk_lookup"]
    base95 = p(base, 0.95)
    rows = {}
    print(f"{'query':<20} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/pk':>8}  target")
    for name, values in times["all"].items():
        p50, p95 = p(values, 0.5), p(values, 0.95)
        ok = name == "baseline_pk_lookup" or (p95 < TARGET_MS and p95 <= TARGET_RATIO * base95)
        rows[name] = {
            "n": len(values),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(values), 2),
            "p95_over_pk_lookup": round(p95 / base95, 1),
            "meets_target": ok,
            "p95_ms_by_filter": {
                label: round(p(v, 0.95), 2)
                for label, v in times["by_variant"].get(name, {}).items()
            },
        }
        mark = "" if name == "baseline_pk_lookup" else ("ok" if ok else "MISSED")
        print(
            f"{name:<20} {len(values):>4} {p50:>8.1f} {p95:>8.1f} {max(values):>8.1f} "
            f"{p95 / base95:>8.1f}  {mark}"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    run = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "target_p95_ms": TARGET_MS,
        "target_p95_over_pk_lookup": TARGET_RATIO,
        "load_average_1_5_15_min": times["load_average"],
        "postgresql": settings,
        "rows": sizes,
        "generation_seconds": generated,
        "queries": rows,
    }
    RESULTS.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    with HISTORY.open("a", encoding="utf-8") as history:  # every run, not only the best
        history.write(json.dumps(run) + "\n")
    print(
        f"Target: p95 < {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f} x the baseline's for every"
        " query; baseline: a primary-key case lookup"
    )
    print(f"Wrote {RESULTS}")
    missed = [n for n, r in rows.items() if not r["meets_target"]]
    return 1 if check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
