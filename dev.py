#!/usr/bin/env python3
"""Development commands for a fresh machine that has only Python 3.11 or newer.

    python3 dev.py up [--demo]      run the whole system here (see README.md)
    python3 dev.py test [ARGS...]   run the test suite on every core; ARGS go to pytest
    python3 dev.py check            ruff check, ruff format --check, mypy, lint-imports

Each command first makes sure .venv exists and holds the project (with its dev extras for
`test` and `check`), reinstalling when pyproject.toml has changed since the last install.
The installer is uv, from PyPI, with pip as the fallback. Standard library only.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
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
        ensure_environment(dev=False)
        return replace_process([str(BIN / "sekber"), "up", *rest])
    if command == "test":
        ensure_environment()
        return replace_process([str(BIN / "python"), "-m", "pytest", *pytest_arguments(rest)])
    if command == "check":
        ensure_environment()
        return check()
    print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


def ensure_environment(*, dev: bool = True) -> None:
    """Create .venv if missing; (re)install the project when pyproject.toml changed, with
    its dev extras (linters, test tools) for `test` and `check`, without them for `up`.

    The installer is uv (from PyPI), several times faster than pip; pip is the fallback
    when uv cannot be had or fails, and SEKBER_INSTALLER=pip chooses it."""
    python = BIN / "python"
    use_uv = os.environ.get("SEKBER_INSTALLER", "uv") != "pip"
    if not python.exists():
        print("Creating .venv ...", file=sys.stderr)
        # uv needs no pip in the environment; ensurepip is the slower half of `venv`.
        without_pip = ["--without-pip"] if use_uv else []
        made = subprocess.run([sys.executable, "-m", "venv", *without_pip, str(VENV)])
        if made.returncode != 0:
            sys.exit("could not create .venv (on Debian/Ubuntu: apt install python3-venv)")
    wanted = pyproject_hash()
    if up_to_date(STAMP.read_text() if STAMP.exists() else "", wanted, dev=dev):
        return
    print("Installing the project into .venv (pyproject.toml changed) ...", file=sys.stderr)
    project = ["-e", ".[dev]" if dev else "."]
    if not (use_uv and install_with_uv(python, project)) and not install_with_pip(python, project):
        sys.exit("could not install the project; see the messages above")
    STAMP.write_text(f"{wanted} dev\n" if dev else f"{wanted}\n")


def up_to_date(stamp: str, wanted: str, *, dev: bool) -> bool:
    """Whether the install the stamp records (pyproject.toml's hash, then "dev" when the dev
    extras came with it) is the one wanted: a runtime install does for `up`, not for tests."""
    installed = stamp.split()
    return installed[:1] == [wanted] and (not dev or "dev" in installed[1:])


PIP = ["-m", "pip", "install", "--disable-pip-version-check", "-q"]
UV_HOME = VENV / "uv"  # uv's own package, beside the environment it installs into


def install_with_uv(python: Path, project: list[str]) -> bool:
    uv = find_uv()
    if uv is None:
        print("uv could not be had; pip installs the project", file=sys.stderr)
        return False
    # uv leaves compiling to the first import, as Python caches it; where Python is told to
    # cache nothing (PYTHONDONTWRITEBYTECODE), compile here, as pip does, or every start
    # of every service would compile its imports again.
    compile_ = ["--compile-bytecode"] if sys.flags.dont_write_bytecode else []
    command = [uv, "pip", "install", "-q", *compile_, "--python", str(python), *project]
    done = subprocess.run(command)
    if done.returncode != 0:
        print("uv failed (see above); trying pip", file=sys.stderr)
    return done.returncode == 0


def find_uv() -> str | None:
    """uv on the PATH, or uv installed from PyPI into .venv/uv by this Python's pip."""
    found = shutil.which("uv")
    if found:
        return found
    kept = UV_HOME / "bin" / ("uv.exe" if os.name == "nt" else "uv")
    if not kept.exists():
        got = subprocess.run(
            [sys.executable, *PIP, "--target", str(UV_HOME), "uv"], capture_output=True
        )
        if got.returncode != 0:
            return None
    return str(kept) if kept.exists() else None


def install_with_pip(python: Path, project: list[str]) -> bool:
    has_pip = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True)
    if has_pip.returncode != 0:
        subprocess.run([str(python), "-m", "ensurepip", "-q"], check=False)
    return subprocess.run([str(python), *PIP, *project]).returncode == 0


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
