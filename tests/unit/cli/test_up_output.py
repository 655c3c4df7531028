"""What `sekber up` prints: no Celery banner and no superuser warning from its workers,
progress at half way, and last the lines that say where to go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sekber_cli import probe, up
from sekber_cli.bootstrap import progress_lines
from sekber_cli.terminal import StartupChatter

# As `sekber up` showed them (Celery 5.7, the text log format).
OUTPUT = [
    ("scheduler", "celery beat v5.7.0 (collider) is starting."),
    ("routing", " "),
    ("routing", " -------------- routing@vm v5.7.0 (collider)"),
    ("routing", "--- ***** ----- "),
    ("scheduler", "__    -    ... __   -        _"),
    ("scheduler", "LocalTime -> 2026-12-04 23:21:29"),
    ("scheduler", "    . broker -> sekber-redis://:**@127.0.0.1:41519/0"),
    ("scheduler", ""),
    ("scheduler", "2026-12-04 23:21:29,507 INFO  scheduler [-] celery.beat: beat: Starting..."),
    ("routing", "- ** ---------- .> concurrency: 2 (prefork)"),
    ("routing", " -------------- [queues]"),
    (
        "routing",
        "                .> sekber.routing   exchange=sekber.routing(direct) key=sekber.routing",
    ),
    ("routing", "[tasks]"),
    ("routing", "  . sekber.routing.on_event"),
    ("routing", ""),
    (
        "intake",
        "2026-12-04 23:21:30,204 INFO  intake [-] uvicorn.error: Started server process [1]",
    ),
    ("routing", "2026-12-04 23:21:30,125 INFO  routing [-] celery.apps.worker: routing@vm ready."),
    ("relay", '{"level": "WARNING", "message": "redis is down"}'),
    ("intake", "2026-12-04 23:30:22,326 INFO  intake [-] alembic.runtime.plugins: setup plugin"),
    ("intake", "2026-12-04 23:30:22,755 INFO  intake [560a8f] alembic.runtime.migration: Context"),
    ("intake", "2026-12-04 23:30:22,755 ERROR intake [560a8f] alembic.runtime.migration: broken"),
]


def test_the_banners_of_the_workers_and_of_beat_and_alembic_s_info_are_left_out() -> None:
    banners = StartupChatter()

    shown = [(name, line) for name, line in OUTPUT if banners.keep(name, line)]

    assert shown == [
        OUTPUT[8],  # beat: Starting... (up waits for it)
        OUTPUT[15],
        OUTPUT[16],  # ready. (up waits for it)
        OUTPUT[17],
        OUTPUT[20],  # alembic's INFO lines are left out, not its errors
    ]


def test_a_traceback_ends_a_banner_and_no_banner_hides_more_than_forty_lines() -> None:
    banners = StartupChatter()
    assert not banners.keep("notify", " -------------- notify@vm v5.7.0 (collider)")
    assert banners.keep("notify", "Traceback (most recent call last):")

    assert not banners.keep("routing", " -------------- routing@vm v5.7.0 (collider)")
    kept = [banners.keep("routing", f"line {i}") for i in range(60)]
    assert kept.index(True) == 39 and all(kept[39:])


def test_celery_s_superuser_warning_is_silenced_in_the_children(tmp_path: Path) -> None:
    env = up.child_environment(
        database_url="sqlite:///x.db",
        redis_url="redis://127.0.0.1:1/0",
        http_port=8000,
        secret_key="k" * 40,
        heartbeat_dir=str(tmp_path),
    )
    warn = (
        "import warnings\n"
        "from celery.exceptions import SecurityWarning\n"
        "from celery.platforms import ROOT_DISCOURAGED\n"
        "warnings.warn(SecurityWarning(ROOT_DISCOURAGED.format(uid=0, euid=0, gid=0, egid=0)))\n"
        "warnings.warn(UserWarning('other warnings still show'))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", warn], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert "superuser" not in result.stderr
    assert "other warnings still show" in result.stderr
    assert env["SEKBER_HEARTBEAT_DIR"] == str(tmp_path)


def test_up_keeps_the_heartbeats_under_var_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert up.heartbeat_dir("") == str(tmp_path / "var" / "heartbeats")
    assert up.heartbeat_dir("/run/beats") == "/run/beats"
    assert up.HEARTBEAT_DIR == probe.UP_DIR


def test_the_last_lines_say_where_to_go_and_fit_the_terminal() -> None:
    lines = up.ready_lines("http://127.0.0.1:8000", scheduler_pid=42, scan_seconds=60, demo=True)

    assert lines[0].startswith("Sekber is up")
    text = "\n".join(lines)
    where = [text.index("http://127.0.0.1:8000/masuk"), text.index("http://127.0.0.1:8000/docs")]
    assert where == sorted(where) and where[0] > text.index("Scheduler: pid 42")
    assert "password demo-sekber-2026" in text
    assert all(name in text for name in ("petugas.demo", "koordinator.demo", "admin.demo"))
    assert len(lines) <= 10
    assert all(len("scheduler | " + line) <= 80 for line in lines)

    plain = up.ready_lines("http://127.0.0.1:8000", scheduler_pid=42, scan_seconds=60, demo=False)
    assert plain[-1].endswith("/docs") and "demo" not in "\n".join(plain)


def test_up_reports_its_loads_at_half_way_and_at_the_end() -> None:
    lines: list[str] = []
    progress = progress_lines("Regions", lines.append, step_percent=50)

    for done in range(0, 101, 5):
        progress(done, 100)

    assert lines == ["Regions: 50 of 100 (50%)", "Regions: 100 of 100 (100%)"]
