"""Load the coordinator directory from CSV: validate every row, then upsert by external_ref.

CSV columns: external_ref,name,kind,pillar,region_code,email,phone,language,active,capacity,
categories,on_leave_until,telegram_chat_id (email, phone, categories, on_leave_until and
telegram_chat_id may be empty; language
defaults to id, active to true, capacity to 25). `categories` lists the PPKS codes a
coordinator takes, separated by `;` (an LKS elderly home: `LUT`); empty means all.
`on_leave_until` is a date (YYYY-MM-DD): the coordinator gets no new cases until then.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.domain import text as free_text
from shared.domain.categories import BY_CODE as CATEGORIES
from shared.domain.pillars import BY_CODE as PILLARS
from shared.models import Coordinator, Region
from shared.models.base import utcnow

COLUMNS = (
    "external_ref", "name", "kind", "pillar", "region_code",
    "email", "phone", "language", "active", "capacity", "categories", "on_leave_until",
    "telegram_chat_id",
)  # fmt: skip
REQUIRED = frozenset({"external_ref", "name", "kind", "pillar", "region_code"})
KINDS = ("person", "unit")
LANGUAGES = ("id", "en")
DEFAULT_CAPACITY = 25
_TRUE, _FALSE = ("true", "1"), ("false", "0")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,30}$")
# A Telegram chat: a numeric id (negative for groups) or a public @channel name.
_TELEGRAM_CHAT = re.compile(r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
_LOOKUP_CHUNK = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One validated row; the field names are those of the Coordinator model."""

    external_ref: str
    name: str
    kind: str
    pillar_code: str
    region_code: str
    email: str | None
    phone: str | None
    language: str
    active: bool
    capacity: int
    categories: list[str] | None = None
    on_leave_until: date | None = None
    telegram_chat_id: str | None = None


@dataclass(frozen=True, slots=True)
class DirectoryReport:
    created: int
    updated: int
    unchanged: int = 0


class DirectoryError(ValueError):
    """The file was refused; `problems` holds one `line N: field: problem` per fault."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def parse_directory_csv(text: str, *, known_regions: Container[str]) -> list[DirectoryEntry]:
    """Validate the whole file; raise DirectoryError listing every problem found."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = sorted(REQUIRED - set(header))
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        problems = [f"line 1: header: missing column {name}" for name in missing]
        problems += [f"line 1: header: unknown column {name}" for name in unknown]
        raise DirectoryError(problems)
    reader.fieldnames = header
    numbered = ((reader.line_num, row) for row in reader)
    return validate_rows(numbered, known_regions=known_regions)


def validate_rows(
    rows: Iterable[tuple[int, Mapping[Any, object]]], *, known_regions: Container[str]
) -> list[DirectoryEntry]:
    """Check (line number, raw row) pairs; used by the CSV loader and the demo directory."""
    entries: list[DirectoryEntry] = []
    problems: list[str] = []
    first_seen: dict[str, int] = {}
    for line, row in rows:
        row_problems: list[str] = []
        entry = _entry(row, known_regions, row_problems.append)
        ref = str(row.get("external_ref") or "").strip()
        if ref in first_seen:
            row_problems.append(f"external_ref: {ref!r} already used on line {first_seen[ref]}")
        elif ref:
            first_seen[ref] = line
        problems += [f"line {line}: {problem}" for problem in row_problems]
        if entry is not None and not row_problems:
            entries.append(entry)
    if problems:
        raise DirectoryError(problems)
    return entries


