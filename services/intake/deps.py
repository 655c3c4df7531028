"""FastAPI dependencies as typed aliases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import UowFactory


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


def get_correlation_id(
    x_correlation_id: Annotated[str | None, Header(max_length=64)] = None,
) -> str:
    return x_correlation_id or uuid.uuid4().hex


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
UowFactoryDep = Annotated[UowFactory, Depends(get_uow_factory)]
SessionDep = Annotated[Session, Depends(get_session)]
CorrelationIdDep = Annotated[str, Depends(get_correlation_id)]
