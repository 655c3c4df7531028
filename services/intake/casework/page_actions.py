"""The case page's life-cycle actions (plain form posts): the visibility check, the form's
checks, the reassign target and the action, in one unit of work committed once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from services.intake.casework import task_forms
from services.intake.casework.service import named
from services.intake.referrals import case_list
from shared.casework import onward, workflow
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import Action, Outcome, Reason, TransitionError
from shared.domain.routing.facts import Care
from shared.models import Case

# What the page offers (reassign and mark-in-error: a supervisor's).
PAGE_ACTIONS = (
    "accept",
    "reject",
    "start",
    "hold",
    "resume",
    "complete",
    "fail",
    "cancel",
    "reassign",
    "mark-in-error",
)
NEEDS_REASON = ("reject", "hold", "fail", "cancel")


class CaseNotVisible(LookupError):
    """No such case, or not one the actor may see."""


def visible_case(session: Session, *, actor: Actor, case_id: uuid.UUID) -> Case | None:
    """The case, if there is one and the actor may see it."""
    case = session.get(Case, case_id)
    if case is None or not case_list.may_see(session, actor, case.id):
        return None
    return case


def act_on_page(
    *,
    uow_factory: UowFactory,
    case_id: uuid.UUID,
    referral_id: uuid.UUID,
    action: str,
    fields: Mapping[str, str],
    actor: Actor,
    now: datetime,
    policy: DeadlinePolicy,
    max_open_children: int = onward.DEFAULT_MAX_OPEN_CHILDREN,
) -> None:
    """One action from the case page's form on a task of the case, or an onward referral
    ("onward"). Raises CaseNotVisible before anything else; then TransitionError,
    workflow.StaleVersion, workflow.NotFound or ValueError, and nothing is written."""
    with uow_factory() as uow:
        session = uow.session
        case = visible_case(session, actor=actor, case_id=case_id)
        if case is None:
            raise CaseNotVisible(f"no case {case_id}")
        if action == "onward":
            onward.refer_onward(
                session,
                parent_id=referral_id,
                actor=named(session, actor),
                pillar=fields.get("pillar", "").upper(),
                purpose=fields.get("purpose", ""),
                care=Care(fields.get("care") or "community"),
                now=now,
                max_open_children=max_open_children,
            )
        else:
            if action not in PAGE_ACTIONS:
                raise TransitionError("conflict", "action", action)
            if action in NEEDS_REASON and not fields.get("reason"):
                raise TransitionError("invalid", "reason", "reason")
            if action == "complete" and not fields.get("outcome"):
                raise TransitionError("invalid", "outcome", "outcome")
            target = None
            if (
                action == "reassign" and actor.kind == "supervisor"
            ):  # others: the life cycle refuses
                target = task_forms.reassign_target(
                    session, referral_id, case, fields.get("coordinator_id", "")
                )
            expected_version = _version(fields.get("version", ""))
            change = workflow.Change(
                action=Action(action),
                reason=Reason(fields["reason"]) if fields.get("reason") else None,
                outcome=Outcome(fields["outcome"]) if fields.get("outcome") else None,
                note=fields.get("note") or None,
                reassign_to=target,
            )
            actor = named(session, actor)
            workflow.act(
                session,
                referral_id=referral_id,
                expected_version=expected_version,
                change=change,
                actor=actor,
                now=now,
                policy=policy,
            )
        uow.commit()


def _version(value: str) -> int:
    """The task version the form was drawn with: plain ASCII digits only."""
    if not re.fullmatch(r"[0-9]{1,9}", value) or int(value) < 1:
        raise TransitionError("invalid", "version", "the form's task version is not a number")
    return int(value)
