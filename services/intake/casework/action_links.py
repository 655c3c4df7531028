"""Accepting or declining a task through a signed link from a message
(shared.casework.action_links).

Looking (GET) changes nothing, so a mail scanner that fetches the link does no harm;
performing (POST) spends the link and acts in one unit of work, as the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from services.intake.casework.service import named
from shared.casework import action_links as actionlinks
from shared.casework import workflow
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import Action, Reason, State, TransitionError
from shared.models import Case, Category, Referral, ReferralOffer, Region


class TaskChanged(Exception):
    """The task is no longer as it was when the link was issued."""


@dataclass(frozen=True, slots=True)
class Asked:
    """What the page may show: the action and where the case is, nothing personal."""

    action: str
    tracking_code: str
    category: str
    village: str


def look(*, uow_factory: UowFactory, secret: str, token: str, now: datetime) -> Asked:
    """What the link would do, if it still can."""
    link = actionlinks.verify(secret, token, now=now)
    with uow_factory() as uow:
        if actionlinks.is_spent(uow.session, token):
            raise actionlinks.SpentLink("this link was already used")
        _expected_version(uow.session, link)
        return _asked(uow.session, link)


def perform(
    *,
    uow_factory: UowFactory,
    secret: str,
    token: str,
    reason: Reason | None,
    now: datetime,
    policy: DeadlinePolicy,
) -> Asked:
    """Spend the link and act; both or neither."""
    with uow_factory() as uow:
        session = uow.session
        link = actionlinks.redeem(session, secret, token, now=now)
        action = Action(link.action)
        try:
            workflow.act(
                session,
                referral_id=link.referral_id,
                expected_version=_expected_version(session, link),
                change=workflow.Change(
                    action,
                    reason=(reason or Reason.OTHER) if action is Action.REJECT else None,
                    note="via tautan di pesan" if action is Action.REJECT else None,
                ),
                actor=named(session, Actor("coordinator", str(link.coordinator_id), "")),
                now=now,
                policy=policy,
            )
        except (workflow.StaleVersion, TransitionError) as exc:
            # Taken, withdrawn, reassigned or answered since the link was sent.
            raise TaskChanged(str(exc)) from exc
        asked = _asked(session, link)
        uow.commit()
    return asked


def _expected_version(session: Session, link: actionlinks.ActionLink) -> int:
    """The version to act on: the link's, or, for an emergency offer still open to this
    coordinator, the current one (other offerees declining moves the version on, but does
    not change what this coordinator is asked)."""
    referral = session.get(Referral, link.referral_id)
    if referral is None:
        raise workflow.NotFound(f"no referral {link.referral_id}")
    if referral.version == link.version:
        return link.version
    if referral.coordinator_id is None and referral.status == State.REQUESTED.value:
        offer = session.get(ReferralOffer, (referral.id, link.coordinator_id))
        if offer is not None and offer.state == "offered":
            return referral.version
    raise TaskChanged("the task changed since the link was sent")


def _asked(session: Session, link: actionlinks.ActionLink) -> Asked:
    referral = session.get_one(Referral, link.referral_id)
    case = session.get_one(Case, referral.case_id)
    category = session.get_one(Category, case.category_code)
    village = session.get(Region, case.village_code)
    return Asked(
        action=link.action,
        tracking_code=case.tracking_code,
        category=category.name_id,
        village=village.name if village is not None else case.village_code,
    )
