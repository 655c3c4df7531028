"""Service gaps by region (issue 26), as the API, its CSV and the page ask them: the
filters checked (each refusal names its field), the rows read (shared/gaps/read.py) and
shaped (schemas.py), and the latest weekly digest of a province."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.dashboard import checks, measures
from services.intake.dashboard import schemas as out
from services.intake.dashboard.sql import tune
from shared.domain import gaps, regions
from shared.domain.actor import Actor
from shared.domain.gaps import GapRow
from shared.domain.spreadsheet import csv_text
from shared.gaps import read
from shared.models import Region, ServiceGapDigest

FORMULA = "(unmet + overload) / (active_coordinators + 1)"
COLUMNS = list(out.ServiceGapRow.model_fields)


@dataclass(frozen=True, slots=True)
class GapAsk:
    region_code: str
    region_name: str
    period: measures.Period
    now: datetime
    pillar: str | None

    @property
    def ask(self) -> read.Ask:
        return read.Ask(self.region_code, self.period, self.now, self.pillar)

    @property
    def group_level(self) -> str:
        return "kabkota" if len(self.region_code) == 2 else "kecamatan"


def default_region(actor: Actor) -> str:
    """The caller's jurisdiction; East Java for the nation's staff (Sekber is East Java's)."""
    return actor.jurisdiction or regions.EAST_JAVA


def check(
    session: Session, *, actor: Actor, now: datetime, region: str | None, pillar: str | None,
    first: date | None, last: date | None,
) -> GapAsk:  # fmt: skip
    """The request's filters; Refused (403 or 422) naming the field."""
    checks.role(actor, "service gaps are")
    code = (region or "").strip() or default_region(actor)
    if not regions.is_well_formed(code):
        raise checks.bad("region", "must be a Kemendagri region code: 35 or 35.07")
    if regions.level_of(code) not in (regions.Level.PROVINCE, regions.Level.REGENCY):
        raise checks.bad("region", "must be a province (35) or a kab/kota (35.07): service "
                         "gaps list a province's kab/kota or a kab/kota's kecamatan")  # fmt: skip
    checks.scope(actor.jurisdiction, code)
    name = session.scalar(
        select(Region.name).where(Region.code == code, Region.retired_in.is_(None))
    )
    if name is None:
        raise checks.bad("region", f"no region {code} in the current code list")
    checks.pillar(pillar)
    span = checks.period(first=first, last=last, now=now)
    return GapAsk(code, name, span, now, pillar)


def row(found: GapRow) -> out.ServiceGapRow:
    return out.ServiceGapRow.model_validate(gaps.record(found))


def read_rows(session: Session, q: GapAsk) -> list[GapRow]:
    tune(session)
    return read.service_gaps(session, q.ask)


def shaped(q: GapAsk, rows: list[GapRow]) -> out.ServiceGapsRead:
    return out.ServiceGapsRead(
        region_code=q.region_code,
        region_name=q.region_name,
        group_level=q.group_level,
        pillar=q.pillar,
        period_from=q.period.first,
        period_to=q.period.last,
        gap_score_formula=FORMULA,
        items=[row(r) for r in rows],
    )


def service_gaps(session: Session, q: GapAsk) -> out.ServiceGapsRead:
    return shaped(q, read_rows(session, q))


def as_csv(result: out.ServiceGapsRead) -> tuple[str, str]:
    """(the rows as CSV, a file name)."""
    records: list[dict[str, Any]] = [r.model_dump(mode="json") for r in result.items]
    name = (
        f"sekber-celah-layanan-{result.region_code}-{result.pillar or 'semua'}"
        f"-{result.period_from}-{result.period_to}.csv"
    )
    return csv_text(COLUMNS, records), name


def digest_province(actor: Actor, region_code: str) -> str:
    """The province whose weekly digest the caller asks for: the digest names the worst
    kab/kota of the whole province, so only those whose jurisdiction holds it may read it
    (a kab/kota's supervisor may not: 403 naming the region)."""
    return checks.scope(actor.jurisdiction, region_code[:2])


def latest_digest(session: Session, province: str) -> ServiceGapDigest | None:
    """The newest weekly digest of the province."""
    found: ServiceGapDigest | None = session.scalar(
        select(ServiceGapDigest)
        .where(ServiceGapDigest.region_code == province)
        .order_by(ServiceGapDigest.week_start.desc())
        .limit(1)
    )
    return found
