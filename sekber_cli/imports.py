"""Bulk intake from the command line: `sekber import FILE --as USERNAME` stores a
spreadsheet of referrals as cases, with a progress bar, as the named account (its role
may submit referrals; the cases are in its jurisdiction). The same file again creates
nothing. The command works the rows itself; if it is stopped, the import worker resumes
the rest (the scheduler's sweep). The modules are imported by the command, not here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SUBMITTERS = ("case_worker", "supervisor")


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)


def import_file(
    file: Annotated[
        Path, typer.Argument(help="A CSV (UTF-8) or XLSX file, columns as the template")
    ],
    as_user: Annotated[str, typer.Option("--as", help="The account that reports the cases")],
) -> None:
    """Store a spreadsheet of referrals as cases.

    Each row passes the rule of one referral; a bad row is named and stores nothing."""
    import uuid

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from services.intake.imports import service, table, work
    from shared.accounts import users
    from shared.accounts.principal import actor_of
    from shared.config import get_settings
    from shared.db import uow_factory_for
    from shared.identity import keyring

    settings = get_settings()
    if settings.data_key:
        keyring.configure(settings.data_key)
    factory = uow_factory_for(settings.database_url)
    try:
        data = file.read_bytes()
    except OSError as exc:
        typer.echo(f"refused: file: {exc.strerror or exc}", err=True)
        raise typer.Exit(code=2) from None
    with factory() as uow:
        try:
            user = users.find(uow.session, as_user)
        except users.AccountError as exc:
            typer.echo(f"refused: --as: {exc}", err=True)
            raise typer.Exit(code=2) from None
        actor = actor_of(user)
        disabled = not user.active
    if disabled or actor.kind not in SUBMITTERS:
        why = "is disabled" if disabled else f"is a {actor.kind}; reporting is for {SUBMITTERS}"
        typer.echo(f"refused: --as: {as_user} {why}", err=True)
        raise typer.Exit(code=2)
    try:
        job = service.start(
            factory,
            data=data,
            filename=file.name,
            uploader=actor,
            correlation_id=f"cli-import-{uuid.uuid4().hex[:12]}",
            limits=service.Limits(settings.import_max_bytes, settings.import_max_rows),
            announce=False,
        )
    except table.FileRefused as exc:
        typer.echo(f"refused: file: {exc}", err=True)
        raise typer.Exit(code=2 if exc.status == 422 else 3) from None
    typer.echo(f"import {job.id}: {job.total} rows from {file.name}")
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("rows", total=job.total)
        while True:
            batch = work.work(
                factory, job.id, budget_seconds=0.5, threshold=settings.duplicate_name_threshold
            )
            bar.update(task, completed=job.total - batch.left)
            if batch.left == 0:
                break
    with factory() as uow:
        stored = service.get(uow.session, job.id)
        assert stored is not None
        counts = service.counts(uow.session, stored)
        problems = service.errors(uow.session, stored)
    typer.echo(
        f"created {counts.created} (possible duplicates {counts.duplicates}), "
        f"already imported {counts.already_imported}, failed {counts.failed}"
    )
    for problem in problems:
        typer.echo(f"  row {problem['row']}: {problem['column']}: {problem['msg']}")
    if counts.failed:
        raise typer.Exit(code=1)
