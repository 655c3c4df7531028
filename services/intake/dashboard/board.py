"""What the dashboard page shows, assembled from the same queries as the dashboard API:
the summary, four charts a head of the social service reads at a glance (cases in and
out per week, open tasks by pillar, deadline breaches by step, time to accept), the
declines, the pillar x area table and the coordinators' backlogs. Words come in the
reader's language; every chart has its numbers beside it in a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from services.intake.dashboard import charts, queries
from services.intake.dashboard import schemas as out
from services.intake.dashboard.charts import Chart
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import Filters
from services.intake.web import i18n
from shared.domain import pillars

PILLAR_NAMES = {p.code: (p.name_id, p.name_en) for p in pillars.PILLARS}
# What people call each pillar in a sentence (and on a chart's short label).
SHORT = {"KARANG_TARUNA": "Karang Taruna", "PUSKESOS": "Puskesos/SLRT", "TAGANA": "Tagana",
         "PEKSOS": "Peksos", "DINSOS": "Dinsos"}  # fmt: skip
HEAT_LEVELS = 5


def dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass
class Board:
    summary: out.SummaryRead
    flow: out.FlowRead
    times: out.ResolutionTimesRead
    breach_steps: list[tuple[str, int]]
    open_by_pillar: list[tuple[str, int, int]]  # pillar words, open, overdue
    declines: list[tuple[str, int]]
    heat: dict[str, Any]  # the pillar x area table
    backlog: out.BacklogRead
    charts: dict[str, Chart]

    @property
    def flow_table(self) -> list[tuple[str, int, int]]:
        return [(dmy(r.period_start), r.received, r.closed) for r in self.flow.rows]

    @property
    def times_table(self) -> list[tuple[str, ...]]:
        return [
            (
                dmy(r.period_start),
                str(r.accepted),
                *(
                    "–" if v is None else charts.plain(round(v, 1))
                    for v in (
                        r.accept_median_hours,
                        r.accept_p90_hours,
                        r.resolve_median_hours,
                        r.resolve_p90_hours,
                    )
                ),
            )
            for r in self.times.rows
        ]


def build(session: Session, f: Filters, *, bucket: Bucket, lang: str) -> Board:
    t = i18n.translator(lang)
    summary = queries.summary(session, f=f)
    flow = queries.flow(session, f=f, bucket=bucket)
    times = queries.resolution_times(session, f=f, bucket=bucket)
    breaches = queries.breaches(session, f=f, bucket=bucket)
    open_tasks = queries.open_tasks(session, f=f)
    declines = queries.decline_reasons(session, f=f)

    def pillar(code: str) -> str:
        return i18n.label(PILLAR_NAMES, code, lang)

    per_pillar: dict[str, list[int]] = {}
    for row in open_tasks.rows:
        counts = per_pillar.setdefault(row.pillar, [0, 0])
        counts[0] += row.open
        counts[1] += row.overdue
    ranked = sorted(per_pillar.items(), key=lambda item: (-item[1][0], item[0]))
    open_by_pillar = [(pillar(code), n, o) for code, (n, o) in ranked]
    open_bars = [(SHORT.get(code, code), n) for code, (n, _) in ranked]
    steps = [
        (i18n.label(i18n.STEP, "accept", lang), sum(r.accept for r in breaches.rows)),
        (i18n.label(i18n.STEP, "first_contact", lang), sum(r.first_contact for r in breaches.rows)),
        (i18n.label(i18n.STEP, "resolve", lang), sum(r.resolve for r in breaches.rows)),
    ]
    reasons = [(i18n.label(i18n.REASON, r.reason, lang), r.count) for r in declines.rows]
    weeks = [r.period_start.strftime("%d-%m") for r in flow.rows]
    full = [dmy(r.period_start) for r in flow.rows]
    board_charts = {
        "flow": charts.columns(
            t("chart.flow"),
            weeks,
            [
                (t("chart.received"), [r.received for r in flow.rows]),
                (t("chart.closed"), [r.closed for r in flow.rows]),
            ],
            value_title=t("chart.cases"),
            full=full,
        ),
        "open": charts.hbars(
            t("chart.open"),
            open_bars,
            value_title=t("chart.tasks"),
        ),
        "breaches": charts.hbars(t("chart.breaches"), steps, value_title=t("chart.breach_count")),
        "accept": charts.lines(
            t("chart.accept"),
            [r.period_start.strftime("%d-%m") for r in times.rows],
            [
                (t("chart.median"), [r.accept_median_hours for r in times.rows]),
                (t("chart.p90"), [r.accept_p90_hours for r in times.rows]),
            ],
            value_title=t("chart.hours"),
            full=[dmy(r.period_start) for r in times.rows],
            least=1,
        ),
        "declines": charts.hbars(t("dash.declines"), reasons, value_title=t("dash.count")),
    }
    return Board(
        summary=summary,
        flow=flow,
        times=times,
        breach_steps=steps,
        open_by_pillar=open_by_pillar,
        declines=reasons,
        heat=_heat(open_tasks, pillar),
        backlog=queries.backlog(session, f=f),
        charts=board_charts,
    )


def _heat(result: out.OpenTasksRead, pillar: Any) -> dict[str, Any]:
    """Open tasks by pillar (rows) and area (columns), each cell with a shade class from
    0 (none) to HEAT_LEVELS - 1 (the most), the number always written in it."""
    areas = sorted({(r.region_code, r.region_name) for r in result.rows})
    codes = sorted({r.pillar for r in result.rows})
    most = max((r.open for r in result.rows), default=0)
    cells = {(r.pillar, r.region_code): r.open for r in result.rows}

    def level(n: int) -> int:
        if not n or not most:
            return 0
        return 1 + min(HEAT_LEVELS - 2, (n * (HEAT_LEVELS - 1) - 1) // most)

    def row(code: str) -> tuple[str, list[tuple[int, int]]]:
        counts = [cells.get((code, a), 0) for a, _ in areas]
        return pillar(code), [(n, level(n)) for n in counts]

    return {"areas": [name for _, name in areas], "rows": [row(code) for code in codes]}
