"""The routing rules administration API: supervisors read the rules, admins replace them
(services/intake/access/policy.py)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.intake.deps import ActorDep, RulesTextDep, SessionDep, UowFactoryDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.routing_admin import rules as ruleadmin
from services.intake.routing_admin.schemas import (
    RULES_MAX_BYTES,
    RuleSetRead,
    RuleSetStored,
    RuleSetVersionRead,
)

router = APIRouter(route_class=GuardedRoute, prefix="/routing/rules", tags=["routing rules"])

_TOML_BODY = {"schema": {"type": "string", "maxLength": RULES_MAX_BYTES}}


@router.get("", response_model=RuleSetRead)
def read_active_rules(session: SessionDep) -> RuleSetRead:
    """The active rule set as TOML; the rules shipped with Sekber until one is uploaded."""
    return ruleadmin.active(session)


@router.get("/versions", response_model=list[RuleSetVersionRead])
def list_rule_versions(session: SessionDep) -> list[RuleSetVersionRead]:
    """Every uploaded rule set, newest first, without the text."""
    return ruleadmin.versions(session)


@router.put(
    "",
    status_code=201,
    response_model=RuleSetStored,
    responses={
        200: {"description": "The same rule set was uploaded before; it is active again"},
        409: {"description": "The version is taken by other rules"},
        413: {"description": "Larger than 256 KiB"},
        415: {"description": "Not text/plain, application/toml or application/octet-stream"},
        422: {"description": "The rules cannot be used; the message names the line"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/toml": _TOML_BODY,
                "text/plain": _TOML_BODY,
                "application/octet-stream": _TOML_BODY,
            },
        }
    },
)
def upload_rules(
    text: RulesTextDep,
    uow_factory: UowFactoryDep,
    response: Response,
    actor: ActorDep,
) -> RuleSetStored:
    """Validate, store and activate a rule set (TOML, the raw request body). Routing
    workers use it from their next case on; invalid rules change nothing. The uploading
    admin is kept with the version."""
    result = ruleadmin.upload(uow_factory=uow_factory, text=text, actor=actor.user or actor.label)
    if not result.created:
        response.status_code = 200
    return RuleSetStored(version=result.version, active=True)
