"""Data chores: migrate the schema, load reference data and the coordinator directory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from sekber_cli import bootstrap
from shared.config import get_settings
from shared.db import UowFactory, make_engine, uow_factory_for
from shared.migrate import is_at_head, upgrade
from shared.reference import directory
from shared.reference.demo import ReferenceDataMissing
from shared.reference.regions import Progress


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
    app.command("load-reference")(load_reference)
    app.command("load-directory")(load_directory)
    app.command("demo-directory")(demo_directory)


def migrate() -> None:
    """Bring the database schema to the latest version."""
    upgrade(get_settings().database_url)
    typer.echo("Database schema is up to date.")


def load_reference() -> None:
    """Seed the PPKS categories and pillars and load the Kemendagri region codes."""
    _require_schema()
    with _progress_bar("Loading regions") as progress:
        bootstrap.load_reference(_uow_factory(), echo=typer.echo, progress=progress)


def load_directory(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Directory CSV")
    ],
) -> None:
    """Create or update coordinators from a CSV file; nothing is stored if a row is wrong."""
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
    """Load the made-up East Java demo directory (idempotent)."""
    _require_schema()
    try:
        with _progress_bar("Loading demo directory") as progress:
            bootstrap.load_demo(_uow_factory(), echo=typer.echo, progress=progress)
    except ReferenceDataMissing as exc:
        typer.echo(f"Refused: {exc}", err=True)
        raise typer.Exit(code=1) from None


def _require_schema() -> None:
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
