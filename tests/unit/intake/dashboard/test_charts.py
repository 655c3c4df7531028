"""The dashboard's chart geometry: axes that say what the data says."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.dashboard import charts


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (37, [0, 10, 20, 30, 40]),
        (2.3, [0, 0.5, 1, 1.5, 2, 2.5]),
        (1234, [0, 250, 500, 750, 1000, 1250]),
    ],
)
def test_ticks_start_at_zero_and_end_on_a_round_number_above_the_data(
    top: float, ticks: list[float]
) -> None:
    assert charts.nice_ticks(top) == ticks


def test_counts_get_whole_ticks() -> None:
    assert charts.nice_ticks(1, whole=True) == [0, 1]
    assert charts.nice_ticks(12, whole=True) == [0, 5, 10, 15]
    assert charts.nice_ticks(3, whole=True) == [0, 1, 2, 3]


@given(st.floats(min_value=0.01, max_value=1e7, allow_nan=False))
def test_ticks_are_evenly_spaced_and_cover_the_largest_value(top: float) -> None:
    ticks = charts.nice_ticks(top)
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert ticks[0] == 0 and ticks[-1] >= top * (1 - 1e-9) and len(steps) == 1
    assert 2 <= len(ticks) <= 12


def _read(label: str) -> float:
    return float(label.replace(".", "").replace(",", "."))


@given(st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_every_tick_label_reads_as_its_value_and_no_two_alike(top: float) -> None:
    ticks = charts.nice_ticks(top)
    labels = charts.tick_labels(ticks)
    assert [_read(label) for label in labels] == pytest.approx(ticks)
    assert len(set(labels)) == len(labels)


def test_a_small_step_gets_the_decimals_it_needs() -> None:
    assert charts.tick_labels([0, 0.25, 0.5]) == ["0,00", "0,25", "0,50"]
    assert charts.tick_labels([0, 0.002, 0.004]) == ["0,000", "0,002", "0,004"]
    assert charts.tick_labels([0, 250, 500, 1250]) == ["0", "250", "500", "1.250"]


def test_an_hours_axis_of_seconds_reaches_one_hour_not_five_zeros() -> None:
    chart = charts.lines(
        "Waktu terima", ["a", "b"], [("Median", [0.01, 0.004])], value_title="Jam", least=1
    )
    assert [t.label for t in chart.value_ticks] == ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]
    zero, one = chart.value_ticks[0], chart.value_ticks[-1]
    (line,) = chart.lines
    assert line.points[0][1] == pytest.approx(zero.pos - 0.01 * (zero.pos - one.pos))


def test_column_heights_and_axis_labels_match_the_values() -> None:
    chart = charts.columns(
        "Masuk dan selesai", ["07-09", "14-09"], [("Masuk", [3, 8]), ("Selesai", [0, 5])],
        value_title="Kasus",
    )  # fmt: skip
    assert [t.label for t in chart.value_ticks] == ["0", "2", "4", "6", "8"]
    top_tick = chart.value_ticks[-1]
    zero = chart.value_ticks[0]
    tallest = max(chart.bars, key=lambda b: b.h)
    # The bar of 8 reaches exactly the tick labelled 8; a bar of 4 half as high.
    assert tallest.y == pytest.approx(top_tick.pos)
    four_px = (zero.pos - top_tick.pos) / 2
    assert [b.h for b in chart.bars] == pytest.approx(
        [3 * four_px / 4, 0, 8 * four_px / 4, 5 * four_px / 4]
    )
    assert chart.bars[1].label == "07-09, Selesai: 0"
    assert [t.label for t in chart.category_ticks] == ["07-09", "14-09"]


def test_horizontal_bars_put_the_value_axis_at_the_bottom() -> None:
    chart = charts.hbars("Per pilar", [("TKSK", 12), ("PSM", 3)], value_title="Tugas")
    assert chart.value_axis == "x"
    assert [t.label for t in chart.value_ticks][-1] == "15"
    assert [b.value_label for b in chart.bars] == ["12", "3"]
    assert chart.bars[0].w == pytest.approx((chart.right - chart.left) * 12 / 15)


def test_horizontal_bar_labels_fit_left_of_the_axis() -> None:
    steps = [("Menerima rujukan", 1), ("Kontak pertama dengan penerima manfaat", 2)]
    chart = charts.hbars("Tenggat terlewat", steps, value_title="Tenggat")
    longest = max(len(line) for tick in chart.category_ticks for line in tick.lines)
    assert longest == len("Menerima rujukan")
    # Labels end 6 units left of the axis and start no closer than 6 units to the edge.
    assert chart.left - 6 - charts.CHAR_W * longest >= 6
    assert chart.right - chart.left >= 200
    short = charts.hbars("Per pilar", [("Tagana", 3)], value_title="Tugas")
    assert short.left < chart.left


def test_a_missing_measurement_leaves_a_gap_not_a_zero() -> None:
    chart = charts.lines(
        "Waktu terima", ["a", "b", "c"], [("Median", [2.0, None, 4.5])], value_title="Jam"
    )
    (line,) = chart.lines
    assert len(line.points) == 2
    assert line.labels == ["a, Median: 2", "c, Median: 4,5"]
    assert chart.value_ticks[-1].label == "5"


def test_numbers_are_written_the_indonesian_way() -> None:
    assert charts.plain(1234) == "1.234"
    assert charts.plain(2.5) == "2,5"
    assert charts.plain(1234.5) == "1.234,5"
