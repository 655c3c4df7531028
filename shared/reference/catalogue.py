"""Seed the PPKS categories and the social pillars from their definitions in shared.domain."""

from __future__ import annotations

from dataclasses import asdict
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.domain.categories import CATEGORIES
from shared.domain.pillars import PILLARS
from shared.models import Category, Pillar


def seed_catalogue(*, uow_factory: UowFactory) -> int:
    """Insert missing and update changed rows; return how many rows were written."""
    with uow_factory() as uow:
        written = _upsert(uow.session, Category, [asdict(c) for c in CATEGORIES])
        written += _upsert(uow.session, Pillar, [asdict(p) for p in PILLARS])
        uow.commit()
    return written


M = TypeVar("M", Category, Pillar)


def _upsert(session: Session, model: type[M], rows: list[dict[str, object]]) -> int:
    existing = {row.code: row for row in session.scalars(select(model))}
    written = 0
    for values in rows:
        row = existing.get(str(values["code"]))
        if row is None:
            session.add(model(**values))
            written += 1
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            written += 1
    return written
