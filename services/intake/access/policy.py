"""Who may call what: one rule for every route, checked before any route runs.

Each feature declares the rules of its routes beside them (its `__init__.py`) and
registers them with `include()`. The rule of a route names the roles that may call it (the
rows they then see are limited by services/intake/access/scope.py) and the kind of record
it touches, which the audit trail records. A route without a rule answers 403 to everyone,
and create_app refuses to start (tests/integration/intake/access/test_authorization_matrix.py
checks every route by role).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute

from services.intake.edge import textguard
from shared.domain.access import ROLES, Role

CW, CO, SV, AD, CSR = (
    Role.CASE_WORKER.value,
    Role.COORDINATOR.value,
    Role.SUPERVISOR.value,
    Role.ADMIN.value,
    Role.CSR.value,
)
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True, slots=True)
class Rule:
    roles: frozenset[str]
    public: bool = False
    # The kind of record the route reads or changes, for the audit trail; None: not
    # personal data (reference data, rules, health).
    audit: str | None = None
    # An HTML page: without a session it sends the browser to the sign-in page.
    page: bool = False


def allow(*roles: str, audit: str | None = None, page: bool = False) -> Rule:
    unknown = set(roles) - EVERYONE
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return Rule(frozenset(roles), audit=audit, page=page)


PUBLIC = Rule(frozenset(), public=True)
API = "/api/v1"

# Every route's rule, keyed "METHOD /full/path", as each feature registers it with its
# routes (its install(app) calls include() below with a table beside its routes).
RULES: dict[str, Rule] = {}


def include(
    app: FastAPI, router: APIRouter, *, rules: Mapping[str, Rule], prefix: str = ""
) -> None:
    """Include a router with the access rules of its routes, remembering each route's full
    template: FastAPI hands the route to the request under its own path, without the
    prefix it was included with. A route the table does not cover refuses the start."""
    app.include_router(router, prefix=prefix)
    templates: dict[int, tuple[APIRoute, str]] = app.state.__dict__.setdefault(
        "route_templates", {}
    )
    for route in router.routes:
        if isinstance(route, APIRoute):
            templates[id(route)] = (route, prefix + route.path)
            for method in route.methods or ():
                name = key(method, prefix + route.path)
                if name not in rules:
                    raise RuntimeError(f"{name} has no access rule beside its routes")
                if RULES.setdefault(name, rules[name]) != rules[name]:
                    raise RuntimeError(f"{name} has two different access rules")


def api_routes(app: FastAPI) -> list[tuple[APIRoute, str]]:
    """Every API route with its full template: those included through include(), and any
    added to the app directly."""
    included: dict[int, tuple[APIRoute, str]] = getattr(app.state, "route_templates", {})
    direct = [
        (r, r.path) for r in app.router.routes if isinstance(r, APIRoute) and id(r) not in included
    ]
    return [*included.values(), *direct]


def template_of(request: Request) -> str:
    """The full template of the route serving the request ('/api/v1/cases/{case_ref}')."""
    route = request.scope.get("route")
    if route is None:
        return request.url.path
    included: dict[int, tuple[APIRoute, str]] = getattr(request.app.state, "route_templates", {})
    found = included.get(id(route))
    return found[1] if found else getattr(route, "path", request.url.path)


def key(method: str, path: str) -> str:
    return f"{'GET' if method == 'HEAD' else method} {path}"


def rule_for(method: str, path: str) -> Rule | None:
    return RULES.get(key(method, path))


def routes_without_rules(app: FastAPI) -> list[str]:
    return [
        key(method, template)
        for route, template in api_routes(app)
        for method in sorted(route.methods or ())
        if rule_for(method, template) is None
    ]


def check(app: FastAPI) -> None:
    """Refuse to serve an app with a route nobody decided about, or one whose input
    does not pass the text guard."""
    missing = routes_without_rules(app)
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")
    unguarded = textguard.routes_not_guarded(route for route, _ in api_routes(app))
    if unguarded:
        raise RuntimeError(f"routes not built with textguard.GuardedRoute: {unguarded}")
