"""Replay a draft rule set over the most recent cases, next to the active rules.

One read-only transaction reads the cases, the directory with its current loads and the
active rules; the comparison itself is the pure `shared.domain.routing.replay.replay`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.db import UowFactory, read_only
from shared.domain.routing import replay as rules_replay
from shared.domain.routing.rules import RuleSet
from shared.models import Coordinator, Referral
from shared.routing import casefacts
from shared.routing.directory import OPEN_STATUSES, StaticDirectory, load_snapshot
from shared.routing.rulestore import ActiveRules


def replay_recent(
    *, uow_factory: UowFactory, draft: RuleSet, limit: int, examples: int, today: date
) -> rules_replay.ReplayReport:
    with uow_factory() as uow:  # never committed
        session = uow.session
        read_only(session)
        cases = casefacts.recent_cases(session, limit=limit, today=today)
        directory = frozen_directory(session, today=today)
        active = ActiveRules().get(session)
    return rules_replay.replay(
        cases=cases, directory=directory, before=active, after=draft, examples=examples
    )


def frozen_directory(session: Session, *, today: date) -> StaticDirectory:
    """The directory as it is now, loads included, for decisions that assign nothing."""
    last: dict[uuid.UUID, datetime | None] = dict(
        session.execute(select(Coordinator.id, Coordinator.last_assigned_at)).all()
    )
    open_counts: dict[uuid.UUID, int] = {
        cid: int(n)
        for cid, n in session.execute(
            select(Referral.coordinator_id, func.count())
            .where(Referral.coordinator_id.is_not(None), Referral.status.in_(OPEN_STATUSES))
            .group_by(Referral.coordinator_id)
        )
        if cid is not None
    }
    loads = {cid: (open_counts.get(cid, 0), at) for cid, at in last.items()}
    return StaticDirectory(load_snapshot(session), today=today, loads=loads)
