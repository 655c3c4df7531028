"""The gap score and the order of the service gaps (shared/domain/gaps.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain import gaps
from shared.domain.gaps import GapCounts, GapRow


def test_unmet_demand_is_waiting_declines_for_capacity_or_area_and_unanswered() -> None:
    counts = GapCounts(unassigned=2, declined_no_capacity=3, declined_out_of_area=1,
                       no_response=4, declined_other=9)  # fmt: skip

    assert counts.unmet == 10


def test_no_coordinator_and_six_waiting_scores_six_five_coordinators_score_one() -> None:
    assert GapCounts(unassigned=6).gap_score == 6.0
    assert GapCounts(unassigned=6, active_coordinators=5, capacity=125).gap_score == 1.0


def test_open_tasks_beyond_capacity_count_as_overload() -> None:
    counts = GapCounts(open_tasks=30, active_coordinators=1, capacity=25)

    assert (counts.overload, counts.gap_score, counts.open_per_coordinator) == (5, 2.5, 30.0)


def test_declines_for_other_reasons_are_no_gap() -> None:
    assert GapCounts(referrals=40, declined_other=12, active_coordinators=2).gap_score == 0


def test_open_per_coordinator_is_none_without_a_coordinator() -> None:
    assert GapCounts(open_tasks=3).open_per_coordinator is None


def test_counts_add_field_by_field() -> None:
    assert GapCounts(referrals=1, capacity=5) + GapCounts(referrals=2) == GapCounts(
        referrals=3, capacity=5
    )


def _row(code: str, pillar: str, **counts: int) -> GapRow:
    return GapRow(code, code, pillar, GapCounts(**counts))


def test_the_worst_come_first_then_the_most_unmet_then_referrals_then_by_code() -> None:
    rows = [
        _row("35.02", "PSM"),
        _row("35.01", "TKSK", unassigned=2, active_coordinators=1),  # 1.0
        _row("35.03", "LKS", unassigned=1),  # 1.0, less unmet
        _row("35.04", "TKSK", unassigned=3),  # 3.0
        _row("35.01", "PSM"),
    ]

    ordered = [(r.region_code, r.pillar) for r in gaps.worst_first(rows)]

    assert ordered == [("35.04", "TKSK"), ("35.01", "TKSK"), ("35.03", "LKS"),
                       ("35.01", "PSM"), ("35.02", "PSM")]  # fmt: skip


def test_the_digest_names_at_most_five_and_only_real_gaps() -> None:
    rows = [_row(f"35.0{i}", "TKSK", unassigned=i) for i in range(8)]

    assert [r.region_code for r in gaps.worst(rows)] == ["35.07", "35.06", "35.05", "35.04",
                                                         "35.03"]  # fmt: skip
    assert gaps.worst([_row("35.01", "TKSK")]) == []


def test_a_record_carries_every_count_and_the_median_in_hours() -> None:
    found = gaps.record(GapRow("35.07", "Kabupaten Malang", "TKSK",
                               GapCounts(unassigned=1), median_accept_seconds=5400))  # fmt: skip

    assert found["median_hours_to_accept"] == 1.5
    assert (found["unmet"], found["gap_score"], found["breached"]) == (1, 1.0, 0)


@pytest.mark.parametrize(
    ("values", "median"), [([], None), ([3.0], 3.0), ([4.0, 1.0], 2.5), ([5.0, 1.0, 2.0], 2.0)]
)
def test_the_median_is_percentile_conts(values: list[float], median: float | None) -> None:
    assert gaps.median(values) == median


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (datetime(2026, 10, 12, 1, 0, tzinfo=UTC), date(2026, 10, 5)),  # Monday 08:00 WIB
        (datetime(2026, 10, 11, 23, 30, tzinfo=UTC), date(2026, 9, 28)),  # Monday 06:30 WIB
        (datetime(2026, 10, 18, 16, 0, tzinfo=UTC), date(2026, 10, 5)),  # Sunday 23:00 WIB
    ],
)
def test_a_weeks_digest_is_due_from_the_next_monday_at_the_digest_hour(
    now: datetime, week: date
) -> None:
    assert gaps.digest_week(now, hour=7) == week
