"""The service gaps (issue 26) read from the rollups against a direct count over the
facts: run by dashboard_scale.py after the timing (unless --no-verify). For East Java and
each of its kab/kota rows x pillar, the flows of the default period (referrals, declines
by reason, unanswered, steps missed, acceptances) from the rollups must equal the counts
over the tasks (shared/gaps/read.py: flows_from_facts), and for two kab/kota the sums of
their kecamatan rows must equal their own row; the medians read from the histograms are
reported with their largest relative error against the exact ones.

    .venv/bin/python bench/gaps_verify.py <URL of a database kept by dashboard_scale.py>
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.intake.dashboard import measures
from shared.db import read_only, uow_factory_for
from shared.domain.gaps import GapCounts
from shared.gaps import read

FLOWS = ("referrals", "declined_no_capacity", "declined_out_of_area", "declined_other",
         "no_response", "breached_accept", "breached_first_contact", "breached_resolve",
         "accepted")  # fmt: skip
assert set(FLOWS) <= {f.name for f in fields(GapCounts)}


def _flows(counts: GapCounts) -> tuple[int, ...]:
    return tuple(getattr(counts, name) for name in FLOWS)


def verify_gaps(url: str, *, now: datetime, say: Callable[[str], None]) -> list[str]:
    """What differs (empty: every count equals the facts')."""
    span = measures.period(first=None, last=None, now=now)
    problems: list[str] = []
    worst = 0.0
    compared = 0
    with uow_factory_for(url)() as uow:
        s = uow.session
        read_only(s)
        kabs = [code for code, _ in read.areas(s, "35")]
        for pillar in (None, "TKSK"):
            ask = read.Ask("35", span, now, pillar)
            rolled, medians = read.flows_from_rollups(s, ask, kabs)
            facts, exact = read.flows_from_facts(s, ask)
            for key in sorted(set(rolled) | set(facts)):
                got, want = (
                    _flows(rolled.get(key, GapCounts())),
                    _flows(facts.get(key, GapCounts())),
                )
                compared += 1
                if got != want:
                    problems.append(f"service gaps {key}: rollups {got} != facts {want}")
                if key in medians and exact.get(key):
                    worst = max(worst, abs(medians[key] - exact[key]) / exact[key])
        for kab in (kabs[6], kabs[-1]):  # Kab. Malang (the largest), Kota Batu
            ask = read.Ask(kab, span, now)
            kecamatan, _ = read.flows_from_facts(s, ask)
            whole, _ = read.flows_from_rollups(s, replace(ask, scope="35"), [kab])
            pillars = {p for _, p in kecamatan} | {p for _, p in whole}
            for pillar in sorted(pillars):
                summed = sum((c for (_, p), c in kecamatan.items() if p == pillar), GapCounts())
                compared += 1
                if _flows(summed) != _flows(whole.get((kab, pillar), GapCounts())):
                    problems.append(f"service gaps {kab} {pillar}: kecamatan sum differs")
    say(f"  verified {compared} service-gap rows against the facts: {len(problems)} differ; "
        f"histogram medians at most {worst:.1%} off the exact ones")  # fmt: skip
    return problems


def main() -> int:
    problems = verify_gaps(sys.argv[1], now=datetime.now(UTC), say=print)
    for problem in problems:
        print(f"DIFFERS {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
