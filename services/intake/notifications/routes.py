"""Dead letters: notifications no channel could deliver, and sending one again."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.intake.deps import ActorDep, CorrelationIdDep, SessionDep, UowFactoryDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.notifications import service
from services.intake.notifications.schemas import NotificationRead
from shared.notifications import dead_letters

router = APIRouter(route_class=GuardedRoute, prefix="/notifications", tags=["supervision"])

NotificationId = Annotated[uuid.UUID, Path(description="The notification's id")]
Limit = Annotated[int, Query(ge=1, le=500)]

_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Only a supervisor or an admin may replay a notification"},
    404: {"description": "No such notification"},
    409: {"description": "The notification is not dead or failed"},
}


@router.get("/dead", response_model=list[NotificationRead])
def list_dead_notifications(session: SessionDep, limit: Limit = 100) -> list[NotificationRead]:
    """Notifications that ran out of attempts or were refused for good, newest first."""
    return service.dead_notifications(session, limit=limit)


@router.post(
    "/{notification_id}/replay",
    response_model=NotificationRead,
    status_code=202,
    responses=_REFUSALS,
)
def replay_notification(
    notification_id: NotificationId,
    uow_factory: UowFactoryDep,
    actor: ActorDep,
    correlation_id: CorrelationIdDep,
) -> NotificationRead:
    """Send a dead or failed notification again, with the same id (receivers dedupe on it).
    The notify worker picks it up through the outbox."""
    try:
        return service.replay(
            uow_factory=uow_factory,
            notification_id=notification_id,
            actor=actor,
            correlation_id=correlation_id,
        )
    except dead_letters.NotificationNotFound as exc:
        raise refused(404, ["path", "notification_id"], str(exc), "not_found") from None
    except dead_letters.NotReplayable as exc:
        raise refused(409, ["path", "notification_id"], str(exc), "conflict") from None
