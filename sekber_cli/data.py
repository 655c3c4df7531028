"""Data chores: migrate the schema, load reference data and the coordinator directory.
The database is imported by each command, not here (`sekber --help` stays fast)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from shared.db import UowFactory
    from shared.reference.regions import Progress


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
    app.command("load-reference")(load_reference)
    app.command("load-directory")(load_directory)
    app.command("demo-directory")(demo_directory)
    app.command("rebuild-rollups")(rebuild_rollups)


def migrate() -> None:
    """Bring the database schema to the latest version."""
    from shared.config import get_settings
    from shared.migrate import upgrade

    upgrade(get_settings().database_url)
    typer.echo("Database schema is up to date.")


def load_reference() -> None:
    """Load the PPKS categories, pillars and regions.

    Seeds the 26 PPKS categories and 13 pillars and loads the Kemendagri region codes."""
    from sekber_cli import bootstrap

    _require_schema()
    with _progress_bar("Loading regions") as progress:
        bootstrap.load_reference(_uow_factory(), echo=typer.echo, progress=progress)


def load_directory(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Directory CSV")
    ],
) -> None:
    """Load coordinators from a directory CSV file.

    Creates or updates them; nothing is stored if a row is wrong."""
    from sekber_cli import bootstrap
    from shared.reference import directory

    _require_schema()
    try:
        report = directory.load_directory(uow_factory=_uow_factory(), path=path)
    except directory.DirectoryError as exc:
        typer.echo(f"{path}: refused, nothing was stored:", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(bootstrap.describe(report, what=str(path)))


def demo_directory() -> None:
    """Load the made-up East Java demo directory.

    Loading it again changes nothing."""
    from sekber_cli import bootstrap
    from shared.reference.demo import ReferenceDataMissing

    _require_schema()
    try:
        with _progress_bar("Loading demo directory") as progress:
            bootstrap.load_demo(_uow_factory(), echo=typer.echo, progress=progress)
    except ReferenceDataMissing as exc:
        typer.echo(f"Refused: {exc}", err=True)
        raise typer.Exit(code=1) from None


def rebuild_rollups() -> None:
    """Recount the dashboard's rollups from cases and tasks.

    Database triggers keep them in every change's transaction; rebuild after a restore
    or a bulk load that went around the triggers. Writers wait while it runs."""
    import time
    from datetime import UTC, datetime

    from shared.rollups.rebuild import rebuild_rollups as rebuild

    _require_schema()
    started = time.perf_counter()
    with _uow_factory()() as uow:
        rows = rebuild(uow.session, now=datetime.now(UTC))
        uow.commit()
    took = time.perf_counter() - started
    typer.echo(f"Dashboard rollups rebuilt from the facts: {rows:,} rows in {took:.1f} s.")


def _require_schema() -> None:
    from shared.config import get_settings
    from shared.db import make_engine
    from shared.migrate import is_at_head

    url = get_settings().database_url
    engine = make_engine(url)
    try:
        current = is_at_head(engine, url)
    finally:
        engine.dispose()
    if not current:
        typer.echo("The database schema is not up to date: run `sekber migrate` first.", err=True)
        raise typer.Exit(code=1)


def _uow_factory() -> UowFactory:
    from shared.config import get_settings
    from shared.db import uow_factory_for

    return uow_factory_for(get_settings().database_url)


@contextlib.contextmanager
def _progress_bar(label: str) -> Iterator[Progress]:
    """A typer progress bar, opened at the first report (when the total is known) and
    closed at the last, so the summary line that follows is not drawn over."""
    with contextlib.ExitStack() as stack:
        state: dict[str, Any] = {}

        def progress(done: int, total: int) -> None:
            if "bar" not in state:
                state["bar"] = stack.enter_context(typer.progressbar(length=total, label=label))
                state["done"] = 0
            state["bar"].update(done - state["done"])
            state["done"] = done
            if done >= total:
                stack.close()
                state.clear()

        yield progress
