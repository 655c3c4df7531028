"""The SQL that keeps the dashboard's rollups, for PostgreSQL and SQLite, written once.

What a row contributes is a pure function of its columns: a task contributes `opened` on
the day it was created, `accepted` (and a bin of the time to accept) on the day it was
accepted, `completed` (and a bin of the time to resolve) or `declined_<reason>` on the
day it ended, and `late_<step>` on the day a step fell due if the step was not done by
then or is not done yet; a case contributes `received`; a row of dashboard_case_ends
contributes `received` (pillar rows), `closed` and `closed_any`. So a trigger takes back
the old row's contribution and adds the new one's, and the rebuild sums every row's: the
same SELECT, read from NEW/OLD in a trigger and from the tables in the rebuild.

Each contribution is counted three times (the nation, the province, the kab/kota) and a
task's twice (all pillars "*", its pillar).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.domain import histogram
from shared.domain.lifecycle import OPEN, Reason, State
from shared.models.rollup import ACCEPT_BINS, COUNTS, MEASURES, RESOLVE_BINS

OPEN_LIST = ", ".join(f"'{s.value}'" for s in sorted(OPEN))
# Changes to any other column of a task leave its contribution as it was.
TASK_COLUMNS = ("case_id", "pillar_code", "status", "reason_code", "created_at", "accepted_at",
                "started_at", "closed_at", "accept_due_at", "contact_due_at", "resolve_due_at",
                "case_village_code", "case_received_at")  # fmt: skip
CASE_COLUMNS = ("village_code", "created_at")


@dataclass(frozen=True, slots=True)
class Dialect:
    postgres: bool

    def day(self, moment: str) -> str:
        """The WIB calendar day of a UTC time (WIB is UTC+7 all year)."""
        if self.postgres:
            return f"CAST(timezone('Asia/Jakarta', {moment}) AS date)"
        return f"date({moment}, '+7 hours')"

    def seconds(self, later: str, earlier: str) -> str:
        if self.postgres:
            return f"extract(epoch FROM ({later}) - ({earlier}))"
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"

    def bin(self, seconds: str) -> str:
        """shared.domain.histogram.bin_of in SQL."""
        last = histogram.upper_edge(histogram.COUNT - 2)
        step = f"{histogram.PER_OCTAVE} * ln(({seconds}) / {histogram.FIRST_EDGE}) / ln(2.0)"
        return (
            f"CASE WHEN ({seconds}) < {histogram.FIRST_EDGE} THEN 0 "
            f"WHEN ({seconds}) >= {last!r} THEN {histogram.COUNT - 1} "
            f"ELSE 1 + CAST(floor({step}) AS integer) END"
        )


def _event(d: Dialect, *, src: str, day: str, village: str, pillar: str,
           values: dict[str, str], where: str, source: str = "", sign: int = 1) -> str:  # fmt: skip
    """One kind of contribution as a SELECT of (day, kab/kota, pillar, counts, bins);
    `sign` -1 takes it back (a bin's count is weighed by its event's count)."""
    columns = [f"{d.day(day)} AS day", f"substr({village}, 1, 5) AS kab", f"{pillar} AS pillar"]
    columns += [
        f"{sign} * ({values[name]}) AS {name}" if name in values else f"0 AS {name}"
        for name in COUNTS
    ]
    columns += [
        f"{values.get(name, 'CAST(NULL AS integer)')} AS {name}" for name in ("abin", "rbin")
    ]
    found = f"SELECT {', '.join(columns)}{source} WHERE {village} IS NOT NULL AND {where}"
    return found.replace("{r}", src)


def task_events(d: Dialect, src: str, source: str = "", sign: int = 1) -> list[str]:
    """What a task contributes; `src` names the row (NEW, OLD, or an alias of `source`)."""
    declined = (
        f"({{r}}.status = '{State.REJECTED.value}' OR ({{r}}.status = "
        f"'{State.CANCELLED.value}' AND {{r}}.reason_code = '{Reason.NO_RESPONSE.value}'))"
    )
    reasons = {
        f"declined_{reason.value}": f"CASE WHEN {declined} AND coalesce({{r}}.reason_code, "
        f"'{Reason.OTHER.value}') = '{reason.value}' THEN 1 ELSE 0 END"
        for reason in Reason
    }
    listed = ", ".join(f"'{reason.value}'" for reason in Reason)
    reasons["declined_unlisted"] = (
        f"CASE WHEN {declined} AND coalesce({{r}}.reason_code, '{Reason.OTHER.value}')"
        f" NOT IN ({listed}) THEN 1 ELSE 0 END"
    )
    completed = f"{{r}}.status = '{State.COMPLETED.value}'"
    to_resolve = d.seconds("{r}.closed_at", "{r}.case_received_at")
    common: dict[str, Any] = {"src": src, "source": source, "village": "{r}.case_village_code",
                              "pillar": "{r}.pillar_code", "sign": sign}  # fmt: skip
    found = [
        _event(d, day="{r}.created_at", values={"opened": "1"}, where="1 = 1", **common),
        _event(
            d,
            day="{r}.accepted_at",
            values={"accepted": "1", "abin": d.bin(d.seconds("{r}.accepted_at", "{r}.created_at"))},
            where="{r}.accepted_at IS NOT NULL",
            **common,
        ),
        _event(
            d,
            day="{r}.closed_at",
            values={
                "completed": f"CASE WHEN {completed} THEN 1 ELSE 0 END",
                "rbin": f"CASE WHEN {completed} THEN {d.bin(to_resolve)} END",
                **reasons,
            },
            where="{r}.closed_at IS NOT NULL",
            **common,
        ),
    ]
    for step, due, done in (
        ("accept", "accept_due_at", "coalesce({r}.accepted_at, {r}.closed_at)"),
        ("contact", "contact_due_at", "coalesce({r}.started_at, {r}.closed_at)"),
        ("resolve", "resolve_due_at", "{r}.closed_at"),
    ):
        late = f"{{r}}.{due} IS NOT NULL AND ({done} IS NULL OR {done} > {{r}}.{due})"
        found.append(
            _event(d, day=f"{{r}}.{due}", values={f"late_{step}": "1"}, where=late, **common)
        )
    return found


def case_events(d: Dialect, src: str, source: str = "", sign: int = 1) -> list[str]:
    """What a case contributes: received, in the rows of all pillars."""
    return [
        _event(d, src=src, source=source, day="{r}.created_at", village="{r}.village_code",
               pillar="'*'", values={"received": "1"}, where="1 = 1", sign=sign)
    ]  # fmt: skip


def end_events(d: Dialect, where: str) -> list[str]:
    """What the dashboard_case_ends rows that match `where` (on alias h) contribute."""
    ends = " FROM dashboard_case_ends h"
    star = (
        " FROM dashboard_case_ends h JOIN dashboard_case_ends s ON s.case_id = h.case_id"
        " AND s.pillar = '*'"
    )
    common: dict[str, Any] = {"src": "h", "village": "h.village_code", "pillar": "h.pillar"}
    return [
        _event(d, source=ends, day="h.received_at", values={"received": "1"},
               where=f"h.pillar <> '*' AND {where}", **common),
        _event(d, source=ends, day="h.last_end", values={"closed": "1"},
               where=f"h.open_tasks = 0 AND h.last_end IS NOT NULL AND {where}", **common),
        _event(d, source=star, day="s.last_end", values={"closed_any": "1"},
               where=f"s.open_tasks = 0 AND s.last_end IS NOT NULL AND {where}", **common),
    ]  # fmt: skip


def summed(events: list[str], *, sign: int, pillars: bool, changed: bool = False) -> str:
    """The events summed per (area, pillar, day): each counted for the nation, its
    province and its kab/kota, and (`pillars`) for all pillars as well as its own.
    `changed`: only the rows with a count other than 0 (a row's old contribution taken
    back and its new one added cancel where they are the same)."""
    counts = ", ".join(f"sum({name}) AS {name}" for name in COUNTS)
    base = (
        f"SELECT day, kab, pillar, abin, rbin, {counts} FROM ({' UNION ALL '.join(events)}) e"
        " GROUP BY day, kab, pillar, abin, rbin"
    )
    area = "CASE a.l WHEN 0 THEN '' WHEN 1 THEN substr(b.kab, 1, 2) ELSE b.kab END"
    pillar = "CASE g.p WHEN 0 THEN '*' ELSE b.pillar END" if pillars else "b.pillar"
    cube = " CROSS JOIN (SELECT 0 AS l UNION ALL SELECT 1 UNION ALL SELECT 2) a"
    if pillars:
        cube += " CROSS JOIN (SELECT 0 AS p UNION ALL SELECT 1) g"
    sums = [f"{sign} * sum(b.{name}) AS {name}" for name in COUNTS]
    for names, column, weight in ((ACCEPT_BINS, "abin", "accepted"),
                                  (RESOLVE_BINS, "rbin", "completed")):  # fmt: skip
        sums += [
            f"{sign} * sum(CASE WHEN b.{column} = {i} THEN b.{weight} ELSE 0 END) AS {name}"
            for i, name in enumerate(names)
        ]
    found = (
        f"SELECT {area} AS area, {pillar} AS pillar, b.day AS day, {', '.join(sums)}"
        f" FROM ({base}) b{cube} WHERE 1 = 1 GROUP BY 1, 2, 3"
    )
    if changed:
        found = f"SELECT * FROM ({found}) z WHERE {' OR '.join(f'z.{m} <> 0' for m in MEASURES)}"
    return found


def insert(select: str, *, delta: bool) -> str:
    """Into dashboard_rollup_deltas (a trigger's change: appended, no row locked for
    others), or into dashboard_rollups (the rebuild, the fold's sums)."""
    columns = ", ".join(("area", "pillar", "day", *MEASURES))
    table = "dashboard_rollup_deltas" if delta else "dashboard_rollups"
    return f"INSERT INTO {table} ({columns}) {select}"


def fold(d: Dialect) -> list[str]:
    """Move the deltas into dashboard_rollups, summed. On PostgreSQL one statement takes
    exactly the rows it deletes (rows committed meanwhile wait for the next fold); SQLite
    has one writer at a time, so the two statements of its transaction see the same rows.
    """
    sums = ", ".join(f"sum({m})" for m in MEASURES)
    columns = ", ".join(("area", "pillar", "day", *MEASURES))
    sets = ", ".join(f"{m} = dashboard_rollups.{m} + excluded.{m}" for m in MEASURES)
    upsert = f" ON CONFLICT (area, pillar, day) DO UPDATE SET {sets}"
    if d.postgres:
        return [
            f"WITH moved AS (DELETE FROM dashboard_rollup_deltas RETURNING {columns})"
            f" INSERT INTO dashboard_rollups ({columns})"
            f" SELECT area, pillar, day, {sums} FROM moved GROUP BY area, pillar, day{upsert}"
        ]
    return [
        f"INSERT INTO dashboard_rollups ({columns}) SELECT area, pillar, day, {sums}"
        f" FROM dashboard_rollup_deltas WHERE 1 = 1 GROUP BY area, pillar, day{upsert}",
        "DELETE FROM dashboard_rollup_deltas",
    ]


def case_ends(d: Dialect, where: str) -> str:
    """dashboard_case_ends computed from the tasks that match `where` (on alias r)."""
    is_open = f"CASE WHEN r.status IN ({OPEN_LIST}) THEN 1 ELSE 0 END"
    columns = f"count(*), sum({is_open}), max(r.closed_at), min(c.village_code), min(c.created_at)"
    source = f" FROM referrals r JOIN cases c ON c.id = r.case_id WHERE {where}"
    return (
        "INSERT INTO dashboard_case_ends (case_id, pillar, tasks, open_tasks, last_end,"
        f" village_code, received_at) SELECT r.case_id, r.pillar_code, {columns}{source}"
        f" GROUP BY r.case_id, r.pillar_code UNION ALL SELECT r.case_id, '*', {columns}"
        f"{source} GROUP BY r.case_id"
    )


def refresh_case(d: Dialect, case_id: str) -> list[str]:
    """Take back what a case's ends contributed, compute them again, add them again."""
    where = f"h.case_id = {case_id}"
    return [
        insert(summed(end_events(d, where), sign=-1, pillars=False), delta=True),
        f"DELETE FROM dashboard_case_ends WHERE case_id = {case_id}",
        case_ends(d, f"r.case_id = {case_id}"),
        insert(summed(end_events(d, where), sign=1, pillars=False), delta=True),
    ]


def rebuild(d: Dialect) -> list[str]:
    """Every row's contribution summed again from the facts."""
    tasks = summed(task_events(d, "r", " FROM referrals r"), sign=1, pillars=True)
    cases = summed(
        [*case_events(d, "c", " FROM cases c"), *end_events(d, "1 = 1")], sign=1, pillars=False
    )
    sums = ", ".join(f"sum({m}) AS {m}" for m in MEASURES)
    merged = (
        f"SELECT area, pillar, day, {sums} FROM ({tasks} UNION ALL {cases}) u"
        " WHERE 1 = 1 GROUP BY area, pillar, day"
    )
    return [
        "DELETE FROM dashboard_rollups",
        "DELETE FROM dashboard_rollup_deltas",
        "DELETE FROM dashboard_case_ends",
        case_ends(d, "1 = 1"),
        insert(merged, delta=False),
    ]
