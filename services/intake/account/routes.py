"""Signing in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.intake.access import signin
from services.intake.access.ratelimit import ThrottleUnavailable
from services.intake.deps import ActorDep
from services.intake.edge.errors import problem, refused
from services.intake.edge.textguard import GuardedRoute
from shared.accounts import users

router = APIRouter(route_class=GuardedRoute, prefix="/auth", tags=["auth"])


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeRead(BaseModel):
    username: str
    name: str
    role: str
    jurisdiction: str
    coordinator_id: str | None
    unit_id: str | None


FormFields = Annotated[dict[str, str], Depends(signin.form_fields)]


@router.post(
    "/token",
    response_model=TokenRead,
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed attempts from this address; see Retry-After"},
        503: {"description": "Sign-in cannot count attempts now; see Retry-After"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["password"]},
                            "username": {"type": "string", "minLength": 1, "maxLength": 80},
                            "password": {"type": "string", "minLength": 1, "maxLength": 128},
                        },
                    }
                }
            },
        }
    },
)
def issue_token(request: Request, form: FormFields) -> TokenRead | JSONResponse:
    """An access token for a username and password (form-encoded, OAuth2 password flow).
    Send it as `Authorization: Bearer <token>`; it expires after a few minutes."""
    if form.get("grant_type", "password") != "password":
        raise refused(422, ["body", "grant_type"], "only the password grant", "invalid")
    for name in ("username", "password"):
        if not form.get(name):
            raise refused(422, ["body", name], "required", "missing")
    try:
        done = signin.sign_in(
            request,
            username=form["username"][:80],
            password=form["password"][:128],
            kind="access",
        )
    except signin.TooManyAttempts as exc:
        response = problem(429, [_error("username", str(exc), "rate_limited")])
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except ThrottleUnavailable:
        response = problem(503, [_error("username", "try again shortly", "unavailable")])
        response.headers["Retry-After"] = "5"
        return response
    except users.SignInRefused:
        response = problem(401, [_error("password", "wrong username or password", "invalid")])
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return TokenRead(access_token=done.token, expires_in=done.expires_in)


def _error(field: str, msg: str, kind: str) -> dict[str, object]:
    return {"field": field, "loc": ["body", field], "msg": msg, "type": kind}


@router.get("/me", response_model=MeRead)
def who_am_i(actor: ActorDep) -> MeRead:
    """The signed-in account: role, jurisdiction and, for a coordinator, its directory
    entry and unit."""
    return MeRead(
        username=actor.user,
        name=actor.name,
        role=actor.kind,
        jurisdiction=actor.jurisdiction,
        coordinator_id=str(actor.coordinator_id) if actor.coordinator_id else None,
        unit_id=actor.unit or None,
    )
