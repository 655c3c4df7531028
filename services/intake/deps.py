"""FastAPI dependencies as typed aliases.

Who is acting: authentication comes in a later issue. Until then the actor is taken on
trust from two headers, read in one place (`get_optional_actor`) so that authentication
can replace it without touching a route:

    X-Sekber-Actor: <kind>:<id>     kind coordinator, case_worker or supervisor; a
                                    coordinator's id is its UUID in the directory, a case
                                    worker's is their e-mail address (or name)
    X-Sekber-Actor-Name: <name>     optional, shown on the case timeline

The workflow endpoints answer 401 naming the header when it is missing or malformed.
Anyone who can reach the API can claim to be anyone: deployments must keep it behind a
trusted network until then.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from services.intake.errors import refused
from services.intake.routing_schemas import RULES_MAX_BYTES
from shared import logcontext
from shared.config import Settings
from shared.db import UowFactory, read_only
from shared.directory import SnapshotCache
from shared.domain.deadlines import DeadlinePolicy
from shared.rulestore import ActiveRules
from shared.workflow import Actor

ACTOR_HEADER = "X-Sekber-Actor"
ACTOR_NAME_HEADER = "X-Sekber-Actor-Name"
ACTOR_KINDS = ("coordinator", "case_worker", "supervisor")
# The label "<kind>:<id>" is stored as a case's sender (160 characters at most).
_ACTOR_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,148}$")
_ACTOR_NAME = re.compile(r"^[^\x00-\x1f\x7f]{0,160}$")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_uow_factory(request: Request) -> UowFactory:
    factory: UowFactory = request.app.state.uow_factory
    return factory


def get_session(request: Request) -> Iterator[Session]:
    """A read-only session; writes go through a unit of work in the use case."""
    with get_uow_factory(request)() as uow:
        yield uow.session


def get_read_only_session(request: Request) -> Iterator[Session]:
    """A session whose transaction refuses writes (on PostgreSQL) and is never committed."""
    with get_uow_factory(request)() as uow:
        read_only(uow.session)
        yield uow.session


def get_directory_cache(request: Request) -> SnapshotCache:
    cache: SnapshotCache = request.app.state.directory
    return cache


def get_active_rules(request: Request) -> ActiveRules:
    rules: ActiveRules = request.app.state.rules
    return rules


RULES_MEDIA_TYPES = ("application/toml", "text/plain", "application/octet-stream")


async def read_rules_text(request: Request) -> str:
    """The raw request body as a TOML rule set: UTF-8 text of at most 256 KiB."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in RULES_MEDIA_TYPES:
        raise refused(
            415,
            ["header", "Content-Type"],
            f"send the rules as {', '.join(RULES_MEDIA_TYPES)}",
            "unsupported_media_type",
        )
    body = await request.body()
    if len(body) > RULES_MAX_BYTES:
        raise refused(413, ["body"], f"rules larger than {RULES_MAX_BYTES} bytes", "too_large")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refused(
            422, ["body", "rules"], f"not UTF-8 text (byte {exc.start})", "invalid_rules"
        ) from None


def get_correlation_id(
    x_correlation_id: Annotated[str | None, Header(max_length=64)] = None,
) -> str:
    """The request's correlation id, as the CorrelationId middleware chose it."""
    return logcontext.current() or x_correlation_id or uuid.uuid4().hex


def get_deadline_policy(request: Request) -> DeadlinePolicy:
    policy: DeadlinePolicy = request.app.state.deadlines
    return policy


def get_now(request: Request) -> datetime:
    """The request's clock (UTC); tests move it through app.state.clock."""
    now: datetime = request.app.state.clock()
    return now


def _unauthenticated(header: str, msg: str) -> Exception:
    return refused(401, ["header", header], msg, "unauthenticated")


def get_optional_actor(
    actor: Annotated[
        str | None,
        Header(
            alias=ACTOR_HEADER,
            description="Who acts, as <kind>:<id> (coordinator, case_worker or supervisor); "
            "a stopgap until authentication",
        ),
    ] = None,
    actor_name: Annotated[
        str | None,
        Header(alias=ACTOR_NAME_HEADER, description="The actor's name for the timeline"),
    ] = None,
) -> Actor | None:
    """The actor the headers claim, or None without X-Sekber-Actor.

    The name is empty when X-Sekber-Actor-Name is absent: the use case then takes a
    coordinator's name from the directory, or shows the label.
    """
    if actor is None:
        return None
    kind, colon, ident = actor.strip().partition(":")
    ident = ident.strip()
    if not colon or kind not in ACTOR_KINDS or not _ACTOR_ID.match(ident):
        raise _unauthenticated(
            ACTOR_HEADER, f"must be <kind>:<id> with kind one of {', '.join(ACTOR_KINDS)}"
        )
    if kind == "coordinator":
        try:
            ident = str(uuid.UUID(ident))
        except ValueError:
            raise _unauthenticated(ACTOR_HEADER, "a coordinator's id is its UUID") from None
    name = (actor_name or "").strip()
    if not _ACTOR_NAME.match(name):
        raise _unauthenticated(ACTOR_NAME_HEADER, "at most 160 characters, no control characters")
    return Actor(kind, ident, name)


def get_actor(actor: Annotated[Actor | None, Depends(get_optional_actor)]) -> Actor:
    if actor is None:
        raise _unauthenticated(
            ACTOR_HEADER, "say who acts: X-Sekber-Actor: <kind>:<id>, e.g. coordinator:<uuid>"
        )
    return actor


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
UowFactoryDep = Annotated[UowFactory, Depends(get_uow_factory)]
SessionDep = Annotated[Session, Depends(get_session)]
ReadOnlySessionDep = Annotated[Session, Depends(get_read_only_session)]
DirectoryCacheDep = Annotated[SnapshotCache, Depends(get_directory_cache)]
ActiveRulesDep = Annotated[ActiveRules, Depends(get_active_rules)]
CorrelationIdDep = Annotated[str, Depends(get_correlation_id)]
RulesTextDep = Annotated[str, Depends(read_rules_text)]
DeadlinePolicyDep = Annotated[DeadlinePolicy, Depends(get_deadline_policy)]
NowDep = Annotated[datetime, Depends(get_now)]
ActorDep = Annotated[Actor, Depends(get_actor)]
OptionalActorDep = Annotated[Actor | None, Depends(get_optional_actor)]
