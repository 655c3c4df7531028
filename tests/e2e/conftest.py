"""The end-to-end tests (of this process, or of this pytest-xdist worker) share one running
stack, on a database and a broker key prefix of their own: its demo directory and its
workers stay out of the way of the other tests the same worker runs before and after these.
The stack stops once the last of them has run (package scope), not at the end of the run."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.db import UowFactory, uow_factory_for
from shared.reference.demo import load_demo_directory
from tests.e2e.stack import SmtpServer, Stack
from tests.support import servers
from tests.support.session import make_settings, new_broker_prefix, prepared_database

# Lines of each process's output added to the report of a test that fails.
OUTPUT_TAIL = 60


@pytest.fixture(scope="package")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The stack's database, with the demo directory loaded as well."""
    tmp: Path = tmp_path_factory.mktemp("e2e")
    with servers.database_url(tmp, name="sekber-e2e") as url:
        prepared_database(url)
        load_demo_directory(uow_factory=uow_factory_for(url))
        yield url


@pytest.fixture(scope="package")
def uow_factory(database_url: str) -> UowFactory:
    return uow_factory_for(database_url)


@pytest.fixture(scope="package")
def broker_prefix() -> str:
    return new_broker_prefix()


@pytest.fixture(scope="package")
def settings(database_url: str, redis_url: str, broker_prefix: str) -> Settings:
    return make_settings(database_url, redis_url, broker_prefix)


@pytest.fixture(scope="package")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="package")
def stack(settings: Settings, smtp: SmtpServer) -> Iterator[Stack]:
    # The processes' output stays off the terminal (it would land between pytest's
    # progress dots); a failing test's report carries its tail instead.
    running = Stack(settings=settings, smtp_port=smtp.port, echo=False)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(running, Stack):
        for name in running.supervisor.names:
            tail = running.supervisor.output(name)[-OUTPUT_TAIL:]
            report.sections.append((f"{name} output (last {len(tail)} lines)", "\n".join(tail)))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
