"""A signed-in principal as the rest of the code sees it: a workflow Actor."""

from __future__ import annotations

from shared.domain.actor import Actor
from shared.models import User


def actor_of(user: User) -> Actor:
    """A coordinator acts as its directory entry (its tasks are held by that id); everyone
    else as their username."""
    ident = str(user.coordinator_id) if user.role == "coordinator" else user.username
    return Actor(
        kind=user.role,
        id=ident,
        name=user.name,
        jurisdiction=user.jurisdiction,
        unit=str(user.unit_id) if user.unit_id else "",
        user=user.username,
    )
