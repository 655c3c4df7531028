"""Durations kept as counts in log-spaced bins, so that histograms of many days and areas
add up (the dashboard's rollups), and percentiles read back from them.

Bin 0 holds durations under a minute; bins 1 to 80 split one minute to 2**20 minutes
(about two years) four to an octave (each bin 19 % wider than the one before); bin 81
holds the rest. A percentile read from the bins is interpolated within its bin on the log
scale, as percentile_cont interpolates between the two closest ranks: off by less than one
bin (19 %), by a few per cent with many values (bench/dashboard_verify.py measures it).

Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

FIRST_EDGE = 60.0  # seconds
PER_OCTAVE = 4
OCTAVES = 20
COUNT = PER_OCTAVE * OCTAVES + 2  # 82 bins


def upper_edge(index: int) -> float:
    """The first duration (seconds) past bin `index` (0 <= index < COUNT - 1)."""
    return FIRST_EDGE * 2 ** (index / PER_OCTAVE)


def bin_of(seconds: float) -> int:
    """The bin a duration falls in: the same formula as the rollups' SQL."""
    if seconds < FIRST_EDGE:
        return 0
    if seconds >= upper_edge(COUNT - 2):
        return COUNT - 1
    return 1 + math.floor(PER_OCTAVE * math.log(seconds / FIRST_EDGE) / math.log(2))


def _value_at(counts: Sequence[int], rank: float) -> float:
    """The duration of the value at 0-based `rank`, interpolated within its bin."""
    below = 0
    for index, n in enumerate(counts):
        if n and rank < below + n:
            share = (rank - below + 0.5) / n
            if index == 0:
                return FIRST_EDGE * share
            if index == COUNT - 1:
                return upper_edge(COUNT - 2)
            low, high = upper_edge(index - 1), upper_edge(index)
            return low * (high / low) ** share
        below += n
    raise ValueError("rank beyond the histogram's values")


def percentile(counts: Sequence[int], fraction: float) -> float | None:
    """The continuous percentile (as percentile_cont) of the values a histogram holds;
    None for no values."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    if len(counts) != COUNT:
        raise ValueError(f"a histogram has {COUNT} bins")
    total = sum(counts)
    if total == 0:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    a, b = _value_at(counts, low), _value_at(counts, high)
    return a + (b - a) * (position - low)
