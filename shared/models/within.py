"""The "within a region" filter in SQL: Kemendagri codes nest by prefix (35.08.02 lies in
35.08, which lies in 35), so a region holds its own code and every code under it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from shared.domain import regions


def within_region(column: Any, region: str, *, villages_only: bool = False) -> ColumnElement[bool]:
    """The rows whose code in `column` lies in `region` or is it; every row when `region`
    is empty. With `villages_only` (the column holds village codes, such as a case's), a
    village is matched by equality and a wider region by its prefix alone; either way a
    prefix match the pattern index serves."""
    if not region:
        return true()
    below = column.like(f"{region}.%")
    if villages_only:
        return column == region if regions.level_of(region) is regions.Level.VILLAGE else below
    return or_(column == region, below)