def _entry(
    row: Mapping[Any, object], known_regions: Container[str], fault: Callable[[str], None]
) -> DirectoryEntry | None:
    if row.get(None):
        fault("row: more fields than the header")
    value = {name: str(row.get(name) or "").strip() for name in COLUMNS}
    for name in COLUMNS:
        error = free_text.problem(value[name], one_line=True)
        if error is not None:
            fault(f"{name}: {error}")
        else:
            value[name] = free_text.clean(value[name])
    for name in sorted(REQUIRED):
        if not value[name]:
            fault(f"{name}: required")
    if len(value["external_ref"]) > 80:
        fault("external_ref: longer than 80 characters")
    if len(value["name"]) > 160:
        fault("name: longer than 160 characters")
    if value["kind"] and value["kind"] not in KINDS:
        fault(f"kind: {value['kind']!r} is not person or unit")
    if value["pillar"] and value["pillar"] not in PILLARS:
        fault(f"pillar: unknown pillar {value['pillar']!r} (known: {', '.join(PILLARS)})")
    if value["region_code"] and value["region_code"] not in known_regions:
        fault(f"region_code: {value['region_code']!r} is not a loaded region code")
    if value["email"] and (len(value["email"]) > 254 or not _EMAIL.match(value["email"])):
        fault(f"email: {value['email']!r} does not look like an e-mail address")
    if value["phone"] and not _PHONE.match(value["phone"]):
        fault(f"phone: {value['phone']!r} does not look like a phone number")
    if value["telegram_chat_id"] and not _TELEGRAM_CHAT.match(value["telegram_chat_id"]):
        fault(f"telegram_chat_id: {value['telegram_chat_id']!r} is not a chat id or @name")
    language = value["language"] or "id"
    if language not in LANGUAGES:
        fault(f"language: {language!r} is not id or en")
    active = value["active"].lower() or "true"
    if active not in _TRUE + _FALSE:
        fault(f"active: {value['active']!r} is not true, false, 1 or 0")
    capacity = _capacity(value["capacity"], fault)
    served = _categories(value["categories"], fault)
    leave = _date(value["on_leave_until"], fault)
    if capacity is None or not all(value[name] for name in REQUIRED):
        return None
    return DirectoryEntry(
        external_ref=value["external_ref"],
        name=value["name"],
        kind=value["kind"],
        pillar_code=value["pillar"],
        region_code=value["region_code"],
        email=value["email"] or None,
        phone=value["phone"] or None,
        language=language,
        active=active in _TRUE,
        capacity=capacity,
        categories=served,
        on_leave_until=leave,
        telegram_chat_id=value["telegram_chat_id"] or None,
    )


def _categories(raw: str, fault: Callable[[str], None]) -> list[str] | None:
    if not raw:
        return None
    codes = [code.strip().upper() for code in raw.split(";") if code.strip()]
    unknown = [code for code in codes if code not in CATEGORIES]
    if unknown:
        fault(f"categories: unknown PPKS codes {', '.join(unknown)}")
    return sorted(set(codes)) or None


def _date(raw: str, fault: Callable[[str], None]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fault(f"on_leave_until: {raw!r} is not a date (YYYY-MM-DD)")
        return None


def _capacity(raw: str, fault: Callable[[str], None]) -> int | None:
    if not raw:
        return DEFAULT_CAPACITY
    if not raw.isdigit() or int(raw) < 1:
        fault(f"capacity: {raw!r} is not a positive whole number")
        return None
    return int(raw)


def load_directory(*, uow_factory: UowFactory, path: Path | str) -> DirectoryReport:
    """Validate the file against the loaded regions and upsert it in one transaction."""
    text = Path(path).read_text(encoding="utf-8-sig")
    with uow_factory() as uow:
        known = set(uow.session.scalars(select(Region.code)))
        entries = parse_directory_csv(text, known_regions=known)
        report = upsert_entries(uow.session, entries)
        uow.commit()
    return report


def upsert_entries(
    session: Session, entries: Sequence[DirectoryEntry], *, progress: Progress | None = None
) -> DirectoryReport:
    """Create or update coordinators by external_ref; the caller commits."""
    created = updated = unchanged = 0
    for start in range(0, len(entries), _LOOKUP_CHUNK):
        chunk = entries[start : start + _LOOKUP_CHUNK]
        refs = [entry.external_ref for entry in chunk]
        existing = {
            c.external_ref: c
            for c in session.scalars(select(Coordinator).where(Coordinator.external_ref.in_(refs)))
        }
        for entry in chunk:
            coordinator = existing.get(entry.external_ref)
            if coordinator is None:
                session.add(Coordinator(**_fields(entry)))
                created += 1
            elif _apply(coordinator, entry):
                updated += 1
            else:
                unchanged += 1
        session.flush()
        if progress is not None:
            progress(start + len(chunk), len(entries))
    return DirectoryReport(created=created, updated=updated, unchanged=unchanged)


def _fields(entry: DirectoryEntry) -> dict[str, object]:
    return {field.name: getattr(entry, field.name) for field in fields(DirectoryEntry)}


def _apply(coordinator: Coordinator, entry: DirectoryEntry) -> bool:
    changed = False
    for name, value in _fields(entry).items():
        if getattr(coordinator, name) != value:
            setattr(coordinator, name, value)
            changed = True
    if changed:
        # Routing's directory snapshot reloads when this moves (see shared/routing/directory.py).
        coordinator.updated_at = utcnow()
    return changed
