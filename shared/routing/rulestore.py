"""Where routing rule sets live: every version kept in the database, one active.

Until an administrator uploads one, the default rules shipped with Sekber are active.
"""

from __future__ import annotations

import hashlib
import threading

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.domain.routing import rules as routing_rules
from shared.domain.routing.rules import RuleSet, RuleSetError
from shared.models import RuleSetVersion
from shared.reference import region_upgrade

DEFAULT_AUTHOR = "sekber (default rules)"


class RuleVersionTaken(RuleSetError):
    """The version string was used before for a different rule set."""


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def store(session: Session, *, text: str, created_by: str) -> RuleSetVersion:
    """Validate, keep and activate a rule set; the caller commits.

    Raises RuleSetError (with the line and the reason) and changes nothing when invalid.
    Uploading the text of an existing version again re-activates it.
    """
    parsed = routing_rules.parse(text)
    named = region_upgrade.retired_codes_in(text, region_upgrade.retired_codes(session))
    if named:
        raise routing_rules.RuleSetError(
            f"names region codes a newer code list retired: {', '.join(sorted(set(named)))}; "
            "use their successors (sekber regions upgrade printed them)"
        )
    digest = checksum(text)
    existing = session.scalar(
        select(RuleSetVersion).where(RuleSetVersion.version == parsed.version)
    )
    if existing is not None and existing.checksum != digest:
        raise RuleVersionTaken(
            f"version {parsed.version!r} already exists with other rules; give a new version"
        )
    session.execute(update(RuleSetVersion).values(active=False))
    if existing is None:
        existing = RuleSetVersion(
            version=parsed.version, text=text, checksum=digest, created_by=created_by
        )
        session.add(existing)
    existing.active = True
    session.flush()
    return existing


def active_row(session: Session) -> RuleSetVersion | None:
    return session.scalar(
        select(RuleSetVersion)
        .where(RuleSetVersion.active.is_(True))
        .order_by(RuleSetVersion.id.desc())
    )


def versions(session: Session) -> list[RuleSetVersion]:
    return list(session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.id.desc())))


def default_text() -> str:
    return routing_rules.DEFAULT_RULES.read_text(encoding="utf-8")


class ActiveRules:
    """The active rule set, parsed once per version and cached for the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[str, RuleSet] | None = None

    def get(self, session: Session) -> RuleSet:
        active = (
            select(RuleSetVersion.id)
            .where(RuleSetVersion.active.is_(True))
            .order_by(RuleSetVersion.id.desc())
            .limit(1)
        )
        key = session.scalar(active)
        with self._lock:
            if self._cached is None or self._cached[0] != str(key):
                text = default_text() if key is None else session.get_one(RuleSetVersion, key).text
                self._cached = (str(key), routing_rules.parse(text))
            return self._cached[1]
