"""The help of every `sekber` command at 80 columns: plain text, no type labels, no word
broken across lines, no summary cut short."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer.main
from typer.testing import CliRunner

from sekber_cli.main import app

runner = CliRunner()


def command_paths() -> Iterator[list[str]]:
    group = typer.main.get_command(app)

    def walk(command: object, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    yield from walk(group, [])


@pytest.mark.parametrize("path", list(command_paths()), ids=lambda p: " ".join(p) or "sekber")
def test_the_help_is_plain_and_fits_80_columns(path: list[str]) -> None:
    result = runner.invoke(
        app, [*path, "--help"], prog_name="sekber", env={"COLUMNS": "80"}, terminal_width=80
    )

    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"<\w[^>]*>", text), text  # <bool>, <str>, <int range>, <file>
    assert not re.search(r"[╭│╰─]", text), text  # no Rich boxes
    cut = [line for line in text.splitlines() if line.endswith("...") and "Usage:" not in line]
    assert not cut, text  # no command summary cut short
    assert all(len(line) <= 80 for line in text.splitlines()), text


def test_the_probe_names_its_services_whole() -> None:
    result = runner.invoke(app, ["probe", "--help"], prog_name="sekber", terminal_width=80)

    assert "Usage: sekber probe [OPTIONS] SERVICE" in result.output
    assert "One of routing, notify, imports, relay, scheduler." in result.output


def test_options_show_their_name_as_placeholder() -> None:
    result = runner.invoke(
        app, ["users", "create", "--help"], prog_name="sekber", terminal_width=80
    )

    assert "--role ROLE" in result.output
    assert "--password / --no-password  " in result.output
    assert "Usage: sekber users create [OPTIONS] USERNAME" in result.output
