"""CPU time spent by each process of the benchmark, from /proc (Linux), by role.

The pipeline and its baselines run on the same cores; what each costs in CPU per case (or
per message) says where the capacity goes and what a ratio of throughputs can reach on
the machine: at full load, cases per second = cores / CPU seconds per case.

A role is read from the process's command line: the five Sekber services (their pool
children included), PostgreSQL (every backend of the server, or only those of one database),
the benchmark's own Redis, the baselines' processes, and the load generator (this
process: its HTTP clients and the SMTP receiver).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
SERVICES = ("intake", "relay", "routing", "notify", "scheduler")
BASELINES = {"hop1": "bare chain hop 1", "hop2": "bare chain hop 2", "api": "bare POST API"}


def role(
    cmdline: str,
    *,
    pid: int,
    own_pid: int,
    redis_port: int | None,
    database: str | None = None,
) -> str | None:
    if pid == own_pid:
        return "load generator"
    if "postgres" in cmdline.split(" ", 1)[0] or cmdline.startswith("postgres:"):
        # With `database`, only that database's backends ("postgres: 15/main: USER DB
        # HOST(PORT) STATE"): others on a shared server stay out of the count.
        if database is not None and f" {database} " not in f"{cmdline} ":
            return None
        return "postgresql"
    if "redis-server" in cmdline and (redis_port is None or f":{redis_port}" in cmdline):
        return "redis"
    for service in SERVICES:
        if f"sekber_cli.main {service}" in cmdline:
            return service
    for argument, name in BASELINES.items():
        if f"baselines.py {argument} " in cmdline:
            return name
    return None


Snapshot = dict[int, tuple[str, float]]  # pid -> (role, CPU seconds)


def snapshot(*, redis_port: int | None = None, database: str | None = None) -> Snapshot:
    """CPU seconds so far of every process with a role: its own user and system time and
    that of its children it has reaped (so a PostgreSQL backend or a pool child that ends
    moves into its parent's count instead of vanishing). With `database`, PostgreSQL counts
    only that database's backends (a backend that ends meanwhile is then not counted, nor
    the server's own background processes: the pools keep their connections)."""
    own = os.getpid()
    found: Snapshot = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        pid = int(entry.name)
        name = role(cmdline.strip(), pid=pid, own_pid=own, redis_port=redis_port, database=database)
        if name is None:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime
        found[pid] = (name, sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS)
    return found


def per_item_ms(before: Snapshot, after: Snapshot, items: int) -> dict[str, float]:
    """Milliseconds of CPU per item for each role, and their total. A process that ended
    in between counts only where its parent reaped it (PostgreSQL's postmaster, a pool's
    parent); the baselines' processes are measured while they run."""
    spent: dict[str, float] = defaultdict(float)
    for pid, (name, seconds) in after.items():
        earlier = before.get(pid)
        start = earlier[1] if earlier is not None and earlier[0] == name else 0.0
        spent[name] += max(seconds - start, 0.0) * 1000 / max(items, 1)
    ordered = dict(sorted(spent.items(), key=lambda kv: -kv[1]))
    ordered["total"] = sum(spent.values())
    return ordered
