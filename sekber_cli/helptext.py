"""Plain help for every `sekber` command: Click's layout (no Rich boxes), with names where
Typer writes type labels (`--role ROLE`, not `--role <str>`; `USERNAME`, not
`username <str>`), and the choices of an argument in its help text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand

if TYPE_CHECKING:
    from typer import _click


class PlainCommand(TyperCommand):
    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _placeholder(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: _click.Context, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                text = "  ".join(filter(None, (_choices(param), record[1])))
                arguments.append((_placeholder(param), text))
            elif param.param_type_name == "option":
                options.append((_option_names(param), record[1]))
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def use_plain_help(app: typer.Typer) -> None:
    """Every command of `app` and of the groups under it is a PlainCommand (unless it
    names a class of its own)."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = PlainCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            use_plain_help(group.typer_instance)


def _placeholder(param: _click.Parameter) -> str:
    return param.metavar or (param.name or "value").upper()


def _choices(param: _click.Parameter) -> str:
    described = getattr(param, "type_descriptor", None)
    choices = getattr(described, "choices", None) if getattr(described, "is_choice", 0) else None
    if not choices:
        return ""
    return "One of " + ", ".join(str(getattr(c, "value", c)) for c in choices) + "."


def _option_names(param: _click.Parameter) -> str:
    names = ", ".join(param.opts)
    secondary = getattr(param, "secondary_opts", [])
    if secondary:
        names += " / " + ", ".join(secondary)
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return names
    return f"{names} {_placeholder(param)}"
