"""FastAPI dependencies as typed aliases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from services.intake.errors import refused
from services.intake.routing_schemas import RULES_MAX_BYTES
from shared.config import Settings
from shared.db import UowFactory, read_only
from shared.directory import SnapshotCache
from shared.rulestore import ActiveRules


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
    return x_correlation_id or uuid.uuid4().hex


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
UowFactoryDep = Annotated[UowFactory, Depends(get_uow_factory)]
SessionDep = Annotated[Session, Depends(get_session)]
ReadOnlySessionDep = Annotated[Session, Depends(get_read_only_session)]
DirectoryCacheDep = Annotated[SnapshotCache, Depends(get_directory_cache)]
ActiveRulesDep = Annotated[ActiveRules, Depends(get_active_rules)]
CorrelationIdDep = Annotated[str, Depends(get_correlation_id)]
RulesTextDep = Annotated[str, Depends(read_rules_text)]
