"""What each pytest process (the run, or each pytest-xdist worker) prepares for itself:
a database with the reference data, a broker key prefix, the tests' settings."""

from __future__ import annotations

import uuid

from shared.config import Settings
from shared.db import uow_factory_for
from shared.migrate import upgrade
from shared.reference.catalogue import seed_catalogue
from shared.reference.regions import load_regions
from tests.support.auth import DATA_KEY, SECRET
from tests.support.servers import worker_id


def prepared_database(url: str) -> str:
    """Migrate the database and load the catalogue and the national region list."""
    upgrade(url)
    factory = uow_factory_for(url)
    seed_catalogue(uow_factory=factory)
    load_regions(uow_factory=factory)
    return url


def new_broker_prefix() -> str:
    """A prefix for every broker key: runs and workers sharing a Redis stay apart."""
    return f"sekber-test-{worker_id()}-{uuid.uuid4().hex[:8]}:"


def make_settings(database_url: str, redis_url: str, broker_prefix: str) -> Settings:
    return Settings(
        environment="test",
        secret_key=SECRET,
        data_key=DATA_KEY,
        database_url=database_url,
        redis_url=redis_url,
        broker_key_prefix=broker_prefix,
        visibility_timeout_seconds=10,
        task_time_limit_seconds=8,
        reconcile_after_seconds=20,
        reconcile_every_seconds=5,
    )
