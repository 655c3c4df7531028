"""Chart geometry for the dashboard's SVG, drawn on the server (no script, nothing inline
for the Content Security Policy to block: the template writes coordinates and classes,
the colours are in the style sheet).

Pure: numbers in, coordinates out. The value axis always starts at 0 and ends on a round
number at or above the largest value; its ticks are evenly spaced and labelled with the
values they stand at, so what a reader sees on the axis is what the data says.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# The plot area inside a chart of WIDTH x HEIGHT (the SVG's viewBox; it scales to the page).
WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 16, 52
ROW = 40  # a horizontal bar's row height
LABEL_CHARS = 16  # of a horizontal bar's label, per line
CHAR_W = 10  # a generous width of one character of a 16px label, in viewBox units

Format = Callable[[float], str]


def plain(value: float, decimals: int | None = None) -> str:
    """1234 -> "1.234", 2.5 -> "2,5" (Indonesian digit grouping and decimal comma); with
    `decimals`, exactly that many (an axis writes all its ticks alike: "0,0", "0,5")."""
    if decimals is None:
        if float(value).is_integer():
            return f"{int(value):,}".replace(",", ".")
        decimals = 1
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def decimals_of(step: float) -> int:
    """The fewest decimals that write `step` (and so every multiple of it) exactly."""
    for d in range(10):
        if abs(round(step, d) - step) <= 1e-9 * max(1.0, step):
            return d
    return 10


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """The ticks written with as many decimals as their step needs, so that no two read
    alike and each reads as the value it stands at."""
    d = decimals_of(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    return [plain(t, d) if d else plain(t) for t in ticks]


def nice_ticks(top: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """0, step, 2 step, ... up to the first multiple of a round step (1, 2, 2.5 or 5 times
    a power of ten; for `whole` counts a whole 1, 2 or 5 times) at or above `top`; at most
    about `count` intervals."""
    if not top or top <= 0 or math.isnan(top):
        return [0.0, 1.0]
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= rough)
    if whole:
        step = max(1.0, step)
    intervals = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(intervals + 1)]


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float  # along its axis, in viewBox units
    label: str
    value: float = 0.0

    @property
    def lines(self) -> list[str]:
        """The label in at most two lines that fit beside a horizontal bar."""
        found = textwrap.wrap(self.label, LABEL_CHARS) or [""]
        if len(found) > 2:
            found = [found[0], textwrap.shorten(" ".join(found[1:]), LABEL_CHARS, placeholder="…")]
        return found


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    series: int
    label: str  # the category and value, for <title> (screen readers, hover)
    value_label: str
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class Line:
    series: int
    points: list[tuple[float, float]]
    labels: list[str]

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass
class Chart:
    title: str
    width: float
    height: float
    value_axis: str  # "x" for horizontal bars, "y" otherwise
    value_title: str
    value_ticks: list[Tick]
    category_ticks: list[Tick]
    series: list[str]
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    left: float = LEFT
    top: float = TOP
    right: float = WIDTH - RIGHT
    bottom: float = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.bars and not any(line.points for line in self.lines)


def _value_ticks(values: Sequence[float | None], place: Callable[[float], float],
                 least: float = 0) -> tuple[list[Tick], float]:  # fmt: skip
    known = [v for v in values if v is not None]
    ticks = nice_ticks(max([*known, least]), whole=all(float(v).is_integer() for v in known))
    labels = tick_labels(ticks)
    return [
        Tick(place(t / ticks[-1]), label, t) for t, label in zip(ticks, labels, strict=True)
    ], ticks[-1]


def _thin(labels: Sequence[str], most: int = 6) -> list[bool]:
    every = max(1, math.ceil(len(labels) / most))
    return [i % every == 0 for i in range(len(labels))]


def columns(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    value_title: str,
    fmt: Format = plain,
    full: Sequence[str] | None = None,
) -> Chart:
    """Vertical bars, one group per category, one bar per series side by side."""
    bottom, top_y = HEIGHT - BOTTOM, TOP
    values = [v for _, vs in series for v in vs]
    ticks, peak = _value_ticks(values, lambda f: bottom - f * (bottom - top_y))
    chart = Chart(title, WIDTH, HEIGHT, "y", value_title, ticks, [], [s for s, _ in series])
    n = max(len(categories), 1)
    slot = (chart.right - chart.left) / n
    bar_w = slot * 0.8 / max(len(series), 1)
    shown = _thin(categories)
    for i, name in enumerate(categories):
        x0 = chart.left + i * slot + slot * 0.1
        if shown[i]:
            chart.category_ticks.append(Tick(chart.left + (i + 0.5) * slot, name))
        for k, (series_name, vs) in enumerate(series):
            v = vs[i]
            h = (bottom - top_y) * v / peak if peak else 0
            x = x0 + k * bar_w
            what = (full or categories)[i]
            chart.bars.append(
                Bar(x, bottom - h, bar_w - 1, h, k, f"{what}, {series_name}: {fmt(v)}",
                    fmt(v), x + bar_w / 2, bottom - h - 3)
            )  # fmt: skip
    return chart


def hbars(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    value_title: str,
    fmt: Format = plain,
    label_width: float | None = None,
) -> Chart:
    """Horizontal bars, one row per item, labelled at the left and with their value; the
    labels' column is as wide as the longest line of a label (so none is cut at the edge)."""
    height = TOP + ROW * max(len(items), 1) + BOTTOM
    if label_width is None:
        longest = max((len(line) for name, _ in items for line in Tick(0, name).lines), default=4)
        label_width = 12 + CHAR_W * longest
    left, right = label_width, WIDTH - 40
    ticks, peak = _value_ticks([v for _, v in items], lambda f: left + f * (right - left))
    chart = Chart(title, WIDTH, height, "x", value_title, ticks, [], [value_title],
                  left=left, right=right, bottom=height - BOTTOM)  # fmt: skip
    for i, (name, v) in enumerate(items):
        y = TOP + i * ROW
        w = (right - left) * v / peak if peak else 0
        chart.category_ticks.append(Tick(y + ROW / 2, name))
        chart.bars.append(
            Bar(left, y + 5, w, ROW - 10, 0, f"{name}: {fmt(v)}", fmt(v), left + w + 4,
                y + ROW / 2 + 4)
        )  # fmt: skip
    return chart


