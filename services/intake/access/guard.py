"""The one check every route passes: who is asking, and may they call this route at all.

Installed as an application-wide dependency, so it runs before each route's own
parameters and body are used; routes read the outcome through ActorDep. What rows the
actor then sees is scope.py's business.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from services.intake.access import auth, policy, scope
from services.intake.access.audit_trail import STATE_KEY
from services.intake.edge.errors import refused
from shared.accounts import audit
from shared.domain.actor import Actor

# Path parameters that name a record: recorded in the audit trail as what was touched.
RECORD_PARAMS = ("case_ref", "case_id", "referral_id", "notification_id")
_ACTIONS = {"GET": "read", "HEAD": "read", "POST": "write", "PUT": "write", "DELETE": "write"}


class PageRefused(Exception):
    """A page the signed-in person may not see (403) or that does not exist for them (404):
    answered with a page, not JSON."""

    def __init__(self, status: int, actor: Actor) -> None:
        super().__init__(status)
        self.status = status
        self.actor = actor


class SignInRequired(Exception):
    """A page asked for without a session: the browser goes to the sign-in page."""


def unauthenticated(field: str, msg: str) -> HTTPException:
    return HTTPException(
        401,
        detail=[{"field": field, "loc": ["header", field], "msg": msg, "type": "unauthenticated"}],
        headers={"WWW-Authenticate": "Bearer"},
    )


def authorize(request: Request) -> Actor | None:
    path = policy.template_of(request)
    rule = policy.rule_for(request.method, path)
    state = request.app.state
    try:
        credentials = auth.authenticate(
            request, settings=state.settings, uow_factory=state.uow_factory, now=state.clock()
        )
    except auth.CredentialsRefused as exc:
        raise unauthenticated(exc.field, str(exc)) from None
    if rule is None:
        raise refused(403, ["path"], f"no access rule for {request.method} {path}", "forbidden")
    actor = credentials.actor if credentials else None
    if rule.public:
        return actor
    if credentials is None or actor is None:
        if rule.page:
            raise SignInRequired()
        raise unauthenticated("Authorization", "sign in: send 'Bearer <access token>'")
    # Refused attempts are recorded too: the record is written whatever the answer.
    if rule.audit:
        ids = [str(request.path_params[p]) for p in RECORD_PARAMS if p in request.path_params]
        setattr(
            request.state,
            STATE_KEY,
            audit.Access(
                actor=actor,
                action=_ACTIONS.get(request.method, "write"),
                object_type=rule.audit,
                route=policy.key(request.method, path),
                basis=f"{actor.kind} in {actor.jurisdiction or 'national'}",
                object_ids=ids,
            ),
        )
    if actor.kind not in rule.roles:
        if rule.page:
            raise PageRefused(403, actor)
        raise refused(
            403,
            ["header", "Authorization"],
            f"not for the role {actor.kind}; for: {', '.join(sorted(rule.roles))}",
            "forbidden",
        )
    if credentials.method == "cookie":
        auth.check_same_origin(request, settings=state.settings)
    try:
        _check_scope(request, actor)
    except HTTPException:
        if rule.page:
            raise PageRefused(404, actor) from None
        raise
    return actor


def _check_scope(request: Request, actor: Actor) -> None:
    """A record named in the path must be one the actor may see: else it does not exist
    for them (404), whatever the route would do with it."""
    named = [(p, str(request.path_params[p])) for p in RECORD_PARAMS if p in request.path_params]
    if not named:
        return
    with request.app.state.uow_factory() as uow:
        for param, value in named:
            if not scope.can_see(uow.session, actor, param, value):
                raise refused(404, ["path", param], "not found", "not_found")


def access_of(request: Request) -> audit.Access | None:
    """The audit record of this request, for a route to say which records it touched."""
    access = getattr(request.state, STATE_KEY, None)
    return access if isinstance(access, audit.Access) else None
