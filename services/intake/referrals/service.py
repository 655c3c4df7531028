"""Submitting a referral: the case, its first timeline entry and CaseReceived, in one commit."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.intake.referrals.schemas import ReferralCreate, ReporterIn
from shared.db import UnitOfWork, UowFactory
from shared.domain import regions
from shared.domain.lifecycle import CaseStatus
from shared.domain.regions import Level
from shared.domain.tracking import new_tracking_code
from shared.duplicates import find as duplicates
from shared.events import CaseReceived
from shared.models import Case, Region
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event

log = logging.getLogger(__name__)

# Case.reported_by's length: an actor label always fits.
REPORTED_BY_MAX = 160
# Case.idempotency_key's length, and the part of it that names the sender (96 bits).
IDEMPOTENCY_KEY_MAX = 120
SENDER_TAG_LENGTH = 24


class InvalidReferral(ValueError):
    """The referral names something that does not exist (422), or a place the submitter
    may not file in (403); `field` says which part."""

    def __init__(
        self, field: tuple[str, ...], message: str, *, status: int = 422, kind: str = "not_found"
    ) -> None:
        super().__init__(message)
        self.field = field
        self.status = status
        self.kind = kind


class IdempotencyConflict(ValueError):
    """The Idempotency-Key was used before for a different request."""


@dataclass(frozen=True, slots=True)
class Submitted:
    case: Case
    replayed: bool
    # Open cases that may be the same person (the referral is stored and routed anyway).
    possible_duplicates: list[duplicates.Found] = field(default_factory=list)


# Called inside the referral's unit of work, after the case and its flags are written and
# before the commit: a caller's own record commits with the case or not at all.
OnStored = Callable[[Session, Case, list[duplicates.Found]], None]


def fingerprint(data: ReferralCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_referral(
    *,
    uow_factory: UowFactory,
    data: ReferralCreate,
    idempotency_key: str | None,
    correlation_id: str,
    today: date,
    reported_by: str | None = None,
    jurisdiction: str = "",
    duplicate_threshold: float = duplicates.DEFAULT_THRESHOLD,
    key_scope: str | None = None,
    on_stored: OnStored | None = None,
) -> Submitted:
    """Store the case and its CaseReceived event; a repeated key returns the first case.

    `reported_by` is the sender's actor label; without one, the reporter stands for it.
    An Idempotency-Key is the sender's own: the same key from another sender is another
    request. The village must lie in the sender's `jurisdiction` (empty: national).
    Every referral is checked for open cases of the same person (shared/duplicates/find.py)
    in the same commit; what it may duplicate is stored with it and returned.
    `key_scope` names whose key it is when not the sender's (an import's rows: the file's).
    """
    _check_jurisdiction(data, jurisdiction)
    digest = fingerprint(data)
    sender = reported_by or sender_label(data.reporter)
    key = scoped_key(key_scope or sender, idempotency_key) if idempotency_key else None
    for attempt in range(3):
        with uow_factory() as uow:
            # The key is looked up only after an insert met it (the idempotency check
            # folded into the insert): a first request costs no look-up.
            if key and attempt:
                earlier = _find_by_key(uow, key)
                if earlier is not None:
                    replayed = _replay(earlier, digest)
                    replayed.possible_duplicates[:] = duplicates.standing(uow.session, earlier.id)
                    return replayed
            try:
                case = _new_case(uow, data, key, digest, correlation_id, today, sender)
                found = duplicates.record(
                    uow.session, case, threshold=duplicate_threshold, today=today
                )
                if on_stored is not None:
                    on_stored(uow.session, case, found)
                uow.commit()
            except IntegrityError:
                # The key was used before (or by a concurrent request), or the tracking
                # code collided: look again.
                continue
            log.info("case %s received", case.id)
            if found:
                log.info("case %s: %d possible duplicates", case.id, len(found))
            return Submitted(case=case, replayed=False, possible_duplicates=found)
    raise RuntimeError("could not store the referral after 3 attempts")


@dataclass(frozen=True, slots=True)
class Item:
    data: ReferralCreate
    idempotency_key: str


Outcome = Submitted | InvalidReferral | IdempotencyConflict
# submit_many's on_stored: the item's index, then as OnStored.
OnStoredAt = Callable[[Session, int, Case, list[duplicates.Found]], None]


def submit_many(
    *,
    uow_factory: UowFactory,
    items: Sequence[Item],
    correlation_id: str,
    today: date,
    reported_by: str,
    jurisdiction: str = "",
    duplicate_threshold: float = duplicates.DEFAULT_THRESHOLD,
    key_scope: str | None = None,
    on_stored: OnStoredAt | None = None,
    before_commit: Callable[[Session], None] | None = None,
) -> list[Outcome]:
    """Several referrals of one sender in one commit (a batch of an import's rows), each
    by the rules of submit_referral: its key, its village and the sender's jurisdiction,
    its duplicate check (which sees the batch's earlier cases too). One item's refusal is
    its outcome and leaves the others alone. `on_stored` is called for each case stored
    (its item's index), `before_commit` once. Should the commit meet a concurrent writer
    (the same key, a tracking code taken), each item is submitted again on its own."""
    keys = [scoped_key(key_scope or reported_by, item.idempotency_key) for item in items]
    outcomes: list[Outcome] = []
    try:
        with uow_factory() as uow:
            session = uow.session
            earlier = {
                c.idempotency_key: c
                for c in session.scalars(select(Case).where(Case.idempotency_key.in_(keys)))
            }
            wanted = {item.data.village_code for item in items}
            villages = set(
                session.scalars(
                    select(Region.code).where(
                        Region.code.in_(wanted), Region.level == Level.VILLAGE
                    )
                )
            )
            stored: list[tuple[int, Case]] = []
            for item, key in zip(items, keys, strict=True):
                digest = fingerprint(item.data)
                try:
                    _check_jurisdiction(item.data, jurisdiction)
                    if key in earlier:
                        outcomes.append(_replay(earlier[key], digest))
                        continue
                    if item.data.village_code not in villages:
                        raise _unknown_village(item.data.village_code, ("village_code",))
                except (InvalidReferral, IdempotencyConflict) as refused:
                    outcomes.append(refused)
                    continue
                case = _new_case(
                    uow, item.data, key, digest, correlation_id, today, reported_by, batch=True
                )
                stored.append((len(outcomes), case))
                outcomes.append(Submitted(case=case, replayed=False))
            # The cases, their timeline entries and events in one INSERT each; then each
            # case's duplicate check in order, blind to the cases after it (as if they
            # had come one by one).
            session.flush()
            duplicates.lock_people(session, [case for _, case in stored])
            for place, (at, case) in enumerate(stored):
                later = frozenset(c.id for _, c in stored[place + 1 :])
                found = duplicates.record(
                    session,
                    case,
                    threshold=duplicate_threshold,
                    today=today,
                    later=later,
                    locked=True,
                )
                outcomes[at] = Submitted(case=case, replayed=False, possible_duplicates=found)
                if on_stored is not None:
                    on_stored(session, at, case, found)
            if before_commit is not None:
                before_commit(session)
            uow.commit()
    except IntegrityError:
        alone = [_submit_alone(uow_factory, item, index, correlation_id, today, reported_by,
                               jurisdiction, duplicate_threshold, key_scope, on_stored,
                               before_commit)
                 for index, item in enumerate(items)]  # fmt: skip
        return alone
    log.info("%d referrals received in one commit", len(items))
    return outcomes


def _submit_alone(
    uow_factory: UowFactory,
    item: Item,
    index: int,
    correlation_id: str,
    today: date,
    reported_by: str,
    jurisdiction: str,
    duplicate_threshold: float,
    key_scope: str | None,
    on_stored: OnStoredAt | None,
    before_commit: Callable[[Session], None] | None,
) -> Outcome:
    def stored(session: Session, case: Case, found: list[duplicates.Found]) -> None:
        if on_stored is not None:
            on_stored(session, index, case, found)
        if before_commit is not None:
            before_commit(session)

    try:
        return submit_referral(
            uow_factory=uow_factory,
            data=item.data,
            idempotency_key=item.idempotency_key,
            correlation_id=correlation_id,
            today=today,
            reported_by=reported_by,
            jurisdiction=jurisdiction,
            duplicate_threshold=duplicate_threshold,
            key_scope=key_scope,
            on_stored=stored,
        )
    except (InvalidReferral, IdempotencyConflict) as refused:
        return refused


def _check_jurisdiction(data: ReferralCreate, jurisdiction: str) -> None:
    if jurisdiction and not regions.is_within(data.village_code, jurisdiction):
        raise InvalidReferral(
            ("village_code",),
            f"{data.village_code} lies outside your jurisdiction ({jurisdiction}); "
            "refer the case to a case worker or supervisor there",
            status=403,
            kind="outside_jurisdiction",
        )


def _unknown_village(code: str, field: tuple[str, ...]) -> InvalidReferral:
    return InvalidReferral(field, f"unknown desa/kelurahan {code}")


def scoped_key(sender: str, idempotency_key: str) -> str:
    """The key as stored: the client's key, then a tag of the sender who chose it (the
    client's key stays readable at the start; one too long for the column is hashed)."""
    tag = hashlib.sha256(sender.encode()).hexdigest()[:SENDER_TAG_LENGTH]
    if len(idempotency_key) + 1 + SENDER_TAG_LENGTH > IDEMPOTENCY_KEY_MAX:
        idempotency_key = "sha256:" + hashlib.sha256(idempotency_key.encode()).hexdigest()
    return f"{idempotency_key}@{tag}"


def sender_label(reporter: ReporterIn) -> str:
    """The case worker who reported, as an actor label: by e-mail, else by name."""
    return f"case_worker:{reporter.email or reporter.name}"[:REPORTED_BY_MAX]


def possible_duplicates(
    uow_factory: UowFactory,
    data: ReferralCreate,
    *,
    threshold: float,
    today: date,
    reported_by: str,
    idempotency_key: str | None,
) -> list[duplicates.Found]:
    """The open cases a referral may duplicate, before it is sent (the form's warning);
    none for a form sent again (its Idempotency-Key was used: it is the same referral)."""
    probe = duplicates.Probe(
        name=data.beneficiary.name,
        village_code=data.village_code,
        nik=data.beneficiary.nik,
        birth_date=data.beneficiary.birth_date,
        category=data.category,
    )
    with uow_factory() as uow:
        if idempotency_key and _find_by_key(uow, scoped_key(reported_by, idempotency_key)):
            return []
        return duplicates.find(uow.session, probe, threshold=threshold, today=today)


def require_village(session: Session, code: str, *, field: tuple[str, ...]) -> None:
    """The code is a desa/kelurahan in the region list, or InvalidReferral names `field`."""
    village = session.get(Region, code)
    if village is None or village.level != Level.VILLAGE:
        raise _unknown_village(code, field)


def _find_by_key(uow: UnitOfWork, key: str) -> Case | None:
    return find_by_key(uow.session, key)


def find_by_key(session: Session, key: str) -> Case | None:
    """The case stored under an idempotency key as stored (scoped_key)."""
    return session.scalar(select(Case).where(Case.idempotency_key == key))


def _replay(earlier: Case, digest: str) -> Submitted:
    if earlier.request_fingerprint != digest:
        raise IdempotencyConflict(
            "Idempotency-Key was already used for a different referral; use a new key"
        )
    return Submitted(case=earlier, replayed=True)


def _new_case(
    uow: UnitOfWork,
    data: ReferralCreate,
    idempotency_key: str | None,
    digest: str,
    correlation_id: str,
    today: date,
    reported_by: str,
    *,
    batch: bool = False,
) -> Case:
    """The case, its first timeline entry and CaseReceived, added to the unit of work (in
    a `batch`, the caller has checked the village and flushes the whole batch)."""
    if not batch:
        require_village(uow.session, data.village_code, field=("village_code",))
    case = Case(
        id=uuid.uuid4(),
        tracking_code=new_tracking_code(today=today),
        status=CaseStatus.RECEIVED,
        category_code=data.category,
        village_code=data.village_code,
        urgency=data.urgency.value,
        description=data.description,
        needs=[n.value for n in data.needs],
        disaster_scope=data.disaster_scope.value if data.disaster_scope else None,
        beneficiary_name=data.beneficiary.name,
        beneficiary_nik=data.beneficiary.nik,
        beneficiary_birth_date=data.beneficiary.birth_date,
        beneficiary_sex=data.beneficiary.sex,
        reporter_name=data.reporter.name,
        reporter_organisation=data.reporter.organisation,
        reporter_phone=data.reporter.phone,
        reporter_email=data.reporter.email,
        reported_by=reported_by,
        legal_basis=data.legal_basis,
        idempotency_key=idempotency_key,
        request_fingerprint=digest,
        correlation_id=correlation_id,
    )
    uow.session.add(case)
    if not batch:
        uow.session.flush()
    add_case_event(
        uow.session,
        case_id=case.id,
        kind="case_received",
        actor=data.reporter.organisation or data.reporter.name,
        data={"tracking_code": case.tracking_code, "urgency": case.urgency},
    )
    add_event(uow.session, CaseReceived(case_id=case.id), correlation_id=correlation_id)
    return case
