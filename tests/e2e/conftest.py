from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.config import Settings
from shared.db import UowFactory
from shared.reference.demo import load_demo_directory
from tests.e2e.stack import SmtpServer, Stack


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def stack(settings: Settings, uow_factory: UowFactory, smtp: SmtpServer) -> Iterator[Stack]:
    load_demo_directory(uow_factory=uow_factory)
    running = Stack(settings=settings, smtp_port=smtp.port)
    try:
        yield running.start()
    finally:
        running.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
