"""Rebuild the dashboard's rollups from the cases and tasks (`sekber rebuild-rollups`):
after a restore, a bulk load that bypassed the triggers, or to check them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from shared.models import ReferenceVersion, dashboard_rollups
from shared.rollups.statements import Dialect, fold, rebuild

# reference_versions holds when the rollups were last rebuilt (shown on the dashboard).
REBUILT = "dashboard_rollups"


def rebuild_rollups(session: Session, *, now: datetime) -> int:
    """Sum every row's contribution again, in the caller's transaction; the row count."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # The triggers must not add to what the rebuild is summing: no concurrent writer.
        session.execute(text("LOCK TABLE cases, referrals IN SHARE MODE"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    for statement in rebuild(Dialect(postgres=postgres)):
        session.execute(text(statement))
    rows = session.scalar(select(func.count()).select_from(dashboard_rollups)) or 0
    mark = session.get(ReferenceVersion, REBUILT)
    if mark is None:
        mark = ReferenceVersion(name=REBUILT, version="", checksum="", row_count=0)
        session.add(mark)
    mark.version = "rebuilt from the facts"
    mark.loaded_at = now
    mark.row_count = rows
    return rows


def fold_rollups(session: Session) -> None:
    """Fold the triggers' appended deltas into the summed rows, in the caller's
    transaction (the relay does it every few seconds; readers sum both meanwhile)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for statement in fold(Dialect(postgres=postgres)):
        session.execute(text(statement))


def last_rebuilt(session: Session) -> datetime | None:
    mark = session.get(ReferenceVersion, REBUILT)
    return mark.loaded_at if mark else None
