"""Administering the routing rules: read the active set, list versions, upload a new one.

Routing workers read the active set at the start of every task (`ActiveRules`), so an
upload takes effect on their next case without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.intake.routing_admin.schemas import RuleSetRead, RuleSetVersionRead
from shared.db import UowFactory
from shared.domain.routing import rules as routing_rules
from shared.models import RuleSetVersion
from shared.routing import rulestore


@dataclass(frozen=True, slots=True)
class Uploaded:
    version: str
    created: bool  # False: the same text was stored before and is active again


def active(session: Session) -> RuleSetRead:
    row = rulestore.active_row(session)
    if row is None:
        text = rulestore.default_text()
        return RuleSetRead(
            version=routing_rules.parse(text).version,
            created_at=None,
            created_by=rulestore.DEFAULT_AUTHOR,
            source="default",
            text=text,
        )
    return RuleSetRead(
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        source="database",
        text=row.text,
    )


def versions(session: Session) -> list[RuleSetVersionRead]:
    return [
        RuleSetVersionRead(
            version=row.version,
            created_at=row.created_at,
            created_by=row.created_by,
            active=row.active,
            checksum=row.checksum,
        )
        for row in rulestore.versions(session)
    ]


def upload(*, uow_factory: UowFactory, text: str, actor: str) -> Uploaded:
    """Validate, store and activate; RuleSetError (naming the line) changes nothing, and
    RuleVersionTaken refuses a known version with other rules."""
    for _attempt in range(2):
        with uow_factory() as uow:
            seen = uow.session.scalar(
                select(RuleSetVersion.id).where(RuleSetVersion.checksum == rulestore.checksum(text))
            )
            row = rulestore.store(uow.session, text=text, created_by=actor)
            version = row.version
            try:
                uow.commit()
            except IntegrityError:
                # A concurrent upload stored this version first; store() decides again.
                continue
            return Uploaded(version=version, created=seen is None)
    raise RuntimeError("could not store the rule set after 2 attempts")
