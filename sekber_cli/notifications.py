"""Dead letters from the command line: send a dead or failed notification again."""

from __future__ import annotations

import getpass
import uuid
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("notifications-replay")(notifications_replay)


def notifications_replay(
    notification_id: Annotated[uuid.UUID, typer.Argument(help="The notification's id")],
    actor: Annotated[str | None, typer.Option(help="Who asks (default: you)")] = None,
) -> None:
    """Send a dead or failed notification again.

    Sets it back to pending; the notify worker sends it again with the same id once the
    relay publishes the request."""
    from shared.config import get_settings
    from shared.db import uow_factory_for
    from shared.domain.actor import Actor
    from shared.notifications import dead_letters

    who = actor or _whoami()
    with uow_factory_for(get_settings().database_url)() as uow:
        try:
            note = dead_letters.replay(
                uow.session,
                notification_id=notification_id,
                actor=Actor("supervisor", who, who),
                correlation_id=uuid.uuid4().hex,
            )
        except (dead_letters.NotificationNotFound, dead_letters.NotReplayable) as exc:
            typer.echo(f"refused: {exc}", err=True)
            raise typer.Exit(code=2) from None
        channel = note.channel
        uow.commit()
    typer.echo(f"Notification {notification_id} ({channel}) will be sent again.")


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"
