"""The service-gap page's tile cartogram (services/intake/dashboard/cartogram.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.intake.dashboard import cartogram
from shared.domain.gaps import GapCounts, GapRow

REGIONS = Path(__file__).resolve().parents[4] / "shared" / "data" / "regions" / "wilayah.csv"
EAST_JAVA_KABS = {"35." + f"{n:02d}" for n in [*range(1, 30), *range(71, 80)]}


def test_the_38_kab_kota_of_east_java_each_have_a_tile_of_their_own() -> None:
    places = cartogram.EAST_JAVA

    assert set(places) == EAST_JAVA_KABS
    assert len(set(places.values())) == 38
    assert all(1 <= c <= cartogram.COLUMNS and 1 <= r <= cartogram.ROWS
               for c, r in places.values())  # fmt: skip


def test_the_grid_lies_roughly_as_the_province() -> None:
    column = {code: c for code, (c, _) in cartogram.EAST_JAVA.items()}
    row = {code: r for code, (_, r) in cartogram.EAST_JAVA.items()}

    assert column["35.01"] < column["35.07"] < column["35.09"] < column["35.10"]  # W to E
    assert {row[k] for k in ("35.26", "35.27", "35.28", "35.29")} == {1}  # Madura on top
    assert row["35.23"] < row["35.05"]  # Tuban north of Blitar


@pytest.mark.parametrize(
    ("score", "shade"), [(0, 0), (0.01, 1), (0.99, 1), (1, 2), (2.99, 2), (3, 3), (10, 4)]
)
def test_shades_follow_fixed_breaks(score: float, shade: int) -> None:
    assert cartogram.shade(score) == shade


def test_a_tile_shows_its_areas_worst_pillar() -> None:
    rows = [
        GapRow("35.07", "Kabupaten Malang", "PSM", GapCounts(unassigned=4)),
        GapRow("35.07", "Kabupaten Malang", "TKSK", GapCounts(unassigned=1)),
        GapRow("35.73", "Kota Malang", "TKSK", GapCounts()),
    ]

    tiles = cartogram.tiles(rows, places=cartogram.EAST_JAVA)

    assert [(t.code, t.name, t.pillar, t.score, t.shade, t.column) for t in tiles] == [
        ("35.07", "Malang", "PSM", 4.0, 3, 6),
        ("35.73", "Kota Malang", "TKSK", 0.0, 0, 6),
    ]


def test_the_names_on_the_grid_are_the_code_lists() -> None:
    with REGIONS.open(encoding="utf-8") as f:
        kabs = {r["code"] for r in csv.DictReader(f) if r["parent_code"] == "35"}
    assert kabs == set(cartogram.EAST_JAVA)
