"""The intake service: the HTTP edge of Sekber."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake import errors
from services.intake.api import cases, health, reference, referrals
from services.intake.limits import BodySizeLimit
from shared.config import Settings, get_settings
from shared.db import uow_factory_for


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Sekber API",
        version="0.1.0",
        description="Sekretariat Bersama pilar-pilar sosial Jawa Timur: rujukan kasus "
        "kesejahteraan sosial. Joint case handling for East Java's social pillars.",
    )
    app.state.settings = settings
    app.state.uow_factory = uow_factory_for(settings.database_url)
    errors.install(app)
    app.include_router(health.router)
    for router in (referrals.router, cases.router, reference.router):
        app.include_router(router, prefix="/api/v1")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
