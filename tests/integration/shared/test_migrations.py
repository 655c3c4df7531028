from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from shared.db import make_engine
from shared.migrate import is_at_head
from shared.models import Base


def test_the_migrations_build_exactly_the_tables_the_models_describe(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "models and migrations differ: add a migration"


def test_the_test_database_is_at_the_head_revision(database_url: str) -> None:
    engine = make_engine(database_url)
    assert is_at_head(engine, database_url)
    engine.dispose()
