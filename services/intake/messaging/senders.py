"""Who sent a message: the coordinators whose directory phone (or Telegram chat) it is,
and the account whose registered phone it is. Nobody else may do anything by message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain import phone as phones
from shared.domain.actor import Actor
from shared.models import Coordinator, User

# Accounts that may report a case, by message as on the API (POST /api/v1/referrals).
REPORTERS = ("case_worker", "supervisor")


@dataclass(frozen=True, slots=True)
class Reporter:
    username: str
    name: str
    role: str
    jurisdiction: str
    phone: str

    @property
    def label(self) -> str:
        return f"{self.role}:{self.username}"


@dataclass(frozen=True, slots=True)
class Sender:
    address: str
    channel: str
    # Active directory entries with this phone or chat, each as the actor it acts as.
    coordinators: tuple[Actor, ...] = ()
    reporter: Reporter | None = None
    language: str = "id"
    _ids: frozenset[uuid.UUID] = field(default=frozenset())

    @property
    def known(self) -> bool:
        return bool(self.coordinators) or self.reporter is not None

    @property
    def kind(self) -> str:
        if self.coordinators:
            return "coordinator"
        return "case_worker" if self.reporter is not None else "unknown"

    @property
    def ref(self) -> str:
        if self.coordinators:
            return ",".join(a.id for a in self.coordinators)[:80]
        return self.reporter.username if self.reporter is not None else ""

    def holder_ids(self) -> frozenset[uuid.UUID]:
        """The directory entries (and their units) whose tasks this sender may work."""
        return self._ids


def find(session: Session, *, channel: str, address: str) -> Sender:
    if channel == "telegram":
        match = Coordinator.telegram_chat_id == address
    else:
        match = Coordinator.phone_key == address
    coordinators = session.scalars(
        select(Coordinator).where(match, Coordinator.active.is_(True)).order_by(Coordinator.id)
    ).all()
    units = {
        coordinator_id: unit_id
        for coordinator_id, unit_id in session.execute(
            select(User.coordinator_id, User.unit_id).where(
                User.coordinator_id.in_([c.id for c in coordinators]),
                User.unit_id.is_not(None),
                User.active.is_(True),
            )
        )
    }
    actors = tuple(
        Actor(
            "coordinator",
            str(c.id),
            c.name,
            jurisdiction=c.region_code,
            unit=str(units[c.id]) if c.id in units else "",
            # Written into the audit trail (audit.actor_label): the number masked there.
            user=f"{channel}:{phones.masked(address)}"[:80],
        )
        for c in coordinators
    )
    reporter = None
    if channel != "telegram":
        user = session.scalar(
            select(User).where(
                User.phone == address, User.active.is_(True), User.role.in_(REPORTERS)
            )
        )
        if user is not None:
            reporter = Reporter(
                user.username, user.name, user.role, user.jurisdiction, user.phone or address
            )
    ids = frozenset(c.id for c in coordinators) | {u for u in units.values() if u is not None}
    language = coordinators[0].language if coordinators else "id"
    return Sender(
        address, channel, actors, reporter, language if language in ("id", "en") else "id", ids
    )
