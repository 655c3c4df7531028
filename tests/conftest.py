from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.db import UowFactory, uow_factory_for
from tests.support import servers
from tests.support.auth import DATA_KEY, SECRET
from tests.support.session import make_settings, new_broker_prefix, prepared_database

# Every process refuses to start without a secret key: the tests' own, for every
# Settings() of the run and every process it starts (a developer's exported key would
# not match the tokens tests/support/auth.py signs).
os.environ["SEKBER_SECRET_KEY"] = SECRET
# The same for the key that encrypts the NIK at rest (tests/support/auth.py).
os.environ["SEKBER_DATA_KEY"] = DATA_KEY


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This process's own directory (pytest-xdist gives each worker its own base)."""
    return tmp_path_factory.mktemp("sekber")


@pytest.fixture(scope="session")
def database_url(session_tmp: Path) -> Iterator[str]:
    """A migrated database of this process's own with the catalogue and the national
    region list loaded."""
    with servers.database_url(session_tmp) as url:
        yield prepared_database(url)


@pytest.fixture(scope="session")
def uow_factory(database_url: str) -> UowFactory:
    return uow_factory_for(database_url)


@pytest.fixture(scope="session")
def redis_url(session_tmp: Path) -> Iterator[str]:
    with servers.redis_url(session_tmp) as url:
        yield url


@pytest.fixture(scope="session")
def broker_prefix() -> str:
    """Every broker key of this process carries this prefix: runs (and pytest-xdist
    workers) sharing a Redis stay apart."""
    return new_broker_prefix()


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, broker_prefix: str) -> Settings:
    return make_settings(database_url, redis_url, broker_prefix)


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


def workers(config: pytest.Config) -> int:
    """How many pytest-xdist workers this run has (0: the tests run in this process)."""
    if config.getoption("dist", "no") == "no":
        return 0
    return len(config.getoption("tx", None) or [])


def pytest_sessionstart(session: pytest.Session) -> None:
    """The run's first line: which database and which Redis, and where each came from."""
    config = session.config
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller said it
        return
    line = servers.describe(workers=workers(config))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)


# Files that take a minute or more, mostly waiting (leases running out, sweeps, restarts):
# on pytest-xdist workers they start first, so that no worker is left with one at the end.
LONGEST = (
    "tests/e2e/test_notify_worker_crash.py",
    "tests/integration/shared/test_broker_faults.py",
)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("dist", "no") == "loadfile":
        # Hand the files to the workers in the order collected (see below); xdist would
        # otherwise start with the files that have most tests.
        config.option.loadscopereorder = False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests (`-m "not slow"` leaves them out, `-m browser` picks the
    browser's), and order the run: alone, fast tests first (unit, then integration, then
    end-to-end); on pytest-xdist workers, the longest files first, then end-to-end, then
    integration, then unit, so that the short ones even out the end."""
    for item in items:
        if item.nodeid.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.slow)
        if item.nodeid.startswith("tests/e2e/browser/"):
            item.add_marker(pytest.mark.browser)
    if hasattr(config, "workerinput"):
        order = {**dict.fromkeys(LONGEST, -1), "e2e": 0, "integration": 1, "unit": 2}
    else:
        order = {"unit": 0, "integration": 1, "e2e": 2}

    def rank(item: pytest.Item) -> int:
        file = item.nodeid.split("::")[0]
        return order.get(file, next((order[p] for p in item.path.parts if p in order), 1))

    items.sort(key=rank)
