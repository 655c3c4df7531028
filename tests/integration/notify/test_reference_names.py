"""Messages name categories, pillars and regions from a copy kept for a few minutes: a
rename shows once the copy is old, an unknown region code stands for itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from services.notify import reference
from shared.db import UowFactory
from shared.models import Category, Region

CODE = "ADK"  # Anak dengan kedisabilitasan (reference catalogue)


def rename(uow_factory: UowFactory, name_en: str) -> None:
    with uow_factory() as uow:
        uow.session.execute(update(Category).where(Category.code == CODE).values(name_en=name_en))
        uow.commit()


@pytest.fixture
def original(uow_factory: UowFactory) -> Iterator[str]:
    with uow_factory() as uow:
        name = uow.session.get_one(Category, CODE).name_en
    yield name
    rename(uow_factory, name)


def name_now(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        return reference.category(uow.session, CODE).name_en


def test_a_rename_shows_once_the_kept_copy_is_old(
    uow_factory: UowFactory, original: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert name_now(uow_factory) == original
    rename(uow_factory, "Renamed for a test")
    assert name_now(uow_factory) == original  # still the kept copy
    monkeypatch.setattr(reference, "KEEP_SECONDS", 0.0)
    assert name_now(uow_factory) == "Renamed for a test"


def test_an_unknown_region_code_stands_for_itself(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        east_java = uow.session.get_one(Region, "35").name
        names = reference.region_names(uow.session, ("35", "99.99.99.9999"))
    assert names == {"35": east_java, "99.99.99.9999": "99.99.99.9999"}
