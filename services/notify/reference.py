"""Reference data a message names (categories, pillars, regions), read once and kept.

An administrator reloads these lists rarely (`sekber data ...`); a message may carry the
old name for up to KEEP_SECONDS after a rename. Kept per database (engine), so a process
that talks to two databases never mixes them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain import categories, pillars
from shared.models import Category, Pillar, Region

KEEP_SECONDS = 300.0


class _Kept:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[int, str, str], tuple[float, Any]] = {}

    def peek(self, session: Session, kind: str, code: str) -> Any | None:
        with self._lock:
            kept = self._items.get((id(session.get_bind()), kind, code))
        if kept is None or time.monotonic() - kept[0] >= KEEP_SECONDS:
            return None
        return kept[1]

    def put(self, session: Session, kind: str, code: str, value: Any) -> Any:
        with self._lock:
            self._items[(id(session.get_bind()), kind, code)] = (time.monotonic(), value)
        return value

    def get(self, session: Session, kind: str, code: str, load: Callable[[], Any]) -> Any:
        kept = self.peek(session, kind, code)
        return kept if kept is not None else self.put(session, kind, code, load())


_kept = _Kept()


def category(session: Session, code: str) -> categories.Category:
    def load() -> categories.Category:
        row = session.get_one(Category, code)
        return categories.Category(row.code, row.name_id, row.name_en, row.is_child)

    kept: categories.Category = _kept.get(session, "category", code, load)
    return kept


def pillar(session: Session, code: str) -> pillars.Pillar:
    def load() -> pillars.Pillar:
        row = session.get_one(Pillar, code)
        return pillars.Pillar(row.code, row.name_id, row.name_en, row.sees_identity)

    kept: pillars.Pillar = _kept.get(session, "pillar", code, load)
    return kept


def region_names(session: Session, codes: tuple[str, ...]) -> dict[str, str]:
    """Each code's name (the code itself for one not in the list), in at most one query."""
    names = {code: _kept.peek(session, "region", code) for code in codes}
    missing = [code for code, name in names.items() if name is None]
    if missing:
        rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(missing)))
        found = {code: name for code, name in rows}
        for code in missing:
            names[code] = _kept.put(session, "region", code, found.get(code, code))
    return {code: str(name) for code, name in names.items()}
