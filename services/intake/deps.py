"""FastAPI dependencies as typed aliases.

Who is acting comes from services/intake/access/guard.py (credentials checked against the
route's access rule); the sessions routes read through see only what that actor may see
(services/intake/access/scope.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from services.intake.access import scope
from services.intake.access.guard import authorize, unauthenticated
from shared.config import Settings
from shared.db import UowFactory, read_only
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.routing.directory import SnapshotCache
from shared.routing.rulestore import ActiveRules
from shared.runtime import logcontext


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_uow_factory(request: Request) -> UowFactory:
    factory: UowFactory = request.app.state.uow_factory
    return factory


def get_session(
    request: Request, actor: Annotated[Actor | None, Depends(authorize)]
) -> Iterator[Session]:
    """A session for reading, limited to what the actor may see; writes go through a unit
    of work in the use case."""
    with get_uow_factory(request)() as uow:
        yield scope.bind(uow.session, actor)


def get_read_only_session(
    request: Request, actor: Annotated[Actor | None, Depends(authorize)]
) -> Iterator[Session]:
    """A scoped session whose transaction refuses writes (on PostgreSQL), never committed."""
    with get_uow_factory(request)() as uow:
        read_only(uow.session)
        yield scope.bind(uow.session, actor)


def get_directory_cache(request: Request) -> SnapshotCache:
    cache: SnapshotCache = request.app.state.directory
    return cache


def get_active_rules(request: Request) -> ActiveRules:
    rules: ActiveRules = request.app.state.rules
    return rules


async def read_body(request: Request) -> bytes:
    """The request body, read on the event loop (the guard has checked it already), so
    that the route itself can be a plain function run in the thread pool."""
    return await request.body()


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


def get_optional_actor(actor: Annotated[Actor | None, Depends(authorize)]) -> Actor | None:
    """The signed-in actor, or None on a public route called without credentials."""
    return actor


def get_actor(actor: Annotated[Actor | None, Depends(authorize)]) -> Actor:
    if actor is None:
        raise unauthenticated("Authorization", "sign in: send 'Bearer <access token>'")
    return actor


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
UowFactoryDep = Annotated[UowFactory, Depends(get_uow_factory)]
SessionDep = Annotated[Session, Depends(get_session)]
ReadOnlySessionDep = Annotated[Session, Depends(get_read_only_session)]
DirectoryCacheDep = Annotated[SnapshotCache, Depends(get_directory_cache)]
ActiveRulesDep = Annotated[ActiveRules, Depends(get_active_rules)]
CorrelationIdDep = Annotated[str, Depends(get_correlation_id)]
BodyDep = Annotated[bytes, Depends(read_body)]
DeadlinePolicyDep = Annotated[DeadlinePolicy, Depends(get_deadline_policy)]
NowDep = Annotated[datetime, Depends(get_now)]
ActorDep = Annotated[Actor, Depends(get_actor)]
OptionalActorDep = Annotated[Actor | None, Depends(get_optional_actor)]
