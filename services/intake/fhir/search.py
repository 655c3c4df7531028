"""A FHIR search's parameters, read strictly: a parameter this server does not know, or a
value it cannot read, is refused (400) rather than ignored, so that a consumer never
takes a wider answer for the one it asked. Pure: no I/O.

Paging is by keyset: the results come oldest change first (meta.lastUpdated, then id),
and `next` carries the last key given (`_cursor`), so a page never repeats or skips a
row however the data changes between pages.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.intake.fhir import codes

COUNT_DEFAULT = 20
COUNT_MAX = 100
_JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
_PREFIXES = ("eq", "ge", "gt", "le", "lt")
_DATE = re.compile(
    r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


class BadSearch(ValueError):
    """A parameter the search cannot take; `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True, slots=True)
class Bound:
    """updated_at >= at (`inclusive`) or updated_at < at."""

    at: datetime
    inclusive: bool


@dataclass(frozen=True, slots=True)
class Search:
    statuses: frozenset[str] = frozenset()
    # Task: owner; ServiceRequest: performer (a coordinator, or a pillar's code).
    coordinator: uuid.UUID | None = None
    pillar: str | None = None
    bounds: tuple[Bound, ...] = ()
    count: int = COUNT_DEFAULT
    after: tuple[str, ...] | None = None
    # The parameters as given, but the cursor: what the paging links repeat.
    echo: tuple[tuple[str, str], ...] = field(default=())


def parse(
    pairs: Iterable[tuple[str, str]],
    *,
    statuses: Sequence[str],
    holder: str,
) -> Search:
    """Read a search on a resource whose statuses are `statuses`, and whose holder
    parameter is `holder` ('owner' on Task, 'performer' on ServiceRequest)."""
    statuses_found: frozenset[str] | None = None
    held: tuple[uuid.UUID | None, str | None] | None = None
    count: int | None = None
    after: tuple[str, ...] | None = None
    formats = 0
    bounds: list[Bound] = []
    echo: list[tuple[str, str]] = []
    known = {"status", holder, "_lastUpdated", "_count", "_cursor", "_format"}
    for name, value in pairs:
        if name not in known:
            raise BadSearch(name, f"unknown search parameter; this server takes {sorted(known)}")
        if name != "_cursor":
            echo.append((name, value))
        if name == "_lastUpdated":
            bounds.extend(last_updated(value))
        elif name == "status" and statuses_found is None:
            statuses_found = _statuses(value, statuses)
        elif name == holder and held is None:
            held = _holder(name, value)
        elif name == "_count" and count is None:
            count = _count(value)
        elif name == "_cursor" and after is None:
            after = decode_cursor(value)
        elif name == "_format" and not formats:
            formats += 1
            if value.strip().lower() not in _JSON_FORMATS:
                raise BadSearch(name, "this server answers in application/fhir+json only")
        else:
            raise BadSearch(name, "given twice")
    coordinator, pillar = held or (None, None)
    return Search(
        statuses=statuses_found or frozenset(),
        coordinator=coordinator,
        pillar=pillar,
        bounds=tuple(bounds),
        count=count or COUNT_DEFAULT,
        after=after,
        echo=tuple(echo),
    )


def _statuses(value: str, allowed: Sequence[str]) -> frozenset[str]:
    # A token may carry its system ('http://hl7.org/fhir/task-status|completed').
    wanted = {v.rsplit("|", 1)[-1].strip() for v in value.split(",")}
    unknown = wanted - set(allowed)
    if unknown:
        raise BadSearch("status", f"unknown status {sorted(unknown)}; one of {list(allowed)}")
    return frozenset(wanted)


def _holder(name: str, value: str) -> tuple[uuid.UUID | None, str | None]:
    kind, _, ident = value.strip().rpartition("/")
    if kind in ("", "PractitionerRole"):
        try:
            return uuid.UUID(ident), None
        except ValueError:
            pass
    elif kind == "Organization" and name == "performer":
        pillar = codes.pillar_code(ident)
        if pillar:
            return None, pillar
    expected = "PractitionerRole/<id>" + (
        " or Organization/<pillar id>" if name == "performer" else ""
    )
    raise BadSearch(name, f"expected {expected}")


def _count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise BadSearch("_count", "not a whole number") from None
    if count < 1:
        raise BadSearch("_count", "at least 1")
    return min(count, COUNT_MAX)


def last_updated(value: str) -> list[Bound]:
    """The bounds of one `_lastUpdated` value: a prefix (eq, ge, gt, le, lt; eq when none)
    and a date or date-time, read as the range its precision spans (2026-03 is the month
    of March); a date-time without a zone is UTC."""
    prefix = value[:2] if value[:2] in _PREFIXES else "eq"
    text = value[2:] if value[:2] in _PREFIXES else value
    # A '+' the client did not percent-encode arrives as a space.
    start, end = _range(text.strip().replace(" ", "+"))
    return {
        "eq": [Bound(start, True), Bound(end, False)],
        "ge": [Bound(start, True)],
        "gt": [Bound(end, True)],
        "lt": [Bound(start, False)],
        "le": [Bound(end, False)],
    }[prefix]


def _range(text: str) -> tuple[datetime, datetime]:
    match = _DATE.match(text)
    if match is None:
        raise BadSearch(
            "_lastUpdated", "expected [eq|ge|gt|le|lt]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][Z|+hh:mm]]]]"
        )
    g = match.groupdict()
    try:
        if g["hour"] is None:
            year, month, day = int(g["year"]), int(g["month"] or 1), int(g["day"] or 1)
            start = datetime(year, month, day, tzinfo=UTC)
            if g["day"]:
                return start, start + timedelta(days=1)
            if g["month"]:
                return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            return start, datetime(year + 1, 1, 1, tzinfo=UTC)
        fraction = (g["fraction"] or "")[:6]
        stamp = f"{g['year']}-{g['month']}-{g['day']}T{g['hour']}:{g['minute']}"
        stamp += f":{g['second'] or '00'}" + (f".{fraction.ljust(6, '0')}" if fraction else "")
        zone = g["zone"] or "Z"
        start = datetime.fromisoformat(stamp + ("+00:00" if zone == "Z" else zone))
    except ValueError:
        raise BadSearch("_lastUpdated", "not a date") from None
    if fraction:
        step = timedelta(microseconds=10 ** (6 - len(fraction)))
    else:
        step = timedelta(seconds=1) if g["second"] else timedelta(minutes=1)
    return start.astimezone(UTC), start.astimezone(UTC) + step


def encode_cursor(key: Sequence[str]) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadSearch("_cursor", "not a cursor this server gave out") from None
    if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
        raise BadSearch("_cursor", "not a cursor this server gave out")
    return tuple(key)
