#!/usr/bin/env python3
"""Development commands for a fresh machine that has only Python 3.11 or newer.

    python3 dev.py up [--demo]      run the whole system here (see README.md)
    python3 dev.py test [ARGS...]   run the test suite on every core; ARGS go to pytest
    python3 dev.py check            ruff check, ruff format --check, mypy, lint-imports

Each command first makes sure .venv exists and holds the project with its dev extras,
reinstalling when pyproject.toml has changed since the last install. Standard library only.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".sekber-install-stamp"
MINIMUM = (3, 11)

USAGE = __doc__.split("\n\n")[1] if __doc__ else ""


def main(argv: list[str]) -> int:
    if sys.version_info < MINIMUM:
        print(
            f"Sekber needs Python {'.'.join(map(str, MINIMUM))} or newer; "
            f"this is {sys.version.split()[0]}.",
            file=sys.stderr,
        )
        return 2
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "up":
        ensure_environment()
        return replace_process([str(BIN / "sekber"), "up", *rest])
    if command == "test":
        ensure_environment()
        return replace_process([str(BIN / "python"), "-m", "pytest", *pytest_arguments(rest)])
    if command == "check":
        ensure_environment()
        return check()
    print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


def ensure_environment() -> None:
    """Create .venv if missing; (re)install the project when pyproject.toml changed.

    The installer is uv (from PyPI, kept in .venv), several times faster than pip; pip is
    the fallback when uv cannot be had or fails, and SEKBER_INSTALLER=pip chooses it."""
    python = BIN / "python"
    if not python.exists():
        print("Creating .venv ...", file=sys.stderr)
        if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode != 0:
            sys.exit("could not create .venv (on Debian/Ubuntu: apt install python3-venv)")
    wanted = pyproject_hash()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("Installing the project into .venv (pyproject.toml changed) ...", file=sys.stderr)
    if not install_with_uv(python) and not install_with_pip(python):
        sys.exit("could not install the project; see the messages above")
    STAMP.write_text(wanted + "\n")


PIP = ["-m", "pip", "install", "--disable-pip-version-check", "-q"]


def install_with_uv(python: Path) -> bool:
    if os.environ.get("SEKBER_INSTALLER", "uv") == "pip":
        return False
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        got = subprocess.run([str(python), *PIP, "uv"], capture_output=True, text=True)
        if got.returncode != 0 or not uv.exists():
            print("uv could not be installed; pip will install the project", file=sys.stderr)
            return False
    done = subprocess.run([str(uv), "pip", "install", "-q", "--python", str(python), *PROJECT])
    if done.returncode != 0:
        print("uv failed (see above); trying pip", file=sys.stderr)
    return done.returncode == 0


def install_with_pip(python: Path) -> bool:
    return subprocess.run([str(python), *PIP, *PROJECT]).returncode == 0


PROJECT = ["-e", ".[dev]"]


def pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


# pytest's short options that take a value: in a cluster such as -rs, what follows is it.
VALUED_SHORT = set("rkmpcoWn")


def pytest_arguments(args: list[str]) -> list[str]:
    """The suite on every core: pytest-xdist with one worker per core, each test file a
    unit of work on one worker, the longest first (see tests/conftest.py). Unless the
    arguments (or PYTEST_ADDOPTS) choose the workers themselves (-n N, -n 0, -p no:xdist)
    or want the output as it comes (-s), which workers would swallow; --pdb runs in this
    process by itself."""
    given = [*os.environ.get("PYTEST_ADDOPTS", "").split(), *args]
    plugins = {b for a, b in itertools.pairwise(given) if a == "-p"}
    plugins |= {a[2:] for a in given if a.startswith("-p") and len(a) > 2}
    if "no:xdist" in plugins:
        return args
    if "--capture=no" in given or any(_short_flag(a, "s") for a in given):
        return args
    extra = []
    if not any(a.startswith("--numprocesses") or _short_flag(a, "n") for a in given):
        extra += ["-n", "auto"]
    if not any(a.startswith("--dist") for a in given):
        extra += ["--dist", "loadfile"]
    return [*extra, *args]


def _short_flag(arg: str, letter: str) -> bool:
    """Whether `arg` is a cluster of short options (-vs, -rs, -n4) that sets `letter`."""
    if not arg.startswith("-") or arg.startswith("--"):
        return False
    for found in arg[1:]:
        if found == letter:
            return True
        if found in VALUED_SHORT:
            return False
    return False


def check() -> int:
    steps = [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["lint-imports"],
    ]
    failed = []
    for step in steps:
        line = " ".join(step)
        print(f"$ {line}", file=sys.stderr, flush=True)
        if subprocess.run([str(BIN / step[0]), *step[1:]]).returncode != 0:
            failed.append(line)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("all checks passed", file=sys.stderr)
    return 0


def replace_process(args: list[str]) -> int:
    """Become the command, so that signals and the exit code are its own."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":
        return subprocess.run(args).returncode
    os.execv(args[0], args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
