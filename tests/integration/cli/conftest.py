"""The commands read their settings from the environment: `sekber_database` points them at
the test run's database (a test module asks for it with usefixtures)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.config import get_settings


@pytest.fixture
def sekber_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SEKBER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
