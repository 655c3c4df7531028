"""The routing rules administration API: supervisors read the rules, admins replace them
(services/intake/access/policy.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.intake.deps import ActorDep, SessionDep, UowFactoryDep
from services.intake.edge.errors import refused
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
    # The rule set's own parser applies the free-text rule, naming the line.


RulesTextDep = Annotated[str, Depends(read_rules_text)]


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
