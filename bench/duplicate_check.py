"""The duplicate check at intake with 1,000,000 stored cases, on PostgreSQL.

Creates a throwaway database on the server, migrates it and loads the regions, then
generates the cases with set-based SQL: names drawn from a pool made by
bench/name_variants.py's generator (so common words such as Siti and Muhammad are common
here too), a birth date for 70 % of them (the category follows it: LUT before 1966, AT
after 2008, else FM, PD or GEL), a NIK blind index for 60 %, spread over East Java's 8,494
villages; a fifth still open. Each case's name keys (case_name_keys) come from
the pool's keys, computed once per pool name by shared/domain/names.py.

Then, for `--probes` referrals (half new people, 60 % of them with a NIK; half variants of
an open case's person, written as another case worker would), times in one transaction
each, rolled back:
- `check`: shared.duplicates.find.record on a stored new case, what intake adds: the name
  keys written, the look-up (blind index, birth date, name keys) and the flags written;
- `baseline`: the same new case stored without the check (the insert the check rides on).
Prints p50/p95 of each and of the difference against the 2 ms target; writes
bench/results/duplicate_check.json; drops the database unless --keep.

    .venv/bin/python bench/duplicate_check.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--cases 1000000] [--probes 2000] [--keep] [--reuse DATABASE_URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.name_variants import person, variant, written
from sekber_cli.bootstrap import prepare_database
from shared.db import uow_factory_for
from shared.domain import names
from shared.duplicates import find
from shared.identity import keyring
from shared.models import Case
from tests.support.auth import DATA_KEY

RESULTS = Path(__file__).resolve().parent / "results" / "duplicate_check.json"
TARGET_MS = 2.0
POOL = 20_000
SEED = 2026


def say(message: str) -> None:
    print(message, flush=True)


def pool(rng: random.Random) -> list[tuple[str, list[str]]]:
    """Distinct names with their sound keys."""
    seen: dict[str, list[str]] = {}
    while len(seen) < POOL:
        name = written(person(rng))
        seen.setdefault(name, sorted(names.word_keys(name)))
    return list(seen.items())


def generate(url: str, *, cases: int, rng: random.Random) -> dict[str, float]:
    engine = create_engine(url)
    took: dict[str, float] = {}
    names_pool = pool(rng)
    steps = [
        ("settings", "SET synchronous_commit = off; SET work_mem = '256MB'", {}),
        ("seed", "SELECT setseed(0.2026)", {}),
        ("pool", "CREATE TEMP TABLE np (i int, name text, keys text[])", {}),
        (
            "villages",
            """CREATE TEMP TABLE v AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code
            FROM regions WHERE level = 'village' AND code LIKE '35.%'""",
            {},
        ),
        (
            "cases",
            """INSERT INTO cases (id, tracking_code, status, category_code, village_code,
              urgency, description, needs, beneficiary_name, beneficiary_birth_date,
              beneficiary_nik_index, reporter_name, reported_by, legal_basis, correlation_id,
              created_at, updated_at)
            SELECT gen_random_uuid(), 'BENCH' || lpad(g::text, 8, '0'), t.status,
              CASE WHEN t.born < date '1966-01-01' THEN 'LUT'
                   WHEN t.born > date '2008-01-01' THEN 'AT'
                   WHEN t.born IS NOT NULL THEN (ARRAY['FM','PD','GEL'])[1 + t.g % 3]
                   ELSE (ARRAY['LUT','FM','PD'])[1 + t.g % 3] END,
              v.code, 'normal', 'bench', '[]'::json, np.name, t.born,
              CASE WHEN random() < 0.6 THEN md5(g::text) || md5((g + 1)::text) END,
              'Bench', 'case_worker:bench', 'public_service', md5(g::text), now(), now()
            FROM (SELECT g, floor(random() * (SELECT count(*) FROM v))::int AS vi,
                    floor(random() * :pool)::int AS ni,
                    CASE WHEN random() < 0.2 THEN 'open' ELSE 'closed' END AS status,
                    CASE WHEN random() < 0.7
                      THEN date '1930-01-01' + floor(random() * 32000)::int END AS born
                  FROM generate_series(1, :cases) g) t
            JOIN v ON v.i = t.vi JOIN np ON np.i = t.ni""",
            {"cases": cases, "pool": len(names_pool)},
        ),
        (
            "name keys",
            """INSERT INTO case_name_keys (area, key, case_id)
            SELECT DISTINCT substr(c.village_code, 1, 8), k, c.id
            FROM cases c JOIN np ON np.name = c.beneficiary_name, unnest(np.keys) k""",
            {},
        ),
        ("vacuum", "VACUUM ANALYZE", {}),
    ]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for label, sql, params in steps:
            started = time.perf_counter()
            if label == "pool":
                conn.execute(text(sql))
                conn.execute(
                    text("INSERT INTO np VALUES (:i, :name, :keys)"),
                    [{"i": i, "name": n, "keys": k} for i, (n, k) in enumerate(names_pool)],
                )
            else:
                for statement in sql.split(";"):
                    conn.execute(text(statement), params)
            took[label] = round(time.perf_counter() - started, 1)
            say(f"  {label}: {took[label]} s")
    engine.dispose()
    return took


def probes(url: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Half new people, half variants of the person of an open case (same birth date and
    kecamatan, the name as another case worker might write it)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        villages = list(
            conn.scalars(
                text("SELECT code FROM regions WHERE level = 'village' AND code LIKE '35.%'")
            )
        )
        open_cases = conn.execute(
            text(
                """SELECT beneficiary_name, beneficiary_birth_date, village_code, category_code
                FROM cases
                WHERE status = 'open' AND beneficiary_birth_date IS NOT NULL
                ORDER BY random() LIMIT :n"""
            ),
            {"n": count // 2},
        ).all()
    engine.dispose()
    found: list[dict[str, Any]] = []
    for name, born, village, category in open_cases:
        words = names.parse(name).given
        p = {"woman": rng.random() < 0.5, "words": list(words), "father": None}
        found.append({"name": variant(p, rng), "birth_date": born, "village": village,
                      "category": category, "kind": "variant"})  # fmt: skip
    while len(found) < count:
        born = (date(1930, 1, 1) + timedelta(days=rng.randrange(32000))
                if rng.random() < 0.7 else None)  # fmt: skip
        found.append({
            "name": written(person(rng)),
            "birth_date": born,
            "village": rng.choice(villages),
            "category": category_for(born, rng),
            "kind": "new",
        })  # fmt: skip
    rng.shuffle(found)
    return found


def nik_for(born: date | None, rng: random.Random) -> str:
    """A well-formed NIK of an East Java kecamatan carrying the birth date (any if none)."""
    born = born or date(1930, 1, 1) + timedelta(days=rng.randrange(32000))
    day = born.day + (40 if rng.random() < 0.5 else 0)
    return f"3508{rng.randint(1, 24):02d}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"


def category_for(born: date | None, rng: random.Random) -> str:
    """As the generated cases: LUT before 1966, AT after 2008, else FM, PD or GEL."""
    if born is None:
        return rng.choice(["LUT", "FM", "PD"])
    if born < date(1966, 1, 1):
        return "LUT"
    return "AT" if born > date(2008, 1, 1) else rng.choice(["FM", "PD", "GEL"])


def measure(url: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    factory = uow_factory_for(url)
    today = date.today()
    times: dict[str, list[float]] = {"baseline": [], "check": []}
    flagged = {"variant": 0, "new": 0}
    kinds = {"variant": 0, "new": 0}
    for i, probe in enumerate(cases):
        order = ("baseline", "check") if i % 2 else ("check", "baseline")
        for what in order:
            with factory() as uow:
                started = time.perf_counter()
                case = Case(
                    tracking_code=f"P{i:07d}{what[0]}",
                    status="received",
                    category_code=probe["category"],
                    village_code=probe["village"],
                    urgency="normal",
                    description="bench",
                    needs=[],
                    beneficiary_name=probe["name"],
                    beneficiary_birth_date=probe["birth_date"],
                    beneficiary_nik=probe.get("nik"),
                    reporter_name="Bench",
                    reported_by="case_worker:bench",
                    correlation_id="bench",
                )
                uow.session.add(case)
                uow.session.flush()
                if what == "check":
                    found = find.record(uow.session, case, threshold=0.85, today=today)
                    uow.session.flush()
                    kinds[probe["kind"]] += 1
                    flagged[probe["kind"]] += bool(found)
                times[what].append((time.perf_counter() - started) * 1000)
                uow.session.rollback()
    return {"times": times, "flagged": flagged, "kinds": kinds}


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", help="time an existing (kept) database; generate nothing")
    args = parser.parse_args()
    keyring.configure(DATA_KEY)
    rng = random.Random(SEED)
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    db = f"sekber_bench_{uuid.uuid4().hex[:8]}"
    url = args.reuse or make_url(args.url).set(database=db).render_as_string(False)
    generated: dict[str, float] = {}
    try:
        if not args.reuse:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{db}"'))
            say(f"Database {db}: migrating, loading regions ...")
            prepare_database(url, demo=False, echo=say)
            say(f"Generating {args.cases:,} cases ...")
            generated = generate(url, cases=args.cases, rng=rng)
        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.scalar(select(text("count(*)")).select_from(text("cases")))
            keys = conn.scalar(select(text("count(*)")).select_from(text("case_name_keys")))
        engine.dispose()
        say(f"Rows: {stored:,} cases, {keys:,} name keys; timing {args.probes} referrals ...")
        load_before = os.getloadavg()
        result = measure(url, probes(url, args.probes, rng))
    finally:
        if not args.keep and not args.reuse:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        elif not args.reuse:
            say(f"Kept: {url}")
        admin.dispose()
    times = result["times"]
    added = [c - b for c, b in zip(times["check"], times["baseline"], strict=True)]
    rows = {
        name: {"p50_ms": round(p(v, 0.5), 3), "p95_ms": round(p(v, 0.95), 3),
               "mean_ms": round(statistics.fmean(v), 3)}
        for name, v in (("baseline", times["baseline"]), ("check", times["check"]),
                        ("added_by_check", added))
    }  # fmt: skip
    print(f"{'':<16} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name, r in rows.items():
        print(f"{name:<16} {r['p50_ms']:>8.3f} {r['p95_ms']:>8.3f} {r['mean_ms']:>8.3f}")
    ratio = rows["check"]["p95_ms"] / rows["baseline"]["p95_ms"]
    print(f"check p95 / baseline p95: {ratio:.2f}; added p95 {rows['added_by_check']['p95_ms']:.3f}"
          f" ms (target <= {TARGET_MS} ms)")  # fmt: skip
    f, k = result["flagged"], result["kinds"]
    print(f"flagged: {f['variant']}/{k['variant']} variants of an open case, "
          f"{f['new']}/{k['new']} new people")  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": os.getloadavg()},
        "cases": stored, "name_keys": keys, "generation_seconds": generated,
        "probes": args.probes, "rows": rows, "check_over_baseline_p95": round(ratio, 2),
        "flagged": f, "kinds": k, "target_added_p95_ms": TARGET_MS,
    }, indent=2) + "\n", encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
