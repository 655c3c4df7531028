"""The audit trail: who read or changed what personal data, when, and on what basis."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.domain.actor import Actor
from shared.models import AuditEntry


@dataclass(slots=True)
class Access:
    """One request's access to records, filled in while it is served and written once
    its answer is known."""

    actor: Actor
    action: str
    object_type: str
    route: str
    basis: str
    object_ids: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def touch(self, ids: Iterable[object], *, basis: str | None = None) -> None:
        self.object_ids.extend(str(i) for i in ids)
        if basis is not None:
            self.basis = basis


def actor_label(actor: Actor) -> str:
    """The label with the account behind it, when they differ (a coordinator's entry)."""
    if actor.user and actor.user != actor.id:
        return f"{actor.label} ({actor.user})"[:160]
    return actor.label[:160]


def record(
    session: Session,
    access: Access,
    *,
    status: int,
    now: datetime,
    correlation_id: str = "",
    client: str = "",
) -> None:
    """One row per record touched (one with an empty id when the request named none)."""
    for object_id in access.object_ids or [""]:
        _add(
            session,
            now=now,
            actor=actor_label(access.actor),
            role=access.actor.kind,
            action=access.action,
            object_type=access.object_type,
            object_id=object_id,
            basis=access.basis,
            route=access.route,
            status=status,
            correlation_id=correlation_id,
            client=client,
            data=access.data,
        )


def security_event(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    object_type: str,
    object_id: str,
    now: datetime,
    client: str = "",
    correlation_id: str = "",
) -> None:
    """A sign-in, a throttled attempt, a key issued or revoked: events about accounts."""
    _add(
        session,
        now=now,
        actor=actor,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        basis="account security",
        route="",
        status=0,
        correlation_id=correlation_id,
        client=client,
        data={},
    )


def _add(
    session: Session,
    *,
    now: datetime,
    actor: str,
    role: str,
    action: str,
    object_type: str,
    object_id: str,
    basis: str,
    route: str,
    status: int,
    correlation_id: str,
    client: str,
    data: dict[str, Any],
) -> None:
    """A row, each text cut to its column."""
    session.add(
        AuditEntry(
            occurred_at=now,
            actor=actor[:160],
            role=role[:16],
            action=action[:24],
            object_type=object_type[:24],
            object_id=object_id[:64],
            basis=basis[:80],
            route=route[:160],
            status=status,
            correlation_id=correlation_id[:64],
            client=client[:64],
            data=data,
        )
    )
