"""A fresh clone's first `python3 dev.py up --demo` against its second, in the same run.

    python3 bench/first_start.py                  # uv (the default installer), ~1.5 min
    python3 bench/first_start.py --installer pip  # the fallback installer
    python3 bench/first_start.py --installer both # both, each in clones of its own
    python3 bench/first_start.py --rounds 5       # fresh clones per installer (3)
    python3 bench/first_start.py --no-bytecode    # with PYTHONDONTWRITEBYTECODE=1
    python3 bench/first_start.py --check          # exit 1 when the median > 2x (first
                                                  # installer named)

Issue 29: a new user's first start was 3.5-9x the second, most of it creating .venv and
installing with pip. The script runs with the standard library only (the clone has no
.venv yet), as a new user would: it clones this repository's HEAD into a temporary
directory, starts `python3 dev.py up --demo` there with SQLite and the embedded Valkey (the
README's defaults) on a free HTTP port, and times it from the command to the line
"Sekber is up" (printed once intake answers /readyz and the deadline scheduler runs); then
Ctrl-C, and the same command again in the same clone (.venv, var/sekber.db and the
reference data now exist). The second start is the baseline: the ratio first/second is the
figure, measured on the same machine in the same minute. The first start's phases (creating
.venv, installing, preparing the database, starting the services) come from the times its
lines appeared.

The installer's download cache (uv's or pip's, in the user's home) is left as it is: say
in the report whether it was warm. Prints a table and writes bench/results/first_start.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
READY = "Sekber is up"
# What opens each phase of a start, in order: a line holding the text, or for the last one
# the first line a service (not `up` itself) printed.
PHASES = (
    ("create .venv", lambda line: "Creating .venv" in line),
    ("install", lambda line: "Installing the project" in line),
    ("settings, Redis", lambda line: line.startswith("up ")),
    ("prepare database", lambda line: "preparing database" in line),
    ("start services", lambda line: not line.startswith("up ")),
)
START_TIMEOUT = 900.0
GOAL = 2.0


@dataclass
class Start:
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    lines: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Trial:
    installer: str
    first: Start
    second: Start

    @property
    def ratio(self) -> float:
        return self.first.seconds / self.second.seconds


# An active virtualenv is not the clone's; PYTHONDONTWRITEBYTECODE (set on some CI
# machines) is not what a new user has: with it, every start compiles what it imports.
LEFT_OUT = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(installer: str, port: int, *, no_bytecode: bool) -> dict[str, str]:
    """The user's environment without Sekber's settings and LEFT_OUT."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEKBER_") and k not in LEFT_OUT}
    if no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(SEKBER_HTTP_PORT=str(port), SEKBER_INSTALLER=installer, NO_COLOR="1")
    return env


def start(clone: Path, env: dict[str, str]) -> Start:
    """Run `python3 dev.py up --demo` until it says it is up, then stop it with Ctrl-C."""
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "dev.py", "up", "--demo"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[tuple[float, str]] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append((time.monotonic() - began, line.rstrip()))
            if READY in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not ready.wait(0.2):
            if process.poll() is not None:
                tail = "\n".join(line for _, line in seen[-30:])
                raise SystemExit(f"`dev.py up` exited with {process.returncode}:\n{tail}")
            if time.monotonic() - began > START_TIMEOUT:
                raise SystemExit(f"`dev.py up` not up after {START_TIMEOUT:.0f} s")
        seconds = next(t for t, line in seen if READY in line)
    finally:
        stop(process)
        reader.join(timeout=5)
    return Start(
        seconds=seconds, phases=phases(seen, seconds), lines=[(round(t, 2), x) for t, x in seen]
    )


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
            return
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def phases(seen: list[tuple[float, str]], end: float) -> dict[str, float]:
    """Seconds per phase: from the first line that opens it to the next phase's line."""
    marks: list[tuple[float, str]] = []
    for name, opens in PHASES:
        after = marks[-1][0] if marks else 0.0
        at = next((t for t, line in seen if t >= after and opens(line)), None)
        if at is not None:
            marks.append((at, name))
    out: dict[str, float] = {}
    if marks and marks[0][0] > 0:
        out["python, dev.py"] = marks[0][0]
    for (at, name), (until, _) in zip(marks, [*marks[1:], (end, "")], strict=True):
        out[name] = round(until - at, 2)
    return out


def trial(installer: str, workdir: Path, round_: int, *, no_bytecode: bool) -> Trial:
    clone = workdir / f"sekber-{installer}-{round_}"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env = environment(installer, free_port(), no_bytecode=no_bytecode)
    print(f"[{installer}] first start in a fresh clone ...", file=sys.stderr, flush=True)
    first = start(clone, env)
    print(f"[{installer}] second start ...", file=sys.stderr, flush=True)
    second = start(clone, env)
    return Trial(installer=installer, first=first, second=second)


def cache_state() -> dict[str, bool]:
    home = Path.home()
    return {
        "uv cache present": (home / ".cache" / "uv").is_dir(),
        "pip cache present": (home / ".cache" / "pip").is_dir(),
    }


def report(trials: list[Trial]) -> None:
    print(f"{'installer':<10} {'first s':>8} {'second s':>9} {'first/second':>13}")
    for t in trials:
        print(f"{t.installer:<10} {t.first.seconds:8.1f} {t.second.seconds:9.1f} {t.ratio:12.2f}x")
    for name in dict.fromkeys(t.installer for t in trials):
        ratios = [t.ratio for t in trials if t.installer == name]
        print(f"{name}: median first/second {statistics.median(ratios):.2f}x over {len(ratios)}")
    for t in trials:
        for which, s in (("first", t.first), ("second", t.second)):
            parts = ", ".join(f"{k} {v:.1f}" for k, v in s.phases.items())
            print(f"  {t.installer} {which} (s): {parts}")
    print(f"goal: first <= {GOAL:g}x second")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--installer", choices=["uv", "pip", "both"], default="uv")
    parser.add_argument("--rounds", type=int, default=3, help="fresh clones per installer")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="with PYTHONDONTWRITEBYTECODE=1, as on some CI machines and in containers",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the median > 2x")
    args = parser.parse_args()
    installers = ["uv", "pip"] if args.installer == "both" else [args.installer]
    caches = cache_state()
    with tempfile.TemporaryDirectory(prefix="sekber-first-start-") as tmp:
        trials = [
            trial(name, Path(tmp), r, no_bytecode=args.no_bytecode)
            for r in range(args.rounds)
            for name in installers
        ]
    report(trials)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "first_start.json").write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "caches before the run": caches,
                "PYTHONDONTWRITEBYTECODE": args.no_bytecode,
                "trials": [{**asdict(t), "ratio": round(t.ratio, 2)} for t in trials],
            },
            indent=2,
        )
        + "\n"
    )
    medians = [
        statistics.median(t.ratio for t in trials if t.installer == name) for name in installers
    ]
    return 1 if args.check and medians[0] > GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
