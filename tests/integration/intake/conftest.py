from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.intake.app import create_app
from shared.config import Settings
from shared.db import UowFactory
from shared.models import Case, OutboxEvent


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    # Check the directory on every decision: tests add coordinators between requests.
    settings = Settings(environment="test", database_url=database_url, directory_check_seconds=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def referral(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "LUT",
        "village_code": "35.08.01.2001",
        "urgency": "high",
        "description": "Lansia hidup sendiri, sakit, tidak ada keluarga",
        "beneficiary": {
            "name": "Mbah Sarmi",
            "nik": "3508014203480001",
            "birth_date": "1948-03-02",
            "sex": "F",
        },
        "reporter": {
            "name": "Sri Wahyuni",
            "organisation": "Puskesos Desa Tegalrejo",
            "phone": "+6281234567890",
        },
    }
    body.update(overrides)
    return body


def counts(uow_factory: UowFactory) -> tuple[int, int]:
    with uow_factory() as uow:
        cases = uow.session.scalar(select(func.count()).select_from(Case)) or 0
        events = uow.session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    return cases, events
