"""Who gets what: for each event, the people or groups to tell, how, and which message.

Each function reads what it needs and writes nothing; handlers.py records and delivers
the plan it returns. Recipients are keyed by a coordinator id or a named group ("reporter",
"sekber-supervisors", "supervisors:<region code>"): the key makes a notification unique per
event and channel.

The reporter (the case worker who sent the case) hears by e-mail only, in Bahasa
Indonesia, and never learns a coordinator's personal contact: at most the pillar and, for
an organisation unit, the unit's name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify.channels.base import Feed
from shared.domain.lifecycle import Action, Reason
from shared.events import (
    CaseClosed,
    Event,
    ReferralAssigned,
    ReferralDeadlineApproaching,
    ReferralEscalated,
    ReferralOffered,
    ReferralStatusChanged,
    ReferralUnroutable,
)
from shared.models import Case, Coordinator, Referral, ReferralOffer
from shared.notifications.inbox_feed import SUPERVISORS

INAPP = "inapp"
EMAIL = "email"
GATEWAY = "gateway"  # WhatsApp/SMS, to a coordinator's phone
TELEGRAM = "telegram"  # a Telegram bot, to a coordinator's chat
REPORTER = "reporter"


class Audience(StrEnum):
    COORDINATOR = "coordinator"
    SUPERVISORS = "supervisors"
    REPORTER = "reporter"
    # A system-wide feed (the webhook): worded for staff, never shown an identity a pillar
    # may not see.
    FEED = "feed"


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str
    name: str  # how an in-app message greets them; the reporter is greeted by role
    kind: str  # the template
    audience: Audience
    language: str
    addresses: dict[str, str]  # channel -> address; a channel without one is skipped
    coordinator_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    case_id: uuid.UUID
    referral_id: uuid.UUID | None
    recipients: list[Recipient]
    # What the event adds to the message (a step, a due time, outcomes); context.py words it.
    facts: dict[str, Any] = field(default_factory=dict)


def _coordinator(coordinator: Coordinator, kind: str) -> Recipient:
    addresses = {INAPP: coordinator.name}
    if coordinator.email:
        addresses[EMAIL] = coordinator.email
    if coordinator.phone:
        addresses[GATEWAY] = coordinator.phone
    if coordinator.telegram_chat_id:
        addresses[TELEGRAM] = coordinator.telegram_chat_id
    return Recipient(
        key=str(coordinator.id),
        name=coordinator.name,
        kind=kind,
        audience=Audience.COORDINATOR,
        language=coordinator.language,
        addresses=addresses,
        coordinator_id=coordinator.id,
    )


def _coordinators(session: Session, ids: list[uuid.UUID], kind: str) -> list[Recipient]:
    return [_coordinator(session.get_one(Coordinator, c), kind) for c in dict.fromkeys(ids)]


def _reporter(session: Session, case_id: uuid.UUID, kind: str) -> list[Recipient]:
    email = session.get_one(Case, case_id).reporter_email
    if not email:
        return []
    return [Recipient(REPORTER, REPORTER, kind, Audience.REPORTER, "id", {EMAIL: email})]


def assigned(session: Session, event: ReferralAssigned) -> Plan:
    recipients = _coordinators(session, [event.coordinator_id], "referral_assigned")
    return Plan(event.case_id, event.referral_id, recipients)


def unroutable(session: Session, event: ReferralUnroutable) -> Plan:
    group = Recipient(
        SUPERVISORS,
        "Supervisor Sekber",
        "referral_unroutable",
        Audience.SUPERVISORS,
        "id",
        {INAPP: SUPERVISORS},
    )
    return Plan(event.case_id, event.referral_id, [group])


def offered(session: Session, event: ReferralOffered) -> Plan:
    """An emergency task offered to several at once: the first to accept takes it."""
    recipients = _coordinators(session, event.coordinator_ids, "referral_offered")
    return Plan(event.case_id, event.referral_id, recipients, {"offered_count": len(recipients)})


def status_changed(session: Session, event: ReferralStatusChanged) -> Plan:
    """Withdrawn offers are told so; the reporter hears when a pillar accepts.

    A rejection, or a cancellation for want of an answer, is re-routed and is not news to
    the reporter; a reassignment is announced by its ReferralAssigned; a task left with
    nobody reaches the supervisors through ReferralUnroutable.
    """
    recipients = _coordinators(session, event.withdrawn_from, "offer_withdrawn")
    facts: dict[str, Any] = {"unit": None}
    if event.action == Action.CANCEL and event.reason == Reason.DUPLICATE.value:
        # Merged into another case of the same person: its coordinator is told.
        facts["merged_into"] = _merged_into(session, event.case_id)
        if event.coordinator_id is not None:
            recipients += _coordinators(session, [event.coordinator_id], "task_withdrawn")
    if event.action == Action.ACCEPT:
        recipients += _reporter(session, event.case_id, "case_accepted")
        if event.coordinator_id is not None:
            taker = session.get_one(Coordinator, event.coordinator_id)
            # An organisation unit may be named; a person is never named to the reporter.
            facts["unit"] = taker.name if taker.kind == "unit" else None
    return Plan(event.case_id, event.referral_id, recipients, facts)


def deadline_approaching(session: Session, event: ReferralDeadlineApproaching) -> Plan:
    """The coordinator holding the task, or everyone it is still offered to."""
    referral = session.get_one(Referral, event.referral_id)
    if referral.coordinator_id is not None:
        ids = [referral.coordinator_id]
    else:
        ids = list(
            session.scalars(
                select(ReferralOffer.coordinator_id)
                .where(ReferralOffer.referral_id == referral.id, ReferralOffer.state == "offered")
                .order_by(ReferralOffer.created_at, ReferralOffer.coordinator_id)
            )
        )
    recipients = _coordinators(session, ids, "deadline_reminder")
    return Plan(
        event.case_id, event.referral_id, recipients, {"step": event.step, "due_at": event.due_at}
    )


def escalated(session: Session, event: ReferralEscalated) -> Plan:
    """The supervisors of the region in their inbox, and the reporter by e-mail."""
    group = f"supervisors:{event.region_code}"
    supervisors = Recipient(
        group,
        "Supervisor Sekber",
        "referral_escalated",
        Audience.SUPERVISORS,
        "id",
        {INAPP: group},
    )
    recipients = [supervisors, *_reporter(session, event.case_id, "referral_escalated")]
    facts = {"step": event.step, "level": event.level, "region_code": event.region_code}
    return Plan(event.case_id, event.referral_id, recipients, facts)


def case_closed(session: Session, event: CaseClosed) -> Plan:
    """The reporter hears the case ended: resolved, or merged into another case."""
    merged_into = _merged_into(session, event.case_id)
    if merged_into:
        recipients = _reporter(session, event.case_id, "case_merged")
        return Plan(event.case_id, None, recipients, {"merged_into": merged_into})
    recipients = _reporter(session, event.case_id, "case_resolved")
    return Plan(event.case_id, None, recipients, {"outcomes": event.outcomes})


def _merged_into(session: Session, case_id: uuid.UUID) -> str:
    """The tracking code of the case this one was merged into ("" when it was not)."""
    case = session.get_one(Case, case_id)
    if case.merged_into_id is None:
        return ""
    return session.get_one(Case, case.merged_into_id).tracking_code


WHO_GETS_WHAT: dict[str, Callable[[Session, Any], Plan]] = {
    ReferralAssigned.type: assigned,
    ReferralUnroutable.type: unroutable,
    ReferralOffered.type: offered,
    ReferralStatusChanged.type: status_changed,
    ReferralDeadlineApproaching.type: deadline_approaching,
    ReferralEscalated.type: escalated,
    CaseClosed.type: case_closed,
}

# Every kind of message a plan can name; each has a template in every language.
KINDS = frozenset(
    {
        "referral_assigned",
        "referral_unroutable",
        "referral_offered",
        "offer_withdrawn",
        "case_accepted",
        "deadline_reminder",
        "referral_escalated",
        "case_resolved",
        "task_withdrawn",
        "case_merged",
    }
)


def with_feeds(plan: Plan, feeds: dict[str, Feed]) -> Plan:
    """The plan plus, for each feed channel (the webhook), one recipient per kind of message
    the event calls for, keyed "<channel>:<kind>"."""
    kinds = dict.fromkeys(r.kind for r in plan.recipients)
    extra = [
        Recipient(
            key=f"{channel}:{kind}",
            name="Sekber",
            kind=kind,
            audience=Audience.FEED,
            language=feed.language,
            addresses={channel: feed.address},
        )
        for channel, feed in feeds.items()
        for kind in kinds
    ]
    return Plan(plan.case_id, plan.referral_id, [*plan.recipients, *extra], plan.facts)


def handles(event: Event) -> bool:
    return event.type in WHO_GETS_WHAT


def plan(session: Session, event: Event) -> Plan:
    return WHO_GETS_WHAT[event.type](session, event)
