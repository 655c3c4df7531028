"""Load the national Kemendagri region list into the regions table.

Codes are never deleted: cases and coordinators keep pointing at the codes they were
filed under, even after a code list retires them.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.domain import regions as region_codes
from shared.models import ReferenceVersion, Region, RegionSuccessor
from shared.models.base import utcnow

DEFAULT_CSV = Path(__file__).resolve().parent.parent / "data" / "regions" / "wilayah.csv"
REGIONS_VERSION = "Kepmendagri 300.2.2-2138/2025"
REFERENCE_NAME = "regions"
BATCH_SIZE = 5000

_HEADER = ["code", "name", "level", "parent_code"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class LoadReport:
    name: str
    version: str
    rows: int
    skipped: bool
    inserted: int = 0
    updated: int = 0


class RegionFileError(ValueError):
    """The region CSV is malformed; the message names the line."""


def parse_regions_csv(text: str) -> list[RegionRow]:
    """Parse and check the CSV text: well-formed codes whose level and parent agree."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != _HEADER:
        raise RegionFileError(f"line 1: expected header {','.join(_HEADER)}, got {header}")
    rows: list[RegionRow] = []
    for fields in reader:
        line = reader.line_num
        if len(fields) != 4:
            raise RegionFileError(f"line {line}: expected 4 fields, got {len(fields)}")
        code, name, level, parent_code = (f.strip() for f in fields)
        try:
            expected_level = region_codes.level_of(code)
        except ValueError as exc:
            raise RegionFileError(f"line {line}: {exc}") from None
        if level != expected_level:
            raise RegionFileError(f"line {line}: level {level!r} does not fit code {code}")
        if (parent_code or None) != region_codes.parent(code):
            raise RegionFileError(f"line {line}: parent {parent_code!r} does not fit {code}")
        if not name:
            raise RegionFileError(f"line {line}: empty name")
        rows.append(RegionRow(code, name, level, parent_code or None))
    return rows


def read_regions_csv(path: Path | str) -> list[RegionRow]:
    return parse_regions_csv(Path(path).read_text(encoding="utf-8"))


def load_regions(
    *,
    uow_factory: UowFactory,
    csv_path: Path | str = DEFAULT_CSV,
    progress: Progress | None = None,
) -> LoadReport:
    """Upsert the region list in one transaction; skip when this exact file is loaded."""
    data = Path(csv_path).read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    with uow_factory() as uow:
        session = uow.session
        serialise_loaders(session)
        loaded = session.get(ReferenceVersion, REFERENCE_NAME)
        if loaded is not None and loaded.checksum == checksum:
            return LoadReport(REFERENCE_NAME, loaded.version, loaded.row_count, skipped=True)
        if loaded is not None and _upgraded(session):
            # A newer list came with `sekber regions upgrade`: the shipped one would undo it.
            return LoadReport(REFERENCE_NAME, loaded.version, loaded.row_count, skipped=True)

        rows = parse_regions_csv(data.decode("utf-8"))
        inserted, updated = upsert_regions(session, rows, progress)
        if loaded is None:
            loaded = ReferenceVersion(name=REFERENCE_NAME)
            session.add(loaded)
        loaded.version = REGIONS_VERSION
        loaded.checksum = checksum
        loaded.row_count = len(rows)
        loaded.loaded_at = utcnow()
        uow.commit()
    return LoadReport(
        REFERENCE_NAME,
        REGIONS_VERSION,
        len(rows),
        skipped=False,
        inserted=inserted,
        updated=updated,
    )


def upsert_regions(
    session: Session, rows: Sequence[RegionRow], progress: Progress | None
) -> tuple[int, int]:
    existing = {
        code: (name, level, parent_code)
        for code, name, level, parent_code in session.execute(
            select(Region.code, Region.name, Region.level, Region.parent_code)
        )
    }
    inserted = updated = done = 0
    for batch in _batches(rows, BATCH_SIZE):
        new = [asdict(r) for r in batch if r.code not in existing]
        changed = [
            asdict(r)
            for r in batch
            if r.code in existing and existing[r.code] != (r.name, r.level, r.parent_code)
        ]
        if new:
            session.execute(insert(Region), new)
        if changed:
            # ORM bulk UPDATE by primary key: one executemany per batch.
            session.execute(update(Region), changed)
        inserted += len(new)
        updated += len(changed)
        done += len(batch)
        if progress is not None:
            progress(done, len(rows))
    return inserted, updated


def _upgraded(session: Session) -> bool:
    return session.scalar(select(RegionSuccessor.old_code).limit(1)) is not None


def serialise_loaders(session: Session) -> None:
    """Make a second loader wait for the first, then find the file loaded and skip it.
    SQLite needs nothing: its transactions begin with the write lock (shared.db)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('sekber.regions'))"))


def _batches(rows: Sequence[RegionRow], size: int) -> Iterator[Sequence[RegionRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
