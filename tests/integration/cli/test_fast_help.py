"""`sekber --help` answers at once: building the help of the command and its groups
imports no database, broker, settings or Rich module (each command imports what it needs
when it runs). Checked on the modules loaded, not on a time, which a busy machine spoils."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Typer itself imports pydantic to read the parameters of a command, so it is not here.
HEAVY = ("sqlalchemy", "pydantic_settings", "redis", "celery", "fastapi", "rich")

SCRIPT = f"""
import sys
from sekber_cli.main import app
from typer.testing import CliRunner

runner = CliRunner()
for args in (["--help"], ["probe", "--help"], ["users", "--help"], ["users", "list", "--help"],
             ["keys", "--help"], ["up", "--help"], ["routing-replay", "--help"]):
    result = runner.invoke(app, args, prog_name="sekber")
    assert result.exit_code == 0, (args, result.output)
print(sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r})))
"""


def test_the_help_imports_no_database_broker_or_settings_module() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_the_console_script_prints_the_help() -> None:
    script = Path(sys.executable).with_name("sekber")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sekber_cli.main"]

    result = subprocess.run(
        [*command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: sekber [OPTIONS] COMMAND [ARGS]...")
    assert "users" in result.stdout and "<bool>" not in result.stdout
