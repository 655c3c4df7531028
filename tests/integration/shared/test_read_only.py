from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from shared.db import UowFactory, read_only
from shared.models import Coordinator


def test_a_read_only_transaction_refuses_writes_on_postgresql(
    uow_factory: UowFactory, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("SQLite has no read-only transactions; the unit of work rolls back instead")
    with uow_factory() as uow:
        read_only(uow.session)
        with pytest.raises(DBAPIError, match="read-only transaction"):
            uow.session.execute(update(Coordinator).values(capacity=1))
