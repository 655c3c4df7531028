"""A settings mistake ends a command with one line per problem on stderr, naming the
variable and what it expects: no traceback, never the value (URLs carry passwords and
tokens; secrets are secrets), exit code 2. `sekber up` also checks that the Redis and the
database it is given answer before it starts anything.

Every URL-valued and enum-valued setting is tried through `sekber`'s own entry point,
in-process (the same code path as the console script, at a fraction of the cost); a few
runs as real processes prove the console script and the service commands behave alike.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sekber_cli import main as cli
from sekber_cli.embedded import free_port
from shared.config import PLACEHOLDER_SECRET, get_settings
from shared.config_errors import EXIT_CODE

ROOT = Path(__file__).resolve().parents[3]
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
# A webhook secret that is not whsec_ + base64 of 24 bytes; it must never be printed.
BAD_WEBHOOK_SECRET = "whsec_TOPSECRET-not-base64!"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# (variable, a wrong value, other variables the case needs)
MISTAKES = [
    ("SEKBER_DATABASE_URL", "foo", {}),
    ("SEKBER_DATABASE_URL", "mysql://sekber:hunter2-db@db/sekber", {}),
    ("SEKBER_REDIS_URL", "", {}),
    ("SEKBER_REDIS_URL", "notaurl", {}),
    ("SEKBER_REDIS_URL", "http://:hunter2-redis@cache:6379/0", {}),
    ("SEKBER_REDIS_URL", "redis://cache:port/0", {}),
    ("SEKBER_PUBLIC_BASE_URL", "sekber.example.org", {}),
    ("SEKBER_WEBHOOK_URL", "ftp://hooks.example.org/in", {"SEKBER_WEBHOOK_SECRET": WEBHOOK_SECRET}),
    ("SEKBER_GATEWAY_URL", "gateway.example.org/send?token=hunter2", {}),
    ("SEKBER_TELEGRAM_API_BASE", "api.telegram.org", {}),
    ("SEKBER_CORS_ORIGINS", '["https://app.example.org"', {}),
    ("SEKBER_CORS_ORIGINS", "*", {}),
    ("SEKBER_CORS_ORIGINS", "https://app.example.org/pages", {}),
    ("SEKBER_ENVIRONMENT", "staging", {}),
    ("SEKBER_LOG_LEVEL", "LOUD", {}),
    ("SEKBER_LOG_FORMAT", "xml", {}),
    ("SEKBER_WEBHOOK_LANGUAGE", "jv", {}),
    ("SEKBER_SECRET_KEY", PLACEHOLDER_SECRET, {}),
    ("SEKBER_SECRET_KEY", "too-short-to-sign-tokens", {}),
    (
        "SEKBER_WEBHOOK_SECRET",
        BAD_WEBHOOK_SECRET,
        {"SEKBER_WEBHOOK_URL": "https://hooks.example.org/in"},
    ),
]


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["sekber", *argv])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    return int(exited.value.code or 0), capsys.readouterr().err


def assert_refused(code: int, stderr: str, variable: str, value: str) -> None:
    assert code == EXIT_CODE, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"sekber: {variable}"), stderr
    assert "Traceback" not in stderr and "input_value" not in stderr
    if len(value) > 3 and value != PLACEHOLDER_SECRET:  # short values are common words
        assert value not in stderr


@pytest.mark.parametrize(("variable", "value", "extra"), MISTAKES)
def test_a_wrong_setting_is_one_line_that_names_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    extra: dict[str, str],
) -> None:
    monkeypatch.setenv(variable, value)
    for name, other in extra.items():
        monkeypatch.setenv(name, other)

    # The probe loads the settings and, were they good, would end at once.
    code, stderr = run_in_process(monkeypatch, capsys, ["probe", "routing"])

    assert_refused(code, stderr, variable, value)
    assert "hunter2" not in stderr


def child_env(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SEKBER_")}
    return {**clean, "PYTHONPATH": str(ROOT), **env}


def sekber(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("sekber")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sekber_cli.main"]
    return subprocess.run(
        [*command, *argv], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_a_service_without_a_secret_key_refuses_in_one_line(tmp_path: Path) -> None:
    # As in the Docker image: production, and nobody set the key.
    result = sekber(["intake"], child_env(SEKBER_ENVIRONMENT="production"), tmp_path)

    assert_refused(result.returncode, result.stderr, "SEKBER_SECRET_KEY is not set", "")


def test_a_service_names_each_mistake_and_never_a_secret(tmp_path: Path) -> None:
    env = child_env(
        SEKBER_SECRET_KEY="a-real-secret-for-this-test-of-32-chars-or-more",
        SEKBER_REDIS_URL="notaurl",
        SEKBER_LOG_LEVEL="LOUD",
        SEKBER_WEBHOOK_SECRET=BAD_WEBHOOK_SECRET,
    )

    result = sekber(["notify"], env, tmp_path)

    assert result.returncode == EXIT_CODE
    # Field checks come first; the webhook secret (a check across two settings) once
    # they pass, as the in-process cases show.
    assert [line.split(":")[1].strip() for line in result.stderr.splitlines()] == [
        "SEKBER_REDIS_URL",
        "SEKBER_LOG_LEVEL",
    ], result.stderr
    assert "Traceback" not in result.stderr and BAD_WEBHOOK_SECRET not in result.stderr


def up_env(tmp_path: Path, **env: str) -> dict[str, str]:
    return child_env(
        SEKBER_SECRET_KEY="a-real-secret-for-this-test-of-32-chars-or-more",
        SEKBER_HTTP_PORT=str(free_port()),
        SEKBER_DATABASE_URL=f"sqlite:///{tmp_path / 'sekber.db'}",
        **env,
    )


def test_up_stops_when_redis_does_not_answer(tmp_path: Path) -> None:
    env = up_env(tmp_path, SEKBER_REDIS_URL="redis://:hunter2@127.0.0.1:1/0")

    result = sekber(["up"], env, tmp_path)

    assert result.returncode == 2, result.stdout + result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and "Redis at redis://:***@127.0.0.1:1/0 does not answer" in errors[0]
    assert "SEKBER_REDIS_URL" in errors[0]
    output = result.stdout + result.stderr
    assert "Sekber is up" not in output and "Traceback" not in output and "hunter2" not in output
    assert not (tmp_path / "sekber.db").exists()  # nothing prepared, nothing started


def test_up_stops_when_the_database_does_not_answer(tmp_path: Path, redis_url: str) -> None:
    env = up_env(tmp_path, SEKBER_REDIS_URL=redis_url)
    env["SEKBER_DATABASE_URL"] = "postgresql://sekber:hunter2@127.0.0.1:1/sekber"

    result = sekber(["up"], env, tmp_path)

    assert result.returncode == 2, result.stdout + result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 1, result.stderr
    assert (
        errors[0].startswith("up")
        and "the database at postgresql+psycopg://sekber:***@" in (errors[0])
    )
    output = result.stdout + result.stderr
    assert "Sekber is up" not in output and "Traceback" not in output and "hunter2" not in output


def test_notify_refuses_a_channel_it_may_not_send_to_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEKBER_ENVIRONMENT", "production")
    monkeypatch.setenv("SEKBER_WEBHOOK_URL", "http://10.0.0.7/hooks/hunter2")
    monkeypatch.setenv("SEKBER_WEBHOOK_SECRET", WEBHOOK_SECRET)

    code, stderr = run_in_process(monkeypatch, capsys, ["notify"])

    assert_refused(code, stderr, "SEKBER_WEBHOOK_URL", "http://10.0.0.7/hooks/hunter2")
    assert "https only" in stderr and "hunter2" not in stderr
