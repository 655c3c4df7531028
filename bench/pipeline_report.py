"""The pipeline benchmark's summary on stdout (bench/pipeline.py writes the report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def print_summary(report: dict[str, Any]) -> None:
    targets = report["targets"]
    p, ratios, held = report["pipeline"], report["ratios"], report["targets_held"]
    print()
    print(
        f"{'phase':<10} {'sent':>6} {'201/s':>7} {'e2e/s':>7} "
        f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for name, phase in p.items():
        lat = phase["latency_ms"]
        print(
            f"{name:<10} {phase['sent']:>6} {phase['intake_per_s']:>7.1f}"
            f" {phase['end_to_end_per_s']:>7.1f} {lat.get('p50', 0):>8.0f}"
            f" {lat.get('p90', 0):>8.0f} {lat.get('p99', 0):>8.0f} {lat.get('max', 0):>8.0f}"
        )
    print()
    print("where the time goes at 50/s (ms, p50 / p90):")
    for stage, v in p["open_50"]["profile_ms"].items():
        print(f"  {stage:<28} {v['p50_ms'] or 0:>8.0f} {v['p90_ms'] or 0:>8.0f}")
    cpu = report["cpu"]
    print()
    print("CPU per case in the closed loop (ms, every process on the machine's cores):")
    for name, ms in cpu["pipeline_ms_per_case"].items():
        print(f"  {name:<28} {ms:>8.1f}")
    print(
        f"  bare chain: {cpu['bare_chain_ms_per_message']:.1f} ms a message; bare POST: "
        f"{cpu['bare_post_ms_per_request']:.1f} ms a request "
        f"(server {cpu['bare_post_server_ms_per_request']:.1f}, intake's "
        f"{cpu['intake_server_ms_per_request']:.1f})"
    )
    print(
        f"  ceiling on {cpu['cores']} cores at these costs: pipeline "
        f"{cpu['ceiling_cases_per_s']:.0f} cases/s, bare chain "
        f"{cpu['ceiling_chain_per_s']:.0f} messages/s"
    )
    print()
    print(
        "bare Celery chain: {:.0f} messages/s (before / after the closed loop: {}); "
        "bare POST: {:.0f} requests/s ({})".format(
            report["bare_chain"]["per_s"],
            " / ".join(f"{r['per_s']:.0f}" for r in report["bare_chain"]["runs"]),
            report["bare_post"]["per_s"],
            " / ".join(f"{r['per_s']:.0f}" for r in report["bare_post"]["runs"]),
        )
    )
    mark = {True: "holds", False: "MISSED"}
    if "grown" in p:
        grown = p["grown"]["cpu_ms_per_case"]
        print(
            f"CPU per case with {p['grown']['stored_cases']:,} cases stored: "
            f"{grown['total']:.1f} ms ("
            + ", ".join(f"{k} {v:.1f}" for k, v in grown.items() if k != "total" and v >= 0.05)
            + ")"
        )
    lines = [
        ("pipeline / bare chain throughput", "throughput_vs_chain", "x", ">="),
        ("durable intake / bare POST", "intake_vs_bare_post", "x", ">="),
        ("CPU per case / bare chain message", "cpu_per_case_vs_chain", "x", "<="),
        ("CPU per case grown / empty", "cpu_per_case_growth", "x", "<="),
    ]
    for label, key, unit, sense in lines:
        if key in ratios:
            print(
                f"{label} = {ratios[key]:.2f}{unit} "
                f"(target {sense} {targets[key]}{unit}: {mark[held[key]]})"
            )
    print(
        f"p99 at 50/s = {report['p99_ms_at_50']:.0f} ms "
        f"(target <= {targets['p99_ms_at_50']:.0f} ms: {mark[held['p99_ms_at_50']]})"
    )
    print(
        f"took {report['seconds']:.0f} s; wrote {RESULTS / 'pipeline.json'} and "
        f"{RESULTS / 'pipeline_latency.png'}"
    )
