"""The intake service: the HTTP edge of Sekber."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse, Response
from prometheus_client import CollectorRegistry

from services.intake import (
    account,
    casework,
    dashboard,
    fhir,
    imports,
    messaging,
    notifications,
    privacy,
    reference,
    referrals,
    routing_admin,
    web,
)
from services.intake.access import policy, scope
from services.intake.access.audit_trail import AuditTrail
from services.intake.access.client_address import ClientAddress, parse_networks
from services.intake.access.guard import PageRefused, SignInRequired, authorize
from services.intake.access.policy import PUBLIC
from services.intake.access.ratelimit import SignInThrottle
from services.intake.edge import errors, health, metrics_route, textguard
from services.intake.edge.correlation import CorrelationId
from services.intake.edge.hardening import SecurityHeaders
from services.intake.edge.http_metrics import HttpMetrics, OutboxCollector, RequestMetrics
from services.intake.edge.limits import BodySizeLimit
from services.intake.edge.readiness import Readiness
from services.intake.edge.scrape_metrics import BrokerQueues, SourcesCollector, Workload
from services.intake.routing_admin.schemas import RULES_MAX_BYTES
from services.intake.web import render
from shared.accounts.sessions import SessionCheck
from shared.config import Settings, get_settings
from shared.db import uow_factory_for
from shared.identity import keyring
from shared.models.base import utcnow
from shared.reference import calendar
from shared.routing.directory import SnapshotCache
from shared.routing.rulestore import ActiveRules

API = "/api/v1"
# A rule set may be up to 256 KiB; in a simulation it travels as a JSON string, escaped.
LARGER_BODIES = {
    f"{API}/routing/rules": RULES_MAX_BYTES,
    f"{API}/routing/simulate": 2 * RULES_MAX_BYTES,
}
# A spreadsheet of referrals, through the API and the page (SEKBER_IMPORT_MAX_BYTES).
UPLOADS = (f"{API}/imports", "/rujukan/impor")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Sekber API",
        version="0.1.0",
        description="Sekretariat Bersama pilar-pilar sosial Jawa Timur: rujukan kasus "
        "kesejahteraan sosial. Joint case handling for East Java's social pillars.",
        # Every route passes the access check of services/intake/access/policy.py first.
        dependencies=[Depends(authorize)],
        responses=errors.COMMON_RESPONSES,
    )
    scope.install()
    app.state.settings = settings
    if settings.data_key:
        keyring.configure(settings.data_key)
    app.state.uow_factory = uow_factory_for(settings.database_url)
    # Per process, like a routing worker's: simulations decide the way routing does.
    app.state.directory = SnapshotCache(check_every=settings.directory_check_seconds)
    app.state.rules = ActiveRules()
    # Read once: a broken deadlines file stops the start, not a request.
    # Counting with the working calendar (national holidays, cuti bersama, the days
    # administrators set), reloaded by a thread of its own.
    app.state.deadlines = calendar.working_policy(app.state.uow_factory, settings.deadlines_file)
    app.state.clock = utcnow
    app.state.readiness = Readiness(
        uow_factory=app.state.uow_factory,
        database_url=settings.database_url,
        redis_url=settings.redis_url,
    )
    app.state.metrics_registry = registry = CollectorRegistry()
    registry.register(
        OutboxCollector(uow_factory=app.state.uow_factory, clock=lambda: app.state.clock())
    )
    registry.register(
        SourcesCollector(
            [
                Workload(uow_factory=app.state.uow_factory, clock=lambda: app.state.clock()),
                BrokerQueues(redis_url=settings.redis_url, key_prefix=settings.broker_key_prefix),
            ]
        )
    )
    # Failed sign-ins are counted in Redis, for every intake process alike.
    app.state.signin_throttle = SignInThrottle(
        settings.redis_url,
        key_prefix=settings.broker_key_prefix,
        pair_limits=settings.login_pair_limits,
        address_limits=settings.login_address_limits,
    )
    app.state.session_check = SessionCheck(
        app.state.uow_factory, ttl=settings.session_check_seconds
    )
    errors.install(app)
    app.add_exception_handler(SignInRequired, _to_sign_in)
    app.add_exception_handler(textguard.InputRefused, _input_refused)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(PageRefused, _refusal_page)
    # Health and metrics hold nothing personal.
    edge_rules = {"GET /healthz": PUBLIC, "GET /readyz": PUBLIC, "GET /metrics": PUBLIC}
    policy.include(app, health.router, rules=edge_rules)
    policy.include(app, metrics_route.router, rules=edge_rules)
    # Each feature brings its routes, their access rules and the answers to its refusals.
    for feature in (
        account,
        routing_admin,
        referrals,
        casework,
        reference,
        notifications,
        privacy,
        dashboard,
        imports,
        messaging,
        # Last: it re-words the refusals the app's handlers give under /fhir/.
        fhir,
    ):
        feature.install(app)
    web.install(app)
    policy.check(app)
    app.openapi = lambda: _openapi_with_sign_in(app)  # type: ignore[method-assign]
    app.add_middleware(
        AuditTrail, uow_factory=app.state.uow_factory, clock=lambda: app.state.clock()
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
        )
    app.add_middleware(SecurityHeaders, https=settings.public_base_url.startswith("https://"))
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        per_path=LARGER_BODIES,
        uploads=dict.fromkeys(UPLOADS, settings.import_max_bytes),
    )
    app.add_middleware(RequestMetrics, metrics=HttpMetrics(registry))
    # Outermost, so even a refused body is answered (and logged) with its correlation id.
    app.add_middleware(CorrelationId)
    # Before everything else: who the client is (forwarded headers from named proxies only).
    app.add_middleware(ClientAddress, trusted=parse_networks(settings.trusted_proxies))
    return app


async def _refusal_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefused)
    refusal = render.forbidden if exc.status == 403 else render.not_found
    return refusal(request, exc.actor)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    """A page's path or query the route's parameters refuse answers with a page too."""
    assert isinstance(exc, RequestValidationError)
    route = request.scope.get("route")
    if route is not None and not getattr(route, "include_in_schema", True):
        first = errors.validation_errors(exc)[0]
        return render.bad_input(request, status=422, field=first["field"], msg=first["msg"])
    return errors.problem(422, errors.validation_errors(exc))


async def _input_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, textguard.InputRefused)
    if exc.page:
        return render.bad_input(request, status=exc.status_code, field=exc.field, msg=exc.msg)
    return await http_exception_handler(request, exc)


async def _to_sign_in(request: Request, exc: Exception) -> RedirectResponse:
    assert isinstance(exc, SignInRequired)
    return render.to_login(request)


def _openapi_with_sign_in(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, saying how to sign in (the docs page's Authorize button)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "token": {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": f"{API}/auth/token", "scopes": {}}},
            },
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        }
        schema["security"] = [{"token": []}, {"apiKey": []}]
        app.openapi_schema = schema
    return app.openapi_schema
