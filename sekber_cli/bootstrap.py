"""Bring a database to a usable state: schema, catalogue, regions and, on request, demo data."""

from __future__ import annotations

from collections.abc import Callable

from shared.accounts import demo as demo_accounts
from shared.db import UowFactory, uow_factory_for
from shared.migrate import upgrade
from shared.reference.catalogue import seed_catalogue
from shared.reference.demo import load_demo_directory
from shared.reference.directory import DirectoryReport
from shared.reference.regions import LoadReport, Progress, load_regions

Echo = Callable[[str], None]


def prepare_database(database_url: str, *, demo: bool, echo: Echo) -> None:
    """Migrate, seed the catalogue, load the regions and, if asked, the demo directory
    (progress at half way only: `sekber up` prints this, and its output fits one screen)."""
    echo("Migrating the database schema ...")
    upgrade(database_url)
    factory = uow_factory_for(database_url)
    load_reference(factory, echo=echo, progress=progress_lines("Regions", echo, step_percent=50))
    if demo:
        progress = progress_lines("Demo directory", echo, step_percent=50)
        load_demo(factory, echo=echo, progress=progress)
        create_demo_accounts(factory, echo=echo)


def create_demo_accounts(uow_factory: UowFactory, *, echo: Echo) -> None:
    with uow_factory() as uow:
        created = demo_accounts.create(uow.session)
        uow.commit()
    echo(
        f"Demo accounts: {len(created)} created, {len(demo_accounts.ACCOUNTS) - len(created)} "
        f"there already (password {demo_accounts.PASSWORD})."
    )


def load_reference(
    uow_factory: UowFactory, *, echo: Echo, progress: Progress | None = None
) -> LoadReport:
    written = seed_catalogue(uow_factory=uow_factory)
    echo(f"Catalogue: 26 PPKS categories and 13 pillars ({written} rows written).")
    report = load_regions(uow_factory=uow_factory, progress=progress)
    if report.skipped:
        echo(f"Regions: {report.version} already loaded ({report.rows:,} codes).")
    else:
        echo(
            f"Regions: {report.version} loaded ({report.rows:,} codes: "
            f"{report.inserted:,} new, {report.updated:,} changed)."
        )
    return report


def load_demo(
    uow_factory: UowFactory, *, echo: Echo, progress: Progress | None = None
) -> DirectoryReport:
    report = load_demo_directory(uow_factory=uow_factory, progress=progress)
    echo(describe(report, what="Demo directory"))
    return report


def describe(report: DirectoryReport, *, what: str) -> str:
    return (
        f"{what}: {report.created:,} created, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged."
    )


def progress_lines(label: str, echo: Echo, *, step_percent: int = 25) -> Progress:
    """A progress callback that writes one line each time another step_percent is done."""
    shown = {"percent": 0}

    def report(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        finished = done >= total and percent > shown["percent"]
        if finished or percent >= shown["percent"] + step_percent:
            shown["percent"] = percent
            echo(f"{label}: {done:,} of {total:,} ({percent}%)")

    return report
