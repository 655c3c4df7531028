"""How long one routing decision takes as the coordinator directory grows.

For each directory size, coordinators are spread over the whole national region list
(seeded), a shared.routing.directory.Snapshot is built from them (timed on its own), and
`decide` is timed for the same sample of cases at every size. The rounds interleave the
sizes, so a noisy neighbour slows them all alike; compare sizes within one run.

    .venv/bin/python bench/routing_decision.py [--sample 3000] [--rounds 3] [--check]

Prints a table and writes bench/results/routing_decision.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from shared.domain import categories
from shared.domain.routing.engine import decide
from shared.domain.routing.facts import CaseFacts, DisasterScope, Need
from shared.domain.routing.rules import RuleSet, load_default
from shared.domain.urgency import Urgency
from shared.reference.regions import DEFAULT_CSV, read_regions_csv
from shared.routing.directory import Entry, Snapshot, StaticDirectory

RESULTS = Path(__file__).resolve().parent / "results" / "routing_decision.json"
SIZES = (100, 10_000, 100_000)
SEED = 2020
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

TARGET_US = 1_000.0  # p95 of one decision, at every size
TARGET_GROWTH = 1.5  # slowest mean over the smallest directory's mean

# Shares of the directory by tier, filled in this order. Each tier spreads over distinct
# places before it puts a second coordinator anywhere, and the upper tiers stop at a
# realistic number per place; what a tier cannot place goes to the villages.
TKSK_SHARE = 0.25  # one TKSK per kecamatan at most
UPPER_SHARE = {"regency": 0.12, "province": 0.03}
UPPER_PER_PLACE = {"regency": 8, "province": 8}
VILLAGE_PILLARS = ("PSM", "PUSKESOS", "KARANG_TARUNA")
UPPER_PILLARS = {
    "regency": ("TAGANA", "DINSOS", "CSR", "LKS", "LKS", "LK3", "PUSKESOS", "PSM"),
    "province": ("DINSOS", "CSR", "JSC", "LKS", "LKS", "LKS", "TAGANA", "DINSOS"),
}
LKS_CATEGORIES: tuple[frozenset[str] | None, ...] = (
    None,
    frozenset({"ABT", "AT", "ABH", "ANJAL", "ADK", "AKTK", "AMPK"}),
    frozenset({"LUT"}),
    frozenset({"PD", "ADK"}),
    frozenset({"GEL", "PENG", "PEM", "BWBLP", "KPN", "ODHA", "KTR", "PMBS", "TS", "PRSE"}),
)
CAPACITY = {
    "TKSK": 30, "PSM": 15, "KARANG_TARUNA": 20, "PUSKESOS": 40, "LKS": 20, "CSR": 50,
    "TAGANA": 50, "LK3": 30, "JSC": 100, "DINSOS": 200,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Directory:
    size: int
    snapshot: Snapshot
    static: StaticDirectory
    build_ms: float
    build_ms_no_gc: float


@dataclass(frozen=True, slots=True)
class Row:
    size: int
    decisions: int
    median_us: float
    p95_us: float
    mean_us: float
    build_ms: float
    build_ms_no_gc: float
    tasks_per_case: float
    assigned_pct: float
    considered_per_task: float


def places_by_level(path: Path) -> dict[str, list[str]]:
    by_level: dict[str, list[str]] = {"province": [], "regency": [], "district": [], "village": []}
    for row in read_regions_csv(path):
        by_level[row.level].append(row.code)
    return by_level


def spread(rng: random.Random, places: Sequence[str], count: int) -> list[str]:
    """`count` places: every place once (shuffled) before any place twice."""
    out: list[str] = []
    while len(out) < count:
        batch = list(places)
        rng.shuffle(batch)
        out.extend(batch[: count - len(out)])
    return out


def coordinators(size: int, places: dict[str, list[str]], rng: random.Random) -> list[Entry]:
    tksk = min(round(size * TKSK_SHARE), len(places["district"]))
    upper = {
        level: min(round(size * share), UPPER_PER_PLACE[level] * len(places[level]))
        for level, share in UPPER_SHARE.items()
    }
    village = size - tksk - sum(upper.values())
    slots = [("TKSK", code) for code in spread(rng, places["district"], tksk)]
    for level, count in upper.items():
        slots += [(rng.choice(UPPER_PILLARS[level]), c) for c in spread(rng, places[level], count)]
    slots += [(rng.choice(VILLAGE_PILLARS), c) for c in spread(rng, places["village"], village)]
    return [entry(pillar, code, rng) for pillar, code in slots]


def entry(pillar: str, code: str, rng: random.Random) -> Entry:
    on_leave = rng.random() < 0.03
    return Entry(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        name=f"{pillar} {code}",
        pillar=pillar,
        region_code=code,
        active=rng.random() < 0.95,
        capacity=CAPACITY[pillar],
        on_leave_until=TODAY + timedelta(days=rng.randint(0, 14)) if on_leave else None,
        categories=rng.choice(LKS_CATEGORIES) if pillar == "LKS" else None,
    )


def loads(
    entries: Sequence[Entry], rng: random.Random
) -> dict[uuid.UUID, tuple[int, datetime | None]]:
    out: dict[uuid.UUID, tuple[int, datetime | None]] = {}
    for e in entries:
        load = e.capacity if rng.random() < 0.1 else rng.randint(0, e.capacity - 1)
        last = None if rng.random() < 0.2 else NOW - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
        out[e.id] = (load, last)
    return out


def build(size: int, places: dict[str, list[str]]) -> Directory:
    rng = random.Random(f"{SEED}-{size}")
    entries = coordinators(size, places, rng)
    gc.collect()
    started = time.perf_counter()
    Snapshot(entries)
    build_ms = (time.perf_counter() - started) * 1e3
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        snapshot = Snapshot(entries)
        build_ms_no_gc = (time.perf_counter() - started) * 1e3
    finally:
        gc.enable()
    static = StaticDirectory(snapshot, today=TODAY, loads=loads(entries, rng))
    return Directory(size, snapshot, static, build_ms, build_ms_no_gc)


def sample_cases(villages: Sequence[str], count: int) -> list[CaseFacts]:
    """The same cases for every size: places, categories and needs drawn once."""
    rng = random.Random(f"{SEED}-cases")
    codes = list(categories.BY_CODE)
    needs = list(Need)
    cases = []
    for _ in range(count):
        category = rng.choice(codes)
        how_many = rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
        scope = None
        if category in ("KBA", "KBS"):
            scope = rng.choice((None, *DisasterScope))
        cases.append(
            CaseFacts(
                category=category,
                village_code=rng.choice(villages),
                urgency=rng.choice(list(Urgency)).value,
                needs=frozenset(rng.sample(needs, how_many)),
                disaster_scope=scope,
            )
        )
    return cases


Work = tuple[int, int]  # (tasks in the decision, candidates considered over all tasks)


@dataclass(frozen=True, slots=True)
class Measured:
    rows: list[Row]
    # Median µs by size for decisions that did the same work, where two or more sizes
    # have enough of them: this separates the directory's size from the work done.
    like_for_like: dict[Work, dict[int, float]]


def measure(
    directories: Sequence[Directory], cases: Sequence[CaseFacts], rules: RuleSet, rounds: int
) -> Measured:
    times: dict[int, list[int]] = {d.size: [] for d in directories}
    work: dict[int, list[Work]] = {}
    rows = []
    for d in directories:  # the warm-up pass, which also counts the work of each case
        made = [decide(case=case, rules=rules, directory=d.static) for case in cases]
        work[d.size] = [(len(m), sum(len(t.explanation["considered"]) for t in m)) for m in made]
        tasks = [t for m in made for t in m]
        rows.append(
            {
                "tasks_per_case": len(tasks) / len(cases),
                "assigned_pct": 100 * sum(t.coordinator_id is not None for t in tasks) / len(tasks),
                "considered_per_task": sum(w[1] for w in work[d.size]) / len(tasks),
            }
        )
    for _ in range(rounds):
        for d in directories:
            gc.collect()
            clock, static, out = time.perf_counter_ns, d.static, times[d.size]
            for case in cases:
                started = clock()
                decide(case=case, rules=rules, directory=static)
                out.append(clock() - started)
    result = []
    by_work: dict[Work, dict[int, list[float]]] = {}
    for d, counts in zip(directories, rows, strict=True):
        micros = [t / 1e3 for t in times[d.size]]
        for i, us in enumerate(micros):
            by_work.setdefault(work[d.size][i % len(cases)], {}).setdefault(d.size, []).append(us)
        micros.sort()
        result.append(
            Row(
                size=d.size,
                decisions=len(micros),
                median_us=statistics.median(micros),
                p95_us=micros[int(0.95 * (len(micros) - 1))],
                mean_us=statistics.fmean(micros),
                build_ms=d.build_ms,
                build_ms_no_gc=d.build_ms_no_gc,
                **counts,
            )
        )
    enough = 50 * rounds
    like = {
        w: {size: statistics.median(v) for size, v in sizes.items() if len(v) >= enough}
        for w, sizes in sorted(by_work.items())
    }
    return Measured(result, {w: m for w, m in like.items() if len(m) >= 2})


def growth_of(medians: dict[int, float]) -> float:
    return medians[max(medians)] / medians[min(medians)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=3_000, help="cases per size and round")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the sample")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    places = places_by_level(DEFAULT_CSV)
    regions_s = time.perf_counter() - started
    rules = load_default()
    directories = [build(size, places) for size in SIZES]
    cases = sample_cases(places["village"], args.sample)
    measured = measure(directories, cases, rules, args.rounds)
    rows = measured.rows

    smallest = rows[0].mean_us
    growth = max(r.mean_us for r in rows) / smallest
    # The growth target is about the directory's size, so it is judged on decisions doing
    # the same work (same tasks, same candidates to explain) at each size. The raw ratio of
    # means mixes in that a bigger directory finds (and explains) more candidates.
    size_growth = max(growth_of(m) for m in measured.like_for_like.values())
    fast_enough = all(r.p95_us <= TARGET_US for r in rows)
    flat_enough = size_growth <= TARGET_GROWTH

    regions = sum(len(v) for v in places.values())
    print(f"routing decision benchmark: {regions:,} regions loaded in {regions_s:.1f} s;")
    print(f"rules {rules.version}; {args.sample:,} cases x {args.rounds} rounds per size")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print()
    header = (
        f"{'size':>8} {'decisions':>9} {'median µs':>10} {'p95 µs':>8} {'mean µs':>8}"
        f" {'build ms':>9} {'(no gc)':>8} {'tasks/case':>10} {'assigned':>8}"
        f" {'considered/task':>15}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.size:>8,} {r.decisions:>9,} {r.median_us:>10.1f} {r.p95_us:>8.1f}"
            f" {r.mean_us:>8.1f} {r.build_ms:>9.1f} {r.build_ms_no_gc:>8.1f}"
            f" {r.tasks_per_case:>10.2f} {r.assigned_pct:>7.1f}% {r.considered_per_task:>15.2f}"
        )
    print()
    print("like for like: median µs of decisions doing the same work at each size")
    print(f"{'tasks':>5} {'considered':>10} " + " ".join(f"{s:>9,}" for s in SIZES) + "   growth")
    for (tasks, considered), medians in measured.like_for_like.items():
        cells = " ".join(f"{medians[s]:>9.1f}" if s in medians else f"{'-':>9}" for s in SIZES)
        print(f"{tasks:>5} {considered:>10} {cells}   {growth_of(medians):.2f}x")
    print()
    slowest = max(rows, key=lambda r: r.mean_us)
    print(
        f"growth: slowest mean ({slowest.size:,}) / smallest-size mean ({rows[0].size:,})"
        f" = {growth:.2f}x (more of the work is finding and explaining candidates)"
    )
    print(f"growth for the same work (worst row above) = {size_growth:.2f}x")
    print(f"target p95 <= {TARGET_US:,.0f} µs per decision: {'holds' if fast_enough else 'MISSED'}")
    print(
        f"target growth <= {TARGET_GROWTH}x for the same work: "
        f"{'holds' if flat_enough else 'MISSED'}"
    )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "routing_decision",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "rules_version": rules.version,
        "regions": regions,
        "seed": SEED,
        "cases": args.sample,
        "rounds": args.rounds,
        "rows": [asdict(r) for r in rows],
        "growth": growth,
        "growth_same_work": size_growth,
        "like_for_like": [
            {
                "tasks": t,
                "considered": c,
                "median_us": {str(k): v for k, v in m.items()},
                "growth": growth_of(m),
            }
            for (t, c), m in measured.like_for_like.items()
        ],
        "targets": {
            "p95_us": TARGET_US,
            "growth": TARGET_GROWTH,
            "p95_holds": fast_enough,
            "growth_holds": flat_enough,
        },
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 1 if args.check and not (fast_enough and flat_enough) else 0


if __name__ == "__main__":
    sys.exit(main())
