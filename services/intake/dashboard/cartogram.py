"""The service-gap page's tile cartogram: East Java's 38 kab/kota as equal tiles on a grid
laid out roughly as the province lies (Madura along the top right, Pacitan bottom left,
Banyuwangi at the east end), each shaded by its gap score in one of five classes with the
score written in it. Pure: rows in, tiles out; the template places a tile by its column
and row classes and the style sheet colours it (no inline style for the CSP to block).

Any other region's areas (another province's kab/kota, a kab/kota's kecamatan) get no
positions: the page lays them out in code order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.domain.gaps import GapRow

COLUMNS, ROWS = 9, 5
# (column, row) from the top left, 1-based.
EAST_JAVA: dict[str, tuple[int, int]] = {
    # The north coast and Madura.
    "35.23": (2, 1), "35.24": (3, 1), "35.25": (4, 1), "35.78": (5, 1),
    "35.26": (6, 1), "35.27": (7, 1), "35.28": (8, 1), "35.29": (9, 1),
    # Ngawi to Situbondo.
    "35.21": (1, 2), "35.22": (2, 2), "35.17": (3, 2), "35.16": (4, 2),
    "35.15": (5, 2), "35.75": (6, 2), "35.74": (7, 2), "35.12": (8, 2),
    # Magetan to Banyuwangi.
    "35.20": (1, 3), "35.19": (2, 3), "35.18": (3, 3), "35.76": (4, 3),
    "35.14": (5, 3), "35.13": (7, 3), "35.11": (8, 3), "35.10": (9, 3),
    # Ponorogo to Jember.
    "35.02": (1, 4), "35.77": (2, 4), "35.71": (3, 4), "35.06": (4, 4),
    "35.79": (5, 4), "35.73": (6, 4), "35.08": (7, 4), "35.09": (8, 4),
    # The south coast.
    "35.01": (1, 5), "35.03": (2, 5), "35.04": (3, 5), "35.05": (4, 5),
    "35.72": (5, 5), "35.07": (6, 5),
}  # fmt: skip
# The lower bound of each shade above 0: fixed, so that a colour means the same from one
# week and one pillar to the next (0: no gap; 4: ten or more per coordinator plus one).
BREAKS = (0.0, 1.0, 3.0, 10.0)


def shade(score: float) -> int:
    """0 for no gap, then 1 (under 1), 2 (1 to under 3), 3 (3 to under 10), 4 (10 up)."""
    if score <= 0:
        return 0
    return sum(1 for low in BREAKS if score >= low)


def short_name(name: str) -> str:
    """Kabupaten Malang -> Malang; Kota Malang stays (both exist)."""
    return name.removeprefix("Kabupaten ").removeprefix("Kab. ")


@dataclass(frozen=True, slots=True)
class Tile:
    code: str
    name: str
    score: float
    shade: int
    pillar: str  # the pillar whose gap the tile shows (the worst, for all pillars)
    unmet: int
    coordinators: int
    column: int | None = None
    row: int | None = None


def tiles(
    rows: Iterable[GapRow], *, places: dict[str, tuple[int, int]] | None = None
) -> list[Tile]:
    """One tile per area: its worst pillar's row (the only one, with a pillar chosen), in
    code order; with `places`, at its grid position."""
    worst: dict[str, GapRow] = {}
    order: list[str] = []
    for found in rows:  # worst first: an area's first row is its worst
        if found.region_code not in worst:
            worst[found.region_code] = found
            order.append(found.region_code)
    result = []
    for code in sorted(order):
        found = worst[code]
        column, row = (places or {}).get(code, (None, None))
        result.append(
            Tile(
                code=code,
                name=short_name(found.region_name),
                score=found.gap_score,
                shade=shade(found.gap_score),
                pillar=found.pillar,
                unmet=found.counts.unmet,
                coordinators=found.counts.active_coordinators,
                column=column,
                row=row,
            )
        )
    return result


def places_for(region_code: str) -> dict[str, tuple[int, int]] | None:
    """The grid of a region whose areas have one (East Java's kab/kota)."""
    return EAST_JAVA if region_code == "35" else None
