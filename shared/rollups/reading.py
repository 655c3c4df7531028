"""Reading the rollups: the summed rows and the deltas the relay has not folded yet, added
up, so that a change is counted as soon as its transaction commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Date, bindparam, text
from sqlalchemy.sql.elements import TextClause

from shared.models.rollup import dashboard_rollup_deltas, dashboard_rollups


def summed(
    columns: Sequence[str], *, keys: Sequence[str], where: str, sums: Sequence[str] = ()
) -> TextClause:
    """SELECT `keys`, `sums` (by default sum(column) of each column) over both tables' rows
    of the days :first to :last that match `where` (SQL on area, pillar and day), grouped
    by `keys`. The caller binds what `where` and `sums` name besides :first and :last.

    Built as text: building a query of 166 columns with the expression language took
    30 ms a call, far more than the database's 1 ms; callers build each one once."""
    selected = ", ".join(("area", "pillar", "day", *columns))
    parts = [
        f"SELECT {selected} FROM {table.name} WHERE {where} AND day >= :first AND day <= :last"
        for table in (dashboard_rollups, dashboard_rollup_deltas)
    ]
    grouped = ", ".join(keys)
    added = ", ".join(sums or [f"sum({name})" for name in columns])
    query = text(
        f"SELECT {grouped}, {added} FROM ({' UNION ALL '.join(parts)}) u GROUP BY {grouped}"
    )
    return query.bindparams(bindparam("first", type_=Date), bindparam("last", type_=Date))


def by_area(columns: Sequence[str], *, sums: Sequence[str] = ()) -> TextClause:
    """`summed` per (area, pillar) of the areas :areas and the pillars :pillars (lists).
    Naming the pillars keeps each (area, pillar) one range of days in the primary key."""
    query = summed(
        columns, keys=("area", "pillar"), where="area IN :areas AND pillar IN :pillars", sums=sums
    )
    return query.bindparams(
        bindparam("areas", expanding=True), bindparam("pillars", expanding=True)
    )
