from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response

from services.intake.casework import service as casework
from services.intake.casework.schemas import (
    ActionIn,
    NoteIn,
    NoteRead,
    OnwardCreated,
    OnwardIn,
    TaskRead,
)
from services.intake.deps import (
    ActorDep,
    DeadlinePolicyDep,
    NowDep,
    SettingsDep,
    UowFactoryDep,
)
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from shared.casework.workflow import Change
from shared.domain.lifecycle import Action

router = APIRouter(route_class=GuardedRoute, prefix="/referrals/{referral_id}", tags=["casework"])

ReferralId = Annotated[uuid.UUID, Path(description="The referral task's id")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='The version you read, as an entity tag: "3" (or W/"3")',
    ),
]
_ETAG = re.compile(r'^\s*(?:W/)?"([0-9]{1,9})"\s*$')

_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not yours to do"},
    404: {"description": "No such task"},
    409: {"description": "The task changed since you read it, or is past this step"},
    422: {"description": "A reason, outcome or field is missing or wrong"},
}


def _expected_version(body: ActionIn | None, if_match: str | None) -> int:
    header_version = None
    if if_match is not None:
        match = _ETAG.match(if_match)
        if match is None:
            raise refused(
                422, ["header", "If-Match"], 'send one version, as "3" or W/"3"', "invalid"
            )
        header_version = int(match.group(1))
    body_version = body.version if body else None
    if header_version is None:
        if body_version is None:
            raise refused(
                428,
                ["body", "version"],
                "say which version of the task you read: body version or If-Match",
                "version_required",
            )
        return body_version
    if body_version is not None and body_version != header_version:
        raise refused(422, ["body", "version"], "the body's version and If-Match differ", "invalid")
    return header_version


@router.post(
    "/actions/{action}",
    response_model=TaskRead,
    responses={**_REFUSALS, 428: {"description": "No version given"}},
)
def act_on_referral(
    referral_id: ReferralId,
    action: Action,
    response: Response,
    uow_factory: UowFactoryDep,
    actor: ActorDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
    body: ActionIn | None = None,
    if_match: IfMatch = None,
) -> TaskRead:
    """Move the task in its life cycle: accept, reject, start, hold, resume, complete, fail,
    cancel, reassign or mark-in-error. Answers with the task's new state and its ETag."""
    version = _expected_version(body, if_match)
    body = body or ActionIn()
    task = casework.act(
        uow_factory=uow_factory,
        referral_id=referral_id,
        expected_version=version,
        change=Change(
            action=action,
            reason=body.reason,
            note=body.note,
            outcome=body.outcome,
            reassign_to=body.coordinator_id,
        ),
        actor=actor,
        now=now,
        policy=policy,
    )
    response.headers["ETag"] = f'"{task.version}"'
    return task


@router.post(
    "/notes",
    status_code=201,
    response_model=NoteRead,
    responses={k: v for k, v in _REFUSALS.items() if k != 409},
)
def add_note(
    referral_id: ReferralId,
    body: NoteIn,
    uow_factory: UowFactoryDep,
    actor: ActorDep,
    now: NowDep,
) -> NoteRead:
    """A note on the case timeline, by the task's receiver, its sender or a supervisor."""
    return casework.add_note(
        uow_factory=uow_factory, referral_id=referral_id, actor=actor, text=body.text, now=now
    )


@router.post("/onward", status_code=201, response_model=OnwardCreated, responses=_REFUSALS)
def refer_onward(
    referral_id: ReferralId,
    body: OnwardIn,
    uow_factory: UowFactoryDep,
    actor: ActorDep,
    now: NowDep,
    settings: SettingsDep,
) -> OnwardCreated:
    """The receiver of an accepted task asks another pillar to act on the case too: a new
    task, linked to this one, that routing gives to a coordinator of that pillar. A task
    has at most SEKBER_ONWARD_MAX_OPEN_CHILDREN (5) open tasks referred onward at once:
    409 naming `referral_id` past that."""
    return casework.refer_onward(
        uow_factory=uow_factory,
        parent_id=referral_id,
        actor=actor,
        pillar=body.pillar,
        purpose=body.purpose,
        care=body.care,
        now=now,
        max_open_children=settings.onward_max_open_children,
    )
