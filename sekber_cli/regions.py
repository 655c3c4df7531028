"""`sekber regions upgrade`: a new Kemendagri code list with its crosswalk of old to new
codes (shared/reference/region_upgrade.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from shared.reference.region_upgrade import UpgradeReport

regions_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Kemendagri region code lists."
)
SHOWN = 20


def register(app: typer.Typer) -> None:
    app.add_typer(regions_app, name="regions")


@regions_app.command("upgrade")
def upgrade(
    path: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="The new list (CSV)"),
    ],
    crosswalk: Annotated[
        Path,
        typer.Option(
            exists=True, dir_okay=False, readable=True, help="old_code,new_code,kind (CSV)"
        ),
    ],
    version: Annotated[str, typer.Option(help="The list's decree, e.g. 'Kepmendagri ...'")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change")] = False,
) -> None:
    """Load a new code list; cases and coordinators follow the crosswalk.

    One transaction: retired codes stay readable, cases keep the code they were filed
    under and gain the current one. Running it again changes nothing."""
    from sekber_cli.data import _require_schema, _uow_factory
    from shared.reference.region_upgrade import RegionUpgradeError
    from shared.reference.region_upgrade import upgrade as run

    _require_schema()
    try:
        report = run(
            _uow_factory(),
            regions_csv=path.read_bytes(),
            crosswalk_csv=crosswalk.read_text(encoding="utf-8"),
            version=version,
            dry_run=dry_run,
        )
    except RegionUpgradeError as exc:
        typer.echo(f"refused, nothing was changed: {exc}", err=True)
        raise typer.Exit(2) from None
    for line in describe(report):
        typer.echo(line)


def describe(report: UpgradeReport) -> list[str]:
    head = "Would change (dry run, nothing stored):" if report.dry_run else "Changed:"
    if not report.changed:
        return [f"{report.version}: already loaded; nothing to change."]
    lines = [
        f"{head} {report.version}",
        f"  {len(report.added)} codes added, {len(report.renamed)} renamed, "
        f"{len(report.retired)} retired",
        f"  {report.cases_moved} cases, {report.tasks_moved} tasks and "
        f"{report.coordinators_moved} directory entries moved to the current code",
    ]
    lines += [f"  renamed {c}: {old} -> {new}" for c, old, new in report.renamed[:SHOWN]]
    lines += [f"  {old} -> {new}" for old, new in list(report.moved.items())[:SHOWN]]
    if report.uncovered:
        lines.append(f"  {len(report.uncovered)} villages have pillars nobody serves:")
        lines += [
            f"    {village}: {', '.join(pillars)}"
            for village, pillars in list(report.uncovered.items())[:SHOWN]
        ]
    for version, codes in report.rules_naming_retired.items():
        lines.append(f"  rule set {version} names retired codes: {', '.join(codes)}; fix it")
    return lines
