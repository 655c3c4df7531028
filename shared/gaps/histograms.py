"""The rollups' histograms of time to accept, summed per kab/kota and pillar over a period,
for the service gaps' medians once a region's period holds too many acceptances to read
them one by one (read.py).

Summing 82 bins over every day, kab/kota and pillar of a quarter (about 30,000 rollup
rows for East Java) costs more than all the gap counts together (measured: 55 of 80 ms at
1,000,000 cases). An acceptance is counted on the day it happens, so the bins of the days
before today no longer change (only a rebuild, or a case moved to another kab/kota by a new
region code list, rewrites them): they are kept per process for PAST_SECONDS, and today's
bins are always read afresh. A median is so at most PAST_SECONDS behind such a rewrite,
never behind an acceptance.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from shared.models.rollup import ACCEPT_BINS
from shared.rollups import reading

PAST_SECONDS = 300.0
KEPT = 64  # periods kept per process (each a few hundred rows of 82 counts)
Bins = dict[tuple[str, str], list[int]]

_lock = threading.Lock()
_past: OrderedDict[tuple[Any, ...], tuple[float, Bins]] = OrderedDict()


def summed(
    session: Session, *, codes: list[str], pillars: list[str], first: date, last: date,
    today: date, clock: Callable[[], float] = time.monotonic,
) -> Bins:  # fmt: skip
    """The bins of time to accept per (kab/kota, pillar), days `first` to `last`."""
    found: Bins = {}
    past_last = min(last, today - timedelta(days=1))
    if first <= past_last:
        found = _add(found, _past_bins(session, codes, pillars, first, past_last, clock))
    if first <= today <= last:
        found = _add(found, _read(session, codes, pillars, today, today))
    return found


def forget() -> None:
    """Drop what is kept (tests; after `sekber rebuild-rollups` in this process)."""
    with _lock:
        _past.clear()


def _past_bins(
    session: Session, codes: list[str], pillars: list[str], first: date, last: date,
    clock: Callable[[], float],
) -> Bins:  # fmt: skip
    key = (repr(session.get_bind().engine.url), tuple(codes), tuple(pillars), first, last)
    now = clock()
    with _lock:
        kept = _past.get(key)
        if kept is not None and now - kept[0] < PAST_SECONDS:
            _past.move_to_end(key)
            return kept[1]
    found = _read(session, codes, pillars, first, last)
    with _lock:
        _past[key] = (now, found)
        _past.move_to_end(key)
        while len(_past) > KEPT:
            _past.popitem(last=False)
    return found


def _read(session: Session, codes: list[str], pillars: list[str], first: date,
          last: date) -> Bins:  # fmt: skip
    params: dict[str, Any] = {"areas": codes, "pillars": pillars, "first": first, "last": last}
    rows = session.execute(_statement(), params)
    return {(area, p): [int(n or 0) for n in counts] for area, p, *counts in rows}


def _add(into: Bins, more: Bins) -> Bins:
    found = dict(into)
    for key, counts in more.items():
        have = found.get(key)
        found[key] = counts if have is None else [a + b for a, b in zip(have, counts, strict=True)]
    return found


@functools.cache
def _statement() -> TextClause:
    return reading.by_area(ACCEPT_BINS)