def lines(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    value_title: str,
    fmt: Format = plain,
    full: Sequence[str] | None = None,
    least: float = 0,
) -> Chart:
    """One line per series over the categories; a missing value leaves a gap in the
    points (nothing is drawn for a bucket with nothing to measure). The value axis
    reaches at least `least` (an hours axis is not drawn in seconds)."""
    bottom, top_y = HEIGHT - BOTTOM, TOP
    values = [v for _, vs in series for v in vs]
    ticks, peak = _value_ticks(values, lambda f: bottom - f * (bottom - top_y), least)
    chart = Chart(title, WIDTH, HEIGHT, "y", value_title, ticks, [], [s for s, _ in series])
    n = max(len(categories) - 1, 1)
    span = chart.right - chart.left - 20

    def x_of(i: int) -> float:
        return chart.left + 10 + span * i / n if len(categories) > 1 else chart.left + span / 2

    shown = _thin(categories)
    for i, name in enumerate(categories):
        if shown[i]:
            chart.category_ticks.append(Tick(x_of(i), name))
    for k, (series_name, vs) in enumerate(series):
        points, labels = [], []
        for i, v in enumerate(vs):
            if v is None:
                continue
            points.append((x_of(i), bottom - (bottom - top_y) * v / peak if peak else bottom))
            labels.append(f"{(full or categories)[i]}, {series_name}: {fmt(v)}")
        chart.lines.append(Line(k, points, labels))
    return chart
