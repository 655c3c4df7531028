from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from shared.db import UowFactory
from shared.models import RuleSetVersion


@pytest.fixture
def default_rules_afterwards(uow_factory: UowFactory) -> Iterator[None]:
    """The test may upload rule sets; afterwards no stored set is active, so the shipped
    default rules route every later test's cases. Rows stay (ids are never reused)."""
    yield
    with uow_factory() as uow:
        uow.session.execute(update(RuleSetVersion).values(active=False))
        uow.commit()
