"""A coordinator's commands by message, applied through the same use case as the API
(shared/casework/workflow.py): the same life cycle, roles, versions, timeline and events.

Which task a command means: the code it names, else the task of the message it answers
(`in_reply_to`: a notification Sekber sent, or an earlier reply), else the sender's one
open task the command applies to (or their one open task)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.intake.messaging import wording
from services.intake.messaging.senders import Sender
from shared.casework import workflow
from shared.domain import lifecycle, vocabulary
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import Action, Role, State
from shared.domain.message_commands import Command, Verb
from shared.models import Case, InboundMessage, Notification, Referral, ReferralOffer
from shared.models.timeline import add_case_event

WORKING = (State.REQUESTED, State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)
# The passive verb of each action inside a refusal ("cannot be accepted").
PASSIVE = {
    Action.ACCEPT: ("terima", "accepted"),
    Action.REJECT: ("tolak", "declined"),
    Action.START: ("mulai", "started"),
    Action.RESUME: ("lanjutkan", "resumed"),
    Action.COMPLETE: ("selesaikan", "completed"),
}


class Refused(Exception):
    """Why the command is not done: a reply's problem key and its words."""

    def __init__(self, problem: str, referral_id: uuid.UUID | None = None, **words: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.referral_id = referral_id
        self.words = words


@dataclass(frozen=True, slots=True)
class Done:
    outcome: str  # accepted, declined, started, completed, noted, status
    reply: str
    case_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None


def run(
    session: Session,
    *,
    sender: Sender,
    command: Command,
    in_reply_to: str | None,
    language: str,
    now: datetime,
    policy: DeadlinePolicy,
) -> Done:
    """Do the command in the caller's transaction, or raise Refused (or the workflow's
    TransitionError / StaleVersion) before anything changed."""
    if command.verb is Verb.STATUS and command.code is None:
        return _my_tasks(session, sender, language)
    action = _action(command)
    referral = _target(session, sender, command, in_reply_to, action)
    case = session.get_one(Case, referral.case_id)
    actor = _acting(session, sender, referral)
    if command.verb is Verb.STATUS:
        line = wording.status_line(
            case.tracking_code, case.category_code, referral.status, language
        )
        return Done("status", line, case.id, referral.id)
    if command.verb is Verb.NOTE:
        workflow.role_of(session, actor, referral, case)
        add_case_event(
            session,
            case_id=case.id,
            kind="note",
            actor=actor.name,
            occurred_at=now,
            data={"referral_id": str(referral.id), "text": command.text},
        )
        return Done(
            "noted", wording.done("note", case.tracking_code, language), case.id, referral.id
        )
    assert action is not None
    if action is Action.START and referral.status == State.ON_HOLD:
        action = Action.RESUME
    offered = referral.coordinator_id is None
    try:
        workflow.act(
            session,
            referral_id=referral.id,
            expected_version=referral.version,
            change=workflow.Change(
                action=action,
                reason=command.reason,
                note=command.text or None,
                outcome=command.outcome,
            ),
            actor=actor,
            now=now,
            policy=policy,
        )
    except lifecycle.TransitionError as exc:
        if exc.kind == "conflict":
            raise Refused(
                "conflict",
                referral.id,
                code=case.tracking_code,
                status=wording.pick(vocabulary.STATUS[referral.status], language),
                verb=wording.pick(PASSIVE.get(action, (action.value, action.value)), language),
            ) from None
        raise
    detail = ""
    if command.reason is not None:
        detail = wording.pick(vocabulary.REASON[command.reason.value], language)
    if command.outcome is not None:
        detail = wording.pick(vocabulary.OUTCOME[command.outcome.value], language)
    kind = action.value
    if action is Action.REJECT and offered and referral.status != State.REJECTED:
        kind = "offer_declined"
    outcome = {
        "accept": "accepted",
        "reject": "declined",
        "offer_declined": "declined",
        "start": "started",
        "resume": "resumed",
        "complete": "completed",
    }[kind]
    reply = wording.done(kind, case.tracking_code, language, detail=detail)
    return Done(outcome, reply, case.id, referral.id)


def _action(command: Command) -> Action | None:
    return {
        Verb.ACCEPT: Action.ACCEPT,
        Verb.DECLINE: Action.REJECT,
        Verb.START: Action.START,
        Verb.DONE: Action.COMPLETE,
    }.get(command.verb)


def _mine(sender: Sender) -> object:
    """Tasks held by the sender's entries (or units), or offered to them and still open."""
    ids = list(sender.holder_ids())
    offered = select(ReferralOffer.referral_id).where(
        ReferralOffer.coordinator_id.in_(ids), ReferralOffer.state == "offered"
    )
    return or_(Referral.coordinator_id.in_(ids), Referral.id.in_(offered))


def _open(session: Session, sender: Sender) -> list[tuple[Referral, str]]:
    rows = session.execute(
        select(Referral, Case.tracking_code)
        .join(Case, Case.id == Referral.case_id)
        .where(_mine(sender), Referral.status.in_([s.value for s in WORKING]))  # type: ignore[arg-type]
        .order_by(Referral.created_at)
    ).all()
    return [(r, code) for r, code in rows]


def _applies(referral: Referral, action: Action | None) -> bool:
    if action is None:
        return True
    state = State(referral.status)
    if action is Action.START and state is State.ON_HOLD:
        action = Action.RESUME
    rule = lifecycle.TRANSITIONS.get((action, state))
    return rule is not None and Role.RECEIVER in rule[1]


def _target(
    session: Session,
    sender: Sender,
    command: Command,
    in_reply_to: str | None,
    action: Action | None,
) -> Referral:
    if command.code is not None:
        tasks = session.scalars(
            select(Referral)
            .join(Case, Case.id == Referral.case_id)
            .where(Case.tracking_code == command.code, _mine(sender))  # type: ignore[arg-type]
            .order_by(Referral.created_at.desc())
        ).all()
        if not tasks:
            raise Refused("not_yours", code=command.code)
        fitting = [t for t in tasks if _applies(t, action)]
        open_ = [t for t in tasks if State(t.status) in WORKING]
        return (fitting or open_ or list(tasks))[0]
    answered = _answered(session, sender, in_reply_to)
    if answered is not None:
        referral = session.get(Referral, answered)
        if referral is not None:
            if not _is_mine(session, sender, referral):
                code = session.get_one(Case, referral.case_id).tracking_code
                raise Refused("no_longer_yours", referral.id, code=code)
            return referral
    open_tasks = _open(session, sender)
    if not open_tasks:
        raise Refused("none_open")
    applicable = [(r, code) for r, code in open_tasks if _applies(r, action)]
    if len(applicable) == 1:
        return applicable[0][0]
    if len(open_tasks) == 1:
        return open_tasks[0][0]
    codes = [code for _, code in (applicable or open_tasks)]
    word = command.verb.value.upper() if command.language == "en" else _word_id(command.verb)
    return _ask_which(codes, f"{word} {codes[0]}")


def _ask_which(codes: list[str], example: str) -> Referral:
    shown = ", ".join(codes[:5]) + (" …" if len(codes) > 5 else "")
    raise Refused("which", codes=shown, example=example)


def _word_id(verb: Verb) -> str:
    from shared.domain.message_commands import WORDS

    return WORDS[verb][0][0]


def _answered(session: Session, sender: Sender, in_reply_to: str | None) -> uuid.UUID | None:
    """The task of the message a reply answers: a notification sent to one of the
    sender's entries, or an earlier reply to this sender."""
    if not in_reply_to:
        return None
    try:
        message_id = uuid.UUID(in_reply_to)
    except ValueError:
        return None
    notified = session.scalar(
        select(Notification.referral_id).where(
            Notification.id == message_id,
            Notification.coordinator_id.in_(list(sender.holder_ids())),
        )
    )
    if notified is not None:
        return notified
    return session.scalar(
        select(InboundMessage.referral_id).where(
            InboundMessage.id == message_id, InboundMessage.sender == sender.address
        )
    )


def _is_mine(session: Session, sender: Sender, referral: Referral) -> bool:
    if referral.coordinator_id in sender.holder_ids():
        return True
    return (
        session.scalar(
            select(ReferralOffer.coordinator_id).where(
                ReferralOffer.referral_id == referral.id,
                ReferralOffer.coordinator_id.in_(list(sender.holder_ids())),
                ReferralOffer.state == "offered",
            )
        )
        is not None
    )


def _acting(session: Session, sender: Sender, referral: Referral) -> Actor:
    """The sender's entry that holds (or was offered) the task."""
    for actor in sender.coordinators:
        if actor.acts_for(referral.coordinator_id):
            return actor
    for actor in sender.coordinators:
        offer = session.get(ReferralOffer, (referral.id, actor.coordinator_id))
        if offer is not None and offer.state == "offered":
            return actor
    return sender.coordinators[0]


def _my_tasks(session: Session, sender: Sender, language: str) -> Done:
    open_tasks = _open(session, sender)
    if not open_tasks:
        raise Refused("none_open")
    cases = {
        c.id: c
        for c in session.scalars(
            select(Case).where(Case.id.in_({r.case_id for r, _ in open_tasks}))
        )
    }
    lines = [
        wording.status_line(code, cases[r.case_id].category_code, r.status, language)
        for r, code in open_tasks[:5]
    ]
    if len(open_tasks) > 5:
        lines.append("…")
    return Done("status", "\n".join(lines))
