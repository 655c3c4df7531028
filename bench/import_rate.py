"""Bulk intake against single referrals: a 10,000-row spreadsheet imported through the real
processes, against the closed-loop rate of single POSTs measured in the same run.

    .venv/bin/python bench/import_rate.py              # 10,000 rows, about 3-5 minutes
    .venv/bin/python bench/import_rate.py --rows 2000  # a first look

Intake, the import worker, routing, notify, the relay and the scheduler run as real
processes on PostgreSQL (SEKBER_BENCH_DATABASE_URL, an admin URL; default the local
postgres at 127.0.0.1:5432, where it makes and drops a database of its own) and a Redis of
its own (/usr/bin/redis-server, AOF on). Both paths store the same rows (a disaster
victim each, no NIK, a name of its own, in 200 East Java villages), so each does the same
duplicate check. Prints rows/s ÷ POSTs/s (goal ≥ 5) and the time from the upload until
the last imported case was routed and its coordinator's notification recorded; writes
bench/results/import_rate.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline_load import closed_loop  # noqa: E402
from bench.pipeline_measure import wait_recorded  # noqa: E402
from bench.real_stack import machine, real_stack, say  # noqa: E402
from shared.db import uow_factory_for  # noqa: E402
from shared.domain.spreadsheet import csv_text  # noqa: E402
from tests.e2e.stack import Stack  # noqa: E402
from tests.e2e.test_referral_flow import east_java_villages  # noqa: E402
from tests.support.auth import headers_for  # noqa: E402

RESULTS = REPO / "bench" / "results"
GOAL = 5.0
HEADER = ["category", "village_code", "urgency", "description", "beneficiary_name",
          "beneficiary_birth_date", "beneficiary_sex", "needs", "disaster_scope"]  # fmt: skip
FIRST = ["Siti", "Sri", "Budi", "Agus", "Dewi", "Wahyu", "Rina", "Eko", "Tri", "Yuni"]
LAST = ["Rahayu", "Santoso", "Wulandari", "Hidayat", "Lestari", "Saputra", "Utami", "Prasetyo"]
UPLOADER = headers_for("case_worker", "tagana.lumajang@example.org", "Posko Tagana")


def victim(n: int, villages: Sequence[str], tag: str) -> list[str]:
    rng = random.Random(f"{tag}{n}")
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {tag}{n}"
    born = f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return ["KBA", villages[n % len(villages)], "high", "Rumah rusak, mengungsi", name, born,
            rng.choice("FM"), "disaster_relief", "regency"]  # fmt: skip


def as_referral(cells: list[str]) -> dict[str, Any]:
    row = dict(zip(HEADER, cells, strict=True))
    return {
        "category": row["category"],
        "village_code": row["village_code"],
        "urgency": row["urgency"],
        "description": row["description"],
        "needs": [row["needs"]],
        "disaster_scope": row["disaster_scope"],
        "beneficiary": {
            "name": row["beneficiary_name"],
            "birth_date": row["beneficiary_birth_date"],
            "sex": row["beneficiary_sex"],
        },
        "reporter": {"name": "Posko Tagana"},
    }


def single_posts(stack: Stack, villages: Sequence[str], total: int, clients: int) -> dict[str, Any]:
    def make(n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
        headers = {**UPLOADER, "Idempotency-Key": f"bench-post-{n}-{uuid.uuid4().hex}"}
        return "/api/v1/referrals", as_referral(victim(n, villages, "p")), headers

    run = closed_loop(stack.base_url, make, total=total, clients=clients)
    ok = [r for r in run.requests if r.status == 201]
    seconds = run.finished - run.started
    return {"posts": total, "ok": len(ok), "seconds": round(seconds, 2),
            "per_s": round(len(ok) / seconds, 1)}  # fmt: skip


def import_file(stack: Stack, villages: Sequence[str], rows: int, drain: float) -> dict[str, Any]:
    records = [dict(zip(HEADER, victim(n, villages, "i"), strict=True)) for n in range(rows)]
    content = csv_text(HEADER, records).encode()
    http = httpx.Client(base_url=stack.base_url, timeout=60, headers=UPLOADER)
    began = time.time()
    answer = http.post("/api/v1/imports", files={"file": ("korban.csv", content)})
    answer.raise_for_status()
    accepted_s = time.time() - began
    url = answer.json()["status_url"]
    while (status := http.get(url).json())["status"] not in ("done", "failed"):
        time.sleep(0.25)
    stored_s = time.time() - began
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = http.get(f"{url}/rows", params=params).json()
        ids += [item["case_id"] for item in page["items"] if item["case_id"]]
        if (cursor := page["next_cursor"]) is None:
            break
    http.close()
    found = wait_recorded(uow_factory_for(stack.settings.database_url), ids, timeout=drain)
    announced = [s["recorded"] for s in found.values() if s.get("recorded")]
    last = max(announced) if announced else None
    return {
        "rows": rows,
        "created": status["created"],
        "failed": status["failed"],
        "first_errors": status["errors"][:3],
        "upload_answered_s": round(accepted_s, 2),
        "stored_s": round(stored_s, 2),
        "rows_per_s": round(rows / stored_s, 1),
        "announced": len(announced),
        "last_announced_after_s": round(last - began, 1) if last else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with real_stack() as (stack, factory):
        villages = east_java_villages(factory, 200)
        single_posts(stack, villages, 40, 4)  # warm-up
        say(f"closed loop: {args.posts} single POSTs from {args.clients} clients")
        posts = single_posts(stack, villages, args.posts, args.clients)
        say(f"  {posts['per_s']} referrals/s")
        say(f"import: {args.rows} rows in one file")
        imported = import_file(stack, villages, args.rows, drain=600)
    ratio = imported["rows_per_s"] / posts["per_s"]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "single_posts": posts,
        "import": imported,
        "ratio_rows_per_post": round(ratio, 2),
        "goal": GOAL,
    }
    (RESULTS / "import_rate.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"single POSTs (closed loop, {args.clients} clients): {posts['per_s']}/s")
    print(f"import of {imported['rows']} rows: {imported['rows_per_s']} rows/s "
          f"(stored in {imported['stored_s']} s; upload answered in "
          f"{imported['upload_answered_s']} s)")  # fmt: skip
    print(f"rows/s ÷ POSTs/s: {ratio:.2f} (goal ≥ {GOAL:g})")
    last, announced = imported["last_announced_after_s"], imported["announced"]
    print(f"last imported case routed and announced {last} s after the upload "
          f"({announced} of {imported['created']} announced)")  # fmt: skip
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
