"""The offline form's sync: a case worker's phone (Chromium, 360 px) holds 100 referrals
saved without signal; the signal returns; how long until the last is confirmed by the
server? Against the single-POST rate measured in the same run.

    .venv/bin/python bench/offline_sync.py               # 100 referrals, about a minute
    .venv/bin/python bench/offline_sync.py --queued 300

The processes `sekber up` runs (intake, routing, notify, imports, relay, scheduler) run
for real on PostgreSQL (SEKBER_BENCH_DATABASE_URL, an admin URL; default the local postgres
at 127.0.0.1:5432, where it makes and drops a database of its own) and a Redis of its own
(/usr/bin/redis-server, AOF on). The browser is Debian's Chromium (SEKBER_CHROMIUM).

The phone signs in through the page, opens the form once (the service worker keeps it), goes
into flight mode, reloads the form, saves the referrals with the page's own queue
(offline-queue.js), and goes online. Measured: from the `online` switch until every entry is
confirmed (the page shows each one's tracking code), and the cases in the database. Prints
that time (goal ≤ 10 s for 100), the phone's rate, and the single-POST rates (one client, as
a phone sends; and eight) in the same run; writes bench/results/offline_sync.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402

from bench.pipeline_load import closed_loop  # noqa: E402
from bench.real_stack import machine, real_stack, say  # noqa: E402
from shared.accounts import users  # noqa: E402
from shared.models import Case  # noqa: E402
from tests.e2e.stack import Stack  # noqa: E402
from tests.support.auth import headers_for  # noqa: E402

RESULTS = REPO / "bench" / "results"
CHROMIUM = os.environ.get("SEKBER_CHROMIUM", "/usr/bin/chromium")
GOAL_S = 10.0
AREA = "35.08"  # Kabupaten Lumajang
PASSWORD = "Sandi-Bench-Luring-1"
NAMES = ["Sumarni", "Paiman", "Tukinah", "Suparjo", "Wagiyem", "Kasmadi", "Sarinah", "Slamet"]

# The page's own queue saves each referral, as the form's submit does offline.
SAVE = """async ([villages, names, count]) => {
  for (let i = 0; i < count; i++) {
    const village = villages[i % villages.length];
    await SekberQueue.save({fields: {
      category: "LUT", kabkota: village.slice(0, 5), kecamatan: village.slice(0, 8),
      village_code: village, urgency: "normal", disaster_scope: "",
      description: "Lansia tinggal sendiri, tidak punya penghasilan",
      beneficiary_name: names[i % names.length] + " " + i, beneficiary_nik: "",
      beneficiary_birth_date: "", beneficiary_sex: "", reporter_name: "Siti Aminah",
      reporter_organisation: "PSM", reporter_phone: "", reporter_email: "",
      legal_basis: "public_service"}, needs: []});
  }
  return (await SekberQueue.all()).length;
}"""
SENT = "() => SekberQueue.all().then(e => e.filter(x => x.state === 'sent').length)"


def area_villages(factory: Any, count: int) -> list[str]:
    from shared.models import Region

    with factory() as uow:
        codes = uow.session.scalars(
            select(Region.code)
            .where(Region.level == "village", Region.code.like(f"{AREA}.%"))
            .order_by(Region.code)
        ).all()
    step = max(1, len(codes) // count)
    return list(codes[::step][:count])


def single_posts(stack: Stack, villages: Sequence[str], total: int, clients: int) -> float:
    worker = headers_for("case_worker", "bench.post@psm.example", "PSM", jurisdiction=AREA)

    def make(n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
        body = {
            "category": "LUT", "village_code": villages[n % len(villages)], "urgency": "normal",
            "description": "Lansia tinggal sendiri, tidak punya penghasilan",
            "beneficiary": {"name": f"{NAMES[n % len(NAMES)]} p{n}"},
            "reporter": {"name": "PSM"},
        }  # fmt: skip
        return "/api/v1/referrals", body, {**worker, "Idempotency-Key": uuid.uuid4().hex}

    run = closed_loop(stack.base_url, make, total=total, clients=clients)
    ok = [r for r in run.requests if r.status == 201]
    return round(len(ok) / (run.finished - run.started), 1)


def phone_sync(stack: Stack, username: str, villages: list[str], queued: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=stack.base_url, viewport={"width": 360, "height": 740}
        )
        page = context.new_page()
        page.goto("/masuk?next=/rujukan/baru")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/rujukan/baru")
        while not page.evaluate("() => navigator.serviceWorker.controller !== null"):
            page.wait_for_timeout(100)
        context.set_offline(True)
        page.reload()
        saved = page.evaluate(SAVE, [villages, NAMES, queued])
        page.reload()
        page.wait_for_selector("#antrean-daftar .q-waiting")
        began = time.perf_counter()
        context.set_offline(False)
        while (sent := page.evaluate(SENT)) < saved:
            page.wait_for_timeout(50)
        seconds = time.perf_counter() - began
        browser.close()
    return {"queued": saved, "sent": sent, "seconds": round(seconds, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queued", type=int, default=100)
    parser.add_argument("--posts", type=int, default=300)
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    username = f"psm.bench.{uuid.uuid4().hex[:6]}"
    with real_stack() as (stack, factory):
        with factory() as uow:
            users.create_user(
                uow.session, username=username, name="Siti Aminah",
                role="case_worker", password=PASSWORD, jurisdiction=AREA,
            )  # fmt: skip
            uow.commit()
        villages = area_villages(factory, 50)
        single_posts(stack, villages, 30, 2)  # warm-up
        say(f"single POSTs: {args.posts} from one client, then from eight")
        one = single_posts(stack, villages, args.posts, 1)
        eight = single_posts(stack, villages, args.posts, 8)
        say(f"  {one}/s from one client, {eight}/s from eight")
        say(f"the phone: {args.queued} referrals saved offline, then online")
        synced = phone_sync(stack, username, villages, args.queued)
        # Each case makes the next duplicate check look at more: measured again.
        after = single_posts(stack, villages, args.queued, 1)
        say(f"  then {after}/s from one client")
        with factory() as uow:
            stored = uow.session.scalar(
                select(func.count())
                .select_from(Case)
                .where(Case.reported_by == f"case_worker:{username}")
            )
    rate = synced["sent"] / synced["seconds"]
    baseline = (one + after) / 2
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "single_posts_per_s": {
            "one_client": one,
            "eight_clients": eight,
            "one_client_after": after,
        },
        "phone": {**synced, "per_s": round(rate, 1), "cases_stored": stored},
        "ratio_phone_to_one_client": round(rate / baseline, 2),
        "goal_seconds": GOAL_S,
    }
    (RESULTS / "offline_sync.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"single POSTs: {one}/s from one client (then {after}/s), {eight}/s from eight")
    ratio = rate / baseline
    print(f"back online -> last of {synced['sent']} confirmed: {synced['seconds']} s "
          f"({rate:.1f}/s, {ratio:.2f}x one client's POSTs; goal ≤ {GOAL_S:g} s)")  # fmt: skip
    print(f"cases stored for the phone's worker: {stored} (queued {synced['queued']})")
    ok = synced["seconds"] <= GOAL_S * synced["queued"] / 100 and stored == synced["queued"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
