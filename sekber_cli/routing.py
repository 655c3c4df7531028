"""Routing rule chores: try a draft over recent cases, and upload a rule set."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from shared.db import UowFactory
    from shared.domain.routing.replay import ReplayReport, Routed
    from shared.domain.routing.rules import RuleSet, RuleSetError

RulesFile = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Rule set (TOML)")
]


def register(app: typer.Typer) -> None:
    app.command("routing-replay")(routing_replay)
    app.command("rules-upload")(rules_upload)


def routing_replay(
    draft: RulesFile,
    limit: Annotated[int, typer.Option(min=1, help="How many recent cases")] = 1000,
    examples: Annotated[int, typer.Option(min=0, help="How many changed cases to show")] = 5,
) -> None:
    """Try a draft rule set on recent cases.

    Shows what it would change for the most recent cases; stores nothing. Both rule sets
    decide the cases with today's directory, in one read-only transaction.
    """
    from shared.routing import replay as rulereplay

    rules = _parse(draft)
    report = rulereplay.replay_recent(
        uow_factory=_uow_factory(), draft=rules, limit=limit, examples=examples, today=date.today()
    )
    for line in describe(report):
        typer.echo(line)


def rules_upload(
    path: RulesFile,
    actor: Annotated[str | None, typer.Option(help="Who uploads (default: you)")] = None,
) -> None:
    """Validate, store and activate a rule set.

    The routing workers use it from their next case."""
    from shared.domain.routing.rules import RuleSetError
    from shared.routing import rulestore

    text = _read(path)
    with _uow_factory()() as uow:
        try:
            row = rulestore.store(uow.session, text=text, created_by=actor or _whoami())
        except RuleSetError as exc:
            _refuse(path, exc)
        version, author = row.version, row.created_by
        uow.commit()
    typer.echo(f"Routing rules {version} are active (uploaded by {author}).")


def describe(report: ReplayReport) -> list[str]:
    counts = [
        ("set of pillars would change", str(report.pillars_changed)),
        ("coordinator would change (same pillar)", str(report.coordinator_changed)),
        ("unchanged", str(report.cases - report.changed)),
        (
            "tasks for the supervisors' queue",
            f"{report.unassigned_before} -> {report.unassigned_after}",
        ),
    ]
    lines = [
        f"Replayed {report.cases} recent case(s): active rules {report.before_version} "
        f"-> draft {report.after_version}",
        *(f"  {label + ':':<40} {value}" for label, value in counts),
    ]
    if report.examples:
        lines.append("Examples:")
        lines += [f"  {c.label}: {_tasks(c.before)} -> {_tasks(c.after)}" for c in report.examples]
    return lines


def _tasks(tasks: tuple[Routed, ...]) -> str:
    if not tasks:
        return "(no task)"
    return ", ".join(f"{t.pillar} {t.coordinator_name or '(unassigned)'}" for t in tasks)


def _parse(path: Path) -> RuleSet:
    from shared.domain.routing import rules as routing_rules
    from shared.domain.routing.rules import RuleSetError

    try:
        return routing_rules.parse(_read(path))
    except RuleSetError as exc:
        _refuse(path, exc)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        typer.echo(f"{path}: not UTF-8 text (byte {exc.start})", err=True)
        raise typer.Exit(code=2) from None


def _refuse(path: Path, exc: RuleSetError) -> NoReturn:
    typer.echo(f"{path}: refused, the active rules are unchanged: {exc}", err=True)
    raise typer.Exit(code=2) from None


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _uow_factory() -> UowFactory:
    from shared.config import get_settings
    from shared.db import uow_factory_for

    return uow_factory_for(get_settings().database_url)
