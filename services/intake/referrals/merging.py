"""Merging duplicates, undoing a merge, and dismissing a flag, each in one unit of work
(shared/duplicates/merge.py does the work)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from services.intake.referrals import views
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.duplicates import merge as merging
from shared.duplicates.merge import MergeRefused
from shared.models import Case

__all__ = ["MergeRefused", "dismiss", "merge", "undo"]


def _case(session: Session, ref: str, field: str) -> Case:
    found = views.find_case(session, ref)
    if found is None:
        raise MergeRefused(field, "no such case", status=404, kind="not_found")
    return found


def merge(
    uow_factory: UowFactory,
    *,
    case_ref: str,
    into_ref: str,
    actor: Actor,
    now: datetime,
    policy: DeadlinePolicy,
) -> merging.Merged:
    with uow_factory() as uow:
        case = _case(uow.session, case_ref, "case")
        into = _case(uow.session, into_ref, "into")
        merged = merging.merge(
            uow.session, case=case, into=into, actor=actor, now=now, policy=policy
        )
        uow.commit()
        return merged


def undo(uow_factory: UowFactory, *, case_ref: str, actor: Actor, now: datetime) -> Case:
    with uow_factory() as uow:
        case = merging.undo(
            uow.session, case=_case(uow.session, case_ref, "case"), actor=actor, now=now
        )
        uow.commit()
        return case


def dismiss(
    uow_factory: UowFactory, *, case_ref: str, other_ref: str, actor: Actor, now: datetime
) -> None:
    with uow_factory() as uow:
        case = _case(uow.session, case_ref, "case")
        other = _case(uow.session, other_ref, "other")
        merging.dismiss(uow.session, case=case, other=other, actor=actor, now=now)
        uow.commit()
