from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from shared.config import Settings
from shared.db import UowFactory, uow_factory_for
from shared.migrate import upgrade
from shared.reference.catalogue import seed_catalogue
from shared.reference.regions import load_regions
from tests.support import servers


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
        redis.Redis.from_url(url).flushdb()
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=redis_url,
        visibility_timeout_seconds=10,
        task_time_limit_seconds=8,
        reconcile_after_seconds=20,
        reconcile_every_seconds=5,
    )


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")
