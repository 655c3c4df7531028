"""Reading one inbound message and answering it, once.

The message row is the guard: it is acted on only while its state is `received`, and the
action, the answer, its audit entry and the MessageAnswered event (notify sends the reply)
are written in one commit with the state set to `answered`. A redelivered event, or two
workers at once, find the row answered and do nothing.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.messaging import reporting, senders, tasking, wording
from services.intake.messaging.senders import Sender
from services.intake.messaging.throttle import SenderThrottle
from shared.accounts import audit
from shared.casework import workflow
from shared.db import UowFactory
from shared.domain import lifecycle
from shared.domain import phone as phones
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.message_commands import Command, Unreadable, Verb, parse
from shared.events import MessageAnswered
from shared.models import Case, InboundMessage
from shared.models.base import utcnow
from shared.outbox.store import add_event

log = logging.getLogger(__name__)
TASK_VERBS = frozenset({Verb.ACCEPT, Verb.DECLINE, Verb.START, Verb.DONE, Verb.NOTE})


@dataclass(frozen=True)
class Messaging:
    """What the handler needs, built once per worker."""

    uow_factory: UowFactory
    policy: DeadlinePolicy
    throttle: SenderThrottle | None = None
    duplicate_threshold: float = 0.85
    clock: Callable[[], datetime] = utcnow


@dataclass(frozen=True, slots=True)
class Incoming:
    id: uuid.UUID
    gateway_id: str
    channel: str
    address: str
    text: str
    in_reply_to: str | None
    correlation_id: str


@dataclass(frozen=True, slots=True)
class Answer:
    outcome: str
    reply: str | None
    language: str
    command: str | None = None
    case_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None


class AlreadyAnswered(Exception):
    """Another delivery of the event answered the message first."""


def handle(ctx: Messaging, message_id: uuid.UUID) -> None:
    """Act on the message and stage its reply, unless that was done before."""
    found = _load(ctx, message_id)
    if found is None:
        return
    try:
        _handle(ctx, *found)
    except AlreadyAnswered:
        log.info("message %s was answered by another delivery", message_id)


def give_up(ctx: Messaging, message_id: uuid.UUID) -> None:
    """End a message that failed every time it was handled (a bug to fix, seen in the
    log): recorded and audited as `failed`, and a known sender is told to try again, so
    that it holds back neither the sweep nor the person waiting for an answer."""
    found = _load(ctx, message_id)
    if found is None:
        return
    incoming, sender = found
    reply = wording.pick(wording.NOT_PROCESSED, sender.language) if sender.known else None
    with contextlib.suppress(AlreadyAnswered):
        _write(ctx, incoming, sender, Answer("failed", reply, sender.language), now=ctx.clock())


def _load(ctx: Messaging, message_id: uuid.UUID) -> tuple[Incoming, Sender] | None:
    """The message and who sent it, while it waits to be handled."""
    with ctx.uow_factory() as uow:
        row = uow.session.get(InboundMessage, message_id)
        if row is None or row.state != "received":
            return None
        incoming = Incoming(
            row.id,
            row.gateway_id,
            row.channel,
            row.sender,
            row.text,
            row.in_reply_to,
            row.correlation_id,
        )
        return incoming, senders.find(uow.session, channel=row.channel, address=row.sender)


def _handle(ctx: Messaging, incoming: Incoming, sender: Sender) -> None:
    now = ctx.clock()
    if ctx.throttle is not None and not ctx.throttle.allow(incoming.address):
        _write(ctx, incoming, sender, Answer("throttled", None, sender.language), now=now)
        return
    if not sender.known:
        first = ctx.throttle is None or ctx.throttle.first_neutral_answer_today(incoming.address)
        reply = wording.pick(wording.NEUTRAL, "id") if first else None
        _write(ctx, incoming, sender, Answer("unknown_sender", reply, "id"), now=now)
        return
    try:
        command = parse(incoming.text)
    except Unreadable as exc:
        language = exc.language or sender.language
        _write(ctx, incoming, sender, _unreadable(exc, sender, language), now=now)
        return
    language = _language(command, sender)
    verb = command.verb
    if verb is Verb.REPORT:
        _report(ctx, incoming, sender, command, language, now=now)
        return
    if verb is Verb.HELP or verb is Verb.THANKS:
        text = (
            wording.help_text(
                language,
                coordinator=bool(sender.coordinators),
                reporter=sender.reporter is not None,
            )
            if verb is Verb.HELP
            else wording.pick(wording.THANKS, language)
        )
        _write(ctx, incoming, sender, Answer(verb.value, text, language, verb.value), now=now)
        return
    if not sender.coordinators:
        if verb is Verb.STATUS and command.code is not None:
            _write(ctx, incoming, sender, _case_status(ctx, sender, command, language), now=now)
            return
        _write(ctx, incoming, sender, _refused("coordinators_only", language, verb), now=now)
        return
    _task_command(ctx, incoming, sender, command, language, now=now)


def _task_command(
    ctx: Messaging,
    incoming: Incoming,
    sender: Sender,
    command: Command,
    language: str,
    *,
    now: datetime,
) -> None:
    refusal: Answer
    try:
        with ctx.uow_factory() as uow:
            _lock(uow.session, incoming.id)
            done = tasking.run(
                uow.session,
                sender=sender,
                command=command,
                in_reply_to=incoming.in_reply_to,
                language=language,
                now=now,
                policy=ctx.policy,
            )
            answer = Answer(
                done.outcome,
                done.reply,
                language,
                command.verb.value,
                done.case_id,
                done.referral_id,
            )
            _answer(uow.session, incoming, sender, answer, now=now)
            uow.commit()
            return
    except tasking.Refused as exc:
        refusal = _refused(exc.problem, language, command.verb, **exc.words)
        refusal = replace(refusal, referral_id=exc.referral_id)
    except workflow.StaleVersion:
        refusal = _refused("changed", language, command.verb, code=command.code or "")
    except lifecycle.TransitionError as exc:
        refusal = _refused("not_yours", language, command.verb, code=command.code or "")
        refusal = replace(refusal, outcome=f"refused:{exc.kind}")
    _write(ctx, incoming, sender, refusal, now=now)


def _report(
    ctx: Messaging,
    incoming: Incoming,
    sender: Sender,
    command: Command,
    language: str,
    *,
    now: datetime,
) -> None:
    reporter = sender.reporter
    if reporter is None or command.report is None:
        _write(ctx, incoming, sender, _refused("reporters_only", language, Verb.REPORT), now=now)
        return
    try:
        data = reporting.referral_of(command.report, reporter)

        def answered(session: Session, case: Case) -> None:
            _lock(session, incoming.id)
            reply = wording.reported(case.tracking_code, language)
            _answer(
                session,
                incoming,
                sender,
                Answer("case_created", reply, language, "report", case.id),
                now=now,
            )

        submitted = reporting.submit(
            uow_factory=ctx.uow_factory,
            data=data,
            reporter=reporter,
            message_key=f"message:{incoming.gateway_id}",
            correlation_id=incoming.correlation_id,
            today=date.today(),
            duplicate_threshold=ctx.duplicate_threshold,
            on_stored=answered,
        )
    except reporting.ReportRefused as exc:
        answer = Answer(
            f"refused:{exc.field}", reporting.refused_text(exc, language), language, "report"
        )
        _write(ctx, incoming, sender, answer, now=now)
        return
    if submitted.replayed:
        # The case was stored with this message's answer by an earlier delivery.
        raise AlreadyAnswered()


def _case_status(ctx: Messaging, sender: Sender, command: Command, language: str) -> Answer:
    assert sender.reporter is not None
    with ctx.uow_factory() as uow:
        case = uow.session.scalar(
            select(Case).where(
                Case.tracking_code == command.code, Case.reported_by == sender.reporter.label
            )
        )
        if case is None:
            return _refused("case_not_yours", language, Verb.STATUS, code=command.code or "")
        line = wording.status_line(case.tracking_code, case.category_code, case.status, language)
        return Answer("status", line, language, "status", case.id)


def _unreadable(exc: Unreadable, sender: Sender, language: str) -> Answer:
    if exc.problem in ("reason_missing", "outcome_missing", "text_missing"):
        if not sender.coordinators:
            return _refused("coordinators_only", language)
        return _refused(exc.problem, language)
    if exc.field and exc.field != "command":
        if sender.reporter is None:
            return _refused("reporters_only", language)
        return Answer(
            f"refused:{exc.field}", wording.report_refused(exc.field, language), language, "report"
        )
    return Answer("refused:unknown_word", wording.pick(wording.UNKNOWN_WORD, language), language)


def _refused(problem: str, language: str, verb: Verb | None = None, /, **words: str) -> Answer:
    """The answer to a command that is not done: why, and what to send instead (`words`
    fill the refusal's text, e.g. code=, verb=)."""
    return Answer(
        f"refused:{problem}",
        wording.refusal(problem, language, **words),
        language,
        verb.value if verb is not None else None,
    )


def _language(command: Command, sender: Sender) -> str:
    """The coordinator's language; a case worker's is that of the words they used."""
    if sender.coordinators:
        return sender.language
    return command.language or "id"


def _write(
    ctx: Messaging, incoming: Incoming, sender: Sender, answer: Answer, *, now: datetime
) -> None:
    with ctx.uow_factory() as uow:
        _lock(uow.session, incoming.id)
        _answer(uow.session, incoming, sender, answer, now=now)
        uow.commit()


def _lock(session: Session, message_id: uuid.UUID) -> InboundMessage:
    row = session.scalar(
        select(InboundMessage).where(InboundMessage.id == message_id).with_for_update()
    )
    if row is None or row.state != "received":
        raise AlreadyAnswered()
    return row


def _answer(
    session: Session, incoming: Incoming, sender: Sender, answer: Answer, *, now: datetime
) -> None:
    """The message's outcome and reply, its audit entry and (with a reply) MessageAnswered,
    in the caller's transaction."""
    row = session.get_one(InboundMessage, incoming.id)
    row.state = "answered" if answer.reply else "ignored"
    row.sender_kind = sender.kind
    row.sender_ref = sender.ref or None
    row.command = answer.command
    row.outcome = answer.outcome[:40]
    row.case_id = answer.case_id
    row.referral_id = answer.referral_id
    row.handled_at = now
    row.language = answer.language
    row.reply_text = answer.reply
    row.reply_state = "pending" if answer.reply else None
    actor = (
        sender.coordinators[0]
        if sender.coordinators
        else Actor(
            sender.reporter.role if sender.reporter else "unknown",
            sender.reporter.username if sender.reporter else phones.masked(incoming.address),
            sender.reporter.name if sender.reporter else "",
        )
    )
    objects = [str(incoming.id)] + [str(i) for i in (answer.case_id, answer.referral_id) if i]
    audit.record(
        session,
        audit.Access(
            actor=actor,
            action=f"message_{answer.command or 'none'}"[:24],
            object_type="inbound_message",
            route=f"gateway:{incoming.channel}",
            basis=f"sender {sender.kind}"[:80],
            object_ids=objects,
            data={
                "gateway_id": incoming.gateway_id,
                "outcome": answer.outcome,
                "from": phones.masked(incoming.address),
            },
        ),
        status=0,
        now=now,
        correlation_id=incoming.correlation_id,
        client=f"{incoming.channel}:{phones.masked(incoming.address)}",
    )
    if answer.reply:
        add_event(
            session, MessageAnswered(message_id=incoming.id), correlation_id=incoming.correlation_id
        )
