from __future__ import annotations

from sekber_cli.bootstrap import progress_lines


def test_progress_is_reported_once_per_quarter_and_at_the_end() -> None:
    lines: list[str] = []
    progress = progress_lines("Regions", lines.append)

    for done in (10, 30, 49, 60, 90, 100):
        progress(done, 100)

    assert lines == [
        "Regions: 30 of 100 (30%)",
        "Regions: 60 of 100 (60%)",
        "Regions: 90 of 100 (90%)",
        "Regions: 100 of 100 (100%)",
    ]
