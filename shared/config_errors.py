"""Settings mistakes as one line each: the variable, what it expects, and never its value.

pydantic's own rendering of a ValidationError repeats every input (`input_value=...`),
the secret key and the webhook secret included; these lines are built from the error's
location and message only.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TextIO

import pydantic
import pydantic_settings

ENV_PREFIX = "SEKBER_"
# How a command that cannot start on its settings exits.
EXIT_CODE = 2
_VALUE_ERROR = "Value error, "
_SOURCE_FIELD = re.compile(r'field "(\w+)"')


class SettingsError(ValueError):
    """Settings that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems) or ["the settings could not be read"]
        super().__init__("; ".join(self.problems))


def variable(field: str) -> str:
    return ENV_PREFIX + field.upper()


def from_validation(exc: pydantic.ValidationError) -> SettingsError:
    lines = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        message = error["msg"].removeprefix(_VALUE_ERROR)
        loc = error["loc"]
        if not loc:  # a check across settings: its message names them
            lines.append(message)
            continue
        name = variable(str(loc[0]))
        if message.startswith(name):
            lines.append(message)
        else:
            item = "".join(f" (item {part})" for part in loc[1:] if isinstance(part, int))
            lines.append(f"{name}{item}: {message}")
    return SettingsError(lines)


def from_source(exc: pydantic_settings.SettingsError) -> SettingsError:
    """A list-valued setting whose text is not JSON (read before validation)."""
    found = _SOURCE_FIELD.search(str(exc))
    if found is None:
        return SettingsError(["the settings could not be read from the environment or .env"])
    return SettingsError([f"{variable(found.group(1))}: expected a JSON list, in [brackets]"])


def report(error: SettingsError, stream: TextIO | None = None) -> int:
    """Write one line per problem (stderr by default); the exit code to leave with."""
    out = stream or sys.stderr
    for problem in error.problems:
        out.write(f"sekber: {problem}\n")
    out.flush()
    return EXIT_CODE
