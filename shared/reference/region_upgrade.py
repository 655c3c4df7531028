"""A new Kemendagri code list, loaded with its crosswalk so that nothing is lost.

Kemendagri reissues the region codes every year or two: villages are created, split,
merged, renamed and moved between kecamatan (a move is a new code). `upgrade` takes the new
list (the CSV `load_regions` reads) and a crosswalk CSV of old to new codes, and in one
transaction:

1. adds the new codes and renames the changed ones;
2. marks the codes the new list dropped as retired (they are never deleted), refusing the
   whole upgrade when one has no successor in the crosswalk;
3. keeps the crosswalk; of each retired code, one successor takes what pointed at it (the
   only successor, or for a split the first row of that code in the crosswalk): cases
   (their current code; the code and the list they were filed under stay), the tasks'
   copies of it, and directory entries;
4. reports, for every village that is new or took over a code, the pillars no active
   coordinator serves there (none at the village, its kecamatan, kab/kota or province),
   and rule sets that name a retired code.

Running it again with the same files changes nothing. `dry_run` does it all and rolls
back, so the report says what would change.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Update, select, update
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.domain import regions as region_codes
from shared.models import (
    Case,
    CaseNameKey,
    Coordinator,
    Pillar,
    ReferenceVersion,
    Referral,
    Region,
    RegionSuccessor,
    RuleSetVersion,
)
from shared.models.base import utcnow
from shared.reference.regions import (
    REFERENCE_NAME,
    RegionRow,
    parse_regions_csv,
    serialise_loaders,
    upsert_regions,
)

KINDS = ("rename", "move", "split", "merge")
_HEADER = ["old_code", "new_code", "kind"]
# A region code written anywhere in a text (a rule set): 35.08, 35.08.01 or 35.08.01.2001.
_CODE = re.compile(r"(?<![\d.])\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?(?![\d.])")


class RegionUpgradeError(ValueError):
    """The files cannot be loaded as they are; the message names the line or the code."""


@dataclass(frozen=True, slots=True)
class Step:
    old_code: str
    new_code: str
    kind: str


@dataclass
class UpgradeReport:
    version: str
    dry_run: bool
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old, new
    retired: list[str] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)  # retired code -> the one taking over
    cases_moved: int = 0
    tasks_moved: int = 0
    coordinators_moved: int = 0
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # village -> pillars
    rules_naming_retired: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.renamed
            or self.retired
            or self.cases_moved
            or self.tasks_moved
            or self.coordinators_moved
        )


def parse_crosswalk(text: str) -> list[Step]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != _HEADER:
        raise RegionUpgradeError(f"crosswalk line 1: expected header {','.join(_HEADER)}")
    steps: list[Step] = []
    seen: set[tuple[str, str]] = set()
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != 3:
            raise RegionUpgradeError(f"crosswalk line {line}: expected 3 fields")
        old, new, kind = (f.strip() for f in fields)
        for code in (old, new):
            try:
                region_codes.level_of(code)
            except ValueError as exc:
                raise RegionUpgradeError(f"crosswalk line {line}: {exc}") from None
        if kind not in KINDS:
            raise RegionUpgradeError(
                f"crosswalk line {line}: kind {kind!r} is not one of {', '.join(KINDS)}"
            )
        if old == new or (old, new) in seen:
            raise RegionUpgradeError(f"crosswalk line {line}: {old} -> {new} twice or to itself")
        seen.add((old, new))
        steps.append(Step(old, new, kind))
    return steps


def upgrade(
    uow_factory: UowFactory,
    *,
    regions_csv: bytes,
    crosswalk_csv: str,
    version: str,
    dry_run: bool = False,
) -> UpgradeReport:
    version = version.strip()
    if not version:
        raise RegionUpgradeError("version: name the code list, e.g. 'Kepmendagri 100.1.1-...'")
    try:
        rows = parse_regions_csv(regions_csv.decode("utf-8"))
    except UnicodeDecodeError:
        raise RegionUpgradeError("the region list is not UTF-8") from None
    steps = parse_crosswalk(crosswalk_csv)
    report = UpgradeReport(version=version, dry_run=dry_run)
    with uow_factory() as uow:
        session = uow.session
        serialise_loaders(session)
        _apply(session, rows, steps, report)
        loaded = session.get(ReferenceVersion, REFERENCE_NAME) or ReferenceVersion(
            name=REFERENCE_NAME
        )
        if report.changed or loaded.version != version:
            loaded.version = version
            loaded.checksum = hashlib.sha256(regions_csv).hexdigest()
            loaded.row_count = len(rows)
            loaded.loaded_at = utcnow()
            session.add(loaded)
        if not dry_run:
            uow.commit()
    return report


def _apply(
    session: Session, rows: Sequence[RegionRow], steps: Sequence[Step], report: UpgradeReport
) -> None:
    listed = {r.code: r for r in rows}
    known = {c: r for c, r in session.execute(select(Region.code, Region.retired_in))}
    names = {c: n for c, n in session.execute(select(Region.code, Region.name))}
    for step in steps:
        if step.old_code not in known:
            raise RegionUpgradeError(f"crosswalk: {step.old_code} is not a known code")
        if step.new_code not in listed:
            raise RegionUpgradeError(f"crosswalk: {step.new_code} is not in the new list")
    successors = _successors(steps)
    dropped = sorted(c for c, retired in known.items() if retired is None and c not in listed)
    orphans = [c for c in dropped if c not in successors]
    if orphans:
        shown = ", ".join(orphans[:10]) + (" ..." if len(orphans) > 10 else "")
        raise RegionUpgradeError(
            f"the new list drops {len(orphans)} codes the crosswalk gives no successor: {shown}"
        )

    report.added = sorted(c for c in listed if c not in known)
    report.renamed = [
        (c, names[c], r.name)
        for c, r in sorted(listed.items())
        if c in names and names[c] != r.name
    ]
    upsert_regions(session, rows, None)
    back = [c for c, retired in known.items() if retired is not None and c in listed]
    if back:
        session.execute(update(Region).where(Region.code.in_(back)).values(retired_in=None))
    report.retired = dropped
    if dropped:
        session.execute(
            update(Region).where(Region.code.in_(dropped)).values(retired_in=report.version)
        )
    for step in steps:
        takes = successors.get(step.old_code) == step.new_code and step.old_code not in listed
        session.merge(
            RegionSuccessor(
                old_code=step.old_code,
                new_code=step.new_code,
                kind=step.kind,
                takes_cases=takes,
                version=report.version,
            )
        )
    retired_now = {c for c, r in known.items() if r is not None} | set(dropped)
    retired_now -= set(back)
    for old in sorted(retired_now & set(successors)):
        _move(session, old, successors[old], report)
    report.uncovered = _uncovered(session, {*report.added, *report.moved.values()})
    report.rules_naming_retired = _rules_naming(session, retired_now)


def _successors(steps: Sequence[Step]) -> dict[str, str]:
    """The code that takes over each old code: its first row in the crosswalk."""
    chosen: dict[str, str] = {}
    for step in steps:
        chosen.setdefault(step.old_code, step.new_code)
    return chosen


def _move(session: Session, old: str, new: str, report: UpgradeReport) -> None:
    if old[:8] != new[:8]:  # a new kecamatan: the name keys of its cases move with them
        session.execute(
            update(CaseNameKey)
            .where(CaseNameKey.case_id.in_(select(Case.id).where(Case.village_code == old)))
            .values(area=new[:8])
        )
    cases = _count(session, update(Case).where(Case.village_code == old).values(village_code=new))
    tasks = _count(
        session,
        update(Referral).where(Referral.case_village_code == old).values(case_village_code=new),
    )
    coordinators = _count(
        session,
        update(Coordinator)
        .where(Coordinator.region_code == old)
        .values(region_code=new, updated_at=utcnow()),
    )
    if cases or tasks or coordinators:
        report.moved[old] = new
    report.cases_moved += cases
    report.tasks_moved += tasks
    report.coordinators_moved += coordinators


def _count(session: Session, statement: Update) -> int:
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _uncovered(session: Session, codes: set[str]) -> dict[str, list[str]]:
    """Villages among `codes` (and their parts) with pillars no active coordinator serves."""
    villages = sorted(c for c in codes if region_codes.level_of(c) is region_codes.Level.VILLAGE)
    if not villages:
        return {}
    pillars = list(session.scalars(select(Pillar.code).order_by(Pillar.code)))
    places = {a for v in villages for a in region_codes.ancestors(v)}
    served: dict[str, set[str]] = {}
    for pillar, region in session.execute(
        select(Coordinator.pillar_code, Coordinator.region_code).where(
            Coordinator.active.is_(True), Coordinator.region_code.in_(places)
        )
    ):
        served.setdefault(region, set()).add(pillar)
    gaps: dict[str, list[str]] = {}
    for village in villages:
        covered = set().union(*(served.get(a, set()) for a in region_codes.ancestors(village)))
        missing = [p for p in pillars if p not in covered]
        if missing:
            gaps[village] = missing
    return gaps


def _rules_naming(session: Session, retired: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for version, text in session.execute(select(RuleSetVersion.version, RuleSetVersion.text)):
        named = sorted(set(retired_codes_in(text, retired)))
        if named:
            found[version] = named
    return found


def retired_codes_in(text: str, retired: set[str]) -> list[str]:
    return [code for code in _CODE.findall(text) if code in retired]


def retired_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Region.code).where(Region.retired_in.is_not(None))))
