"""Who may call what: one rule for every route, checked before any route runs.

The rule of a route names the roles that may call it (the rows they then see are limited
by services/intake/access/scope.py) and the kind of record it touches, which the audit trail
records. A route without a rule answers 403 to everyone, and create_app refuses to start
(tests/integration/intake/test_authorization_matrix.py checks every route by role).
"""

from __future__ import annotations

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

RULES: dict[str, Rule] = {
    # Health, metrics and reference data hold nothing personal.
    "GET /healthz": PUBLIC,
    "GET /readyz": PUBLIC,
    "GET /metrics": PUBLIC,
    f"GET {API}/categories": PUBLIC,
    f"GET {API}/regions/{{code}}": PUBLIC,
    # The signed link in a coordinator's message is its own credential.
    f"GET {API}/act/{{token}}": PUBLIC,
    f"POST {API}/act/{{token}}": PUBLIC,
    # Signing in.
    f"POST {API}/auth/token": PUBLIC,
    f"GET {API}/auth/me": Rule(EVERYONE),
    "GET /masuk": PUBLIC,
    "POST /masuk": PUBLIC,
    "POST /keluar": PUBLIC,
    # Referrals and cases.
    f"POST {API}/referrals": allow(CW, SV, audit="case"),
    f"GET {API}/cases/{{case_ref}}": allow(CW, CO, SV, AD, audit="case"),
    f"GET {API}/cases/{{case_ref}}/routing": allow(CW, CO, SV, AD, audit="case"),
    # Working the tasks.
    f"GET {API}/inbox": allow(CO, audit="referral"),
    f"POST {API}/referrals/{{referral_id}}/actions/{{action}}": allow(CW, CO, SV, audit="referral"),
    f"POST {API}/referrals/{{referral_id}}/notes": allow(CW, CO, SV, audit="referral"),
    f"POST {API}/referrals/{{referral_id}}/onward": allow(CO, audit="referral"),
    # Supervision.
    f"GET {API}/referrals/unassigned": allow(SV, AD, audit="referral"),
    f"GET {API}/notifications/dead": allow(SV, AD, audit="notification"),
    f"POST {API}/notifications/{{notification_id}}/replay": allow(SV, AD, audit="notification"),
    f"POST {API}/routing/simulate": allow(SV, AD),
    f"GET {API}/routing/rules": allow(SV, AD),
    f"GET {API}/routing/rules/versions": allow(SV, AD),
    f"PUT {API}/routing/rules": allow(AD),
    # CSR partners: needs without identities.
    f"GET {API}/needs": allow(CSR, SV, AD, audit="need"),
    f"GET {API}/cases": allow(CW, CO, SV, AD, audit="case"),
    f"GET {API}/inbox/stream": allow(CO, SV),
    f"GET {API}/me/notification-preferences": allow(CO),
    f"PUT {API}/me/notification-preferences": allow(CO),
    # The supervisors' dashboard: counts and durations, no person in them.
    **{
        f"GET {API}/dashboard/{widget}": allow(SV, AD)
        for widget in (
            "summary",
            "open-tasks",
            "resolution-times",
            "breaches",
            "decline-reasons",
            "backlog",
        )
    },
    # The web pages (services/intake/web).
    "GET /": allow(*EVERYONE, page=True),
    "GET /rujukan/baru": allow(CW, SV, page=True),
    "POST /rujukan/baru": allow(CW, SV, page=True, audit="case"),
    "GET /rujukan": allow(CW, SV, page=True, audit="case"),
    "GET /kasus/{case_id}": allow(CW, CO, SV, AD, page=True, audit="case"),
    "POST /kasus/{case_id}/tugas/{referral_id}/{action}": allow(
        CW, CO, SV, page=True, audit="referral"
    ),
    "GET /kotak-masuk": allow(CO, page=True, audit="referral"),
    "GET /kotak-masuk/daftar": allow(CO, page=True, audit="referral"),
    "GET /dasbor": allow(SV, AD, page=True),
    "GET /dasbor/antrean.csv": allow(SV, AD, page=True, audit="referral"),
    "GET /dasbor/notifikasi-gagal.csv": allow(SV, AD, page=True, audit="notification"),
    # Administration.
    f"POST {API}/admin/subject-access": allow(AD, audit="person"),
    f"GET {API}/admin/audit": allow(AD, audit="audit"),
}


def include(app: FastAPI, router: APIRouter, *, prefix: str = "") -> None:
    """Include a router, remembering each route's full template: FastAPI hands the route
    to the request under its own path, without the prefix it was included with."""
    app.include_router(router, prefix=prefix)
    templates: dict[int, tuple[APIRoute, str]] = app.state.__dict__.setdefault(
        "route_templates", {}
    )
    for route in router.routes:
        if isinstance(route, APIRoute):
            templates[id(route)] = (route, prefix + route.path)


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
        raise RuntimeError(
            f"routes without an access rule in services/intake/access/policy.py: {missing}"
        )
    unguarded = textguard.routes_not_guarded(route for route, _ in api_routes(app))
    if unguarded:
        raise RuntimeError(f"routes not built with textguard.GuardedRoute: {unguarded}")
