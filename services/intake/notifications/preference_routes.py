"""A coordinator's own notification preferences: which event types reach them on which
channel, quiet hours, and the daily digest of low-urgency alerts. Notify honours them
(shared/domain/notice.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.intake.deps import ActorDep, SessionDep, UowFactoryDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.notifications import service
from services.intake.notifications.preference_schemas import (
    NotificationPreferencesRead,
    NotificationPreferencesWrite,
)
from shared.domain.actor import Actor
from shared.domain.notice import INAPP

router = APIRouter(route_class=GuardedRoute, prefix="/me", tags=["notifications"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Only a coordinator has notification preferences"},
    422: {"description": "A field is invalid; the answer names it"},
}


def _recipient(actor: Actor) -> str:
    if actor.coordinator_id is None:
        raise refused(
            403,
            ["header", "Authorization"],
            "notification preferences are a coordinator's",
            "forbidden",
        )
    return str(actor.coordinator_id)


@router.get(
    "/notification-preferences", response_model=NotificationPreferencesRead, responses=_REFUSALS
)
def read_preferences(session: SessionDep, actor: ActorDep) -> NotificationPreferencesRead:
    """Everything is on until switched off; no quiet hours; the digest is on."""
    return service.read_preferences(session, recipient=_recipient(actor))


@router.put(
    "/notification-preferences", response_model=NotificationPreferencesRead, responses=_REFUSALS
)
def write_preferences(
    body: NotificationPreferencesWrite, uow_factory: UowFactoryDep, actor: ActorDep
) -> NotificationPreferencesRead:
    recipient = _recipient(actor)
    for index, switch in enumerate(body.preferences):
        if switch.channel == INAPP and not switch.enabled:
            raise refused(
                422,
                ["body", "preferences", str(index), "enabled"],
                "the in-app inbox is the record and cannot be switched off",
                "value_error",
            )
    for name, value in (("quiet_from", body.quiet_from), ("quiet_to", body.quiet_to)):
        if value is not None and value.tzinfo is not None:
            raise refused(
                422,
                ["body", name],
                "a local time (WIB) without an offset, e.g. 21:00",
                "value_error",
            )
    if (body.quiet_from is None) != (body.quiet_to is None):
        missing = "quiet_to" if body.quiet_to is None else "quiet_from"
        raise refused(422, ["body", missing], "give quiet_from and quiet_to together", "missing")
    return service.save_preferences(
        uow_factory=uow_factory,
        recipient=recipient,
        switches=body.preferences,
        quiet_from=body.quiet_from,
        quiet_to=body.quiet_to,
        digest_low_urgency=body.digest_low_urgency,
    )
