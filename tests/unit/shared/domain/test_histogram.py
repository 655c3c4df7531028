"""Durations in log-spaced bins: the bins the SQL fills, and percentiles read back."""

from __future__ import annotations

import random

import pytest

from shared.domain import histogram
from shared.domain.histogram import COUNT, bin_of, percentile, upper_edge


def _filled(values: list[float]) -> list[int]:
    counts = [0] * COUNT
    for v in values:
        counts[bin_of(v)] += 1
    return counts


def test_each_bin_holds_the_durations_between_its_edges() -> None:
    assert (bin_of(0), bin_of(59.9), bin_of(60), bin_of(71.3)) == (0, 0, 1, 1)
    assert bin_of(upper_edge(1) * 1.0001) == 2
    for index in range(1, COUNT - 1):
        low = upper_edge(index - 1)
        assert bin_of(low * 1.0001) == index
    assert bin_of(10**12) == COUNT - 1


def test_no_values_have_no_percentile() -> None:
    assert percentile([0] * COUNT, 0.5) is None


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_percentile_from_the_bins_is_within_a_bin_of_the_exact_one(
    seed: int, fraction: float
) -> None:
    draw = random.Random(seed)
    values = [draw.lognormvariate(10, 1.5) for _ in range(draw.randint(1, 3000))]
    exact = sorted(values)[round(fraction * (len(values) - 1))]
    found = percentile(_filled(values), fraction)

    assert found is not None
    bin_width = 2 ** (1 / histogram.PER_OCTAVE)
    assert exact / bin_width <= found <= exact * bin_width


def test_a_histogram_has_its_number_of_bins() -> None:
    with pytest.raises(ValueError, match="bins"):
        percentile([1, 2], 0.5)
