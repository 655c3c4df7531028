from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.db import UowFactory, uow_factory_for
from shared.migrate import upgrade
from shared.reference.catalogue import seed_catalogue
from shared.reference.regions import load_regions
from tests.support import servers
from tests.support.auth import SECRET

# Every process refuses to start without a secret key: the tests' own, for every
# Settings() of the run and every process it starts (a developer's exported key would
# not match the tokens tests/support/auth.py signs).
os.environ["SEKBER_SECRET_KEY"] = SECRET


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sekber")


@pytest.fixture(scope="session")
def database_url(session_tmp: Path) -> Iterator[str]:
    """A migrated database with the catalogue and the national region list loaded."""
    with servers.database_url(session_tmp) as url:
        upgrade(url)
        factory = uow_factory_for(url)
        seed_catalogue(uow_factory=factory)
        load_regions(uow_factory=factory)
        yield url


@pytest.fixture(scope="session")
def uow_factory(database_url: str) -> UowFactory:
    return uow_factory_for(database_url)


@pytest.fixture(scope="session")
def redis_url(session_tmp: Path) -> Iterator[str]:
    with servers.redis_url(session_tmp) as url:
        yield url


@pytest.fixture(scope="session")
def broker_prefix() -> str:
    """Every broker key of this run carries this prefix: runs sharing a Redis stay apart."""
    return f"sekber-test-{uuid.uuid4().hex[:8]}:"


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, broker_prefix: str) -> Settings:
    return Settings(
        environment="test",
        secret_key=SECRET,
        database_url=database_url,
        redis_url=redis_url,
        broker_key_prefix=broker_prefix,
        visibility_timeout_seconds=10,
        task_time_limit_seconds=8,
        reconcile_after_seconds=20,
        reconcile_every_seconds=5,
    )


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fast tests first: unit, then integration, then end-to-end."""
    order = {"unit": 0, "integration": 1, "e2e": 2}

    def rank(item: pytest.Item) -> int:
        parts = item.path.parts
        return next((order[p] for p in parts if p in order), 1)

    items.sort(key=rank)
