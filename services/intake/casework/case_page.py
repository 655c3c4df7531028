"""The case page: facts, tasks with their deadlines, why routing chose each coordinator,
the timeline, and the life-cycle actions the reader may take (plain form posts)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from services.intake.casework import page_actions, task_forms
from services.intake.casework import views as task_views
from services.intake.deps import (
    ActorDep,
    BodyDep,
    DeadlinePolicyDep,
    NowDep,
    SessionDep,
    UowFactoryDep,
)
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from services.intake.routing_admin import views as routing_views
from services.intake.web import i18n
from services.intake.web.render import cross_site, forbidden, language, not_found, page
from shared.casework import workflow
from shared.domain import pillars
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import Outcome, Reason, TransitionError
from shared.domain.routing.facts import Care
from shared.models import Case

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)

CaseId = Annotated[uuid.UUID, Path()]

# Timeline entries that name the other case of a merge or a dismissed flag.
MERGE_KINDS = ("case_merged_into", "case_merged_from", "case_merge_undone", "duplicate_dismissed")
# A task still to be worked on (the case is open while one is).
_OPEN = ("routing", "unassigned", "requested", "accepted", "in-progress", "on-hold")


def reporter_line(name: str, organisation: str | None) -> str:
    """The reporter's name, then their organisation once: "Sri Wahyuni (Puskesos)" of
    "Puskesos Desa Tegalrejo" reads "Sri Wahyuni · Puskesos Desa Tegalrejo"."""
    name = (name or "").strip()
    org = (organisation or "").strip()
    if name.endswith(")") and "(" in name:
        bare, _, inner = name[:-1].rpartition("(")
        if org and inner.strip().lower() in org.lower():
            name = bare.strip()
        elif not org:
            return name
    return f"{name} · {org}" if org else name


def actor_words(actor: str, t: Callable[[str], str]) -> str:
    """A timeline entry's actor in people's words: the services by what they do."""
    key = f"actor.{actor}"
    return t(key) if key in i18n.TEXT else actor


def render_case_page(
    request: Request,
    session: Session,
    actor: Actor,
    case: Case,
    *,
    policy: DeadlinePolicy,
    now: datetime,
    status: int = 200,
    error: str = "",
    kept: dict[str, str] | None = None,
    field: str = "",
) -> Response:
    disclosure, _basis = queries.disclosure_for(session, actor, case)
    view = queries.case_view(session, case, disclosure=disclosure, policy=policy, now=now)
    routing = {r.id: r for r in routing_views.case_routing(session, case).referrals}
    rows = task_views.case_tasks(session, case.id)
    allowed = {
        r.id: [
            a.value
            for a in task_views.task_view(
                session,
                r,
                actor=actor,
                policy=policy,
                now=now,
            ).allowed_actions
            if a.value in page_actions.PAGE_ACTIONS
        ]
        for r in rows
    }
    onward_ok = {r.id for r in rows if r.status in ("accepted", "in-progress", "on-hold")}
    choices = {
        r.id: task_forms.coordinator_choices(session, r, case)
        for r in rows
        if "reassign" in allowed[r.id]
    }
    t = i18n.translator(language(request))
    still_open = [r.pillar for r in view.referrals if r.status in _OPEN]
    return page(
        request,
        "case.html",
        actor=actor,
        status=status,
        case=view,
        routing=routing,
        allowed=allowed,
        onward_ok=onward_ok,
        choices=choices,
        kept=kept or {},
        field=field,
        show_name=disclosure.full_name,
        initials=task_views.initials(view.beneficiary.name),
        error=error,
        saved=request.query_params.get("ok", ""),
        created=request.query_params.get("baru") == "1",
        needs_reason=page_actions.NEEDS_REASON,
        reasons=[r.value for r in Reason if r is not Reason.NO_RESPONSE],
        outcomes=[o.value for o in Outcome],
        pillar_list=pillars.PILLARS,
        cares=[c.value for c in Care],
        event_label=lambda kind: i18n.label(i18n.EVENT, kind, language(request)),
        actor_words=lambda who: actor_words(who, t),
        reporter=reporter_line(view.reporter_name, view.reporter_organisation),
        still_open=still_open,
        show_rule_id=actor.kind in ("supervisor", "admin"),
        may_merge=actor.kind == "supervisor" and actor.oversees(case.village_code),
        now=now,
        merge_kinds=MERGE_KINDS,
    )


@router.get("/kasus/{case_id}")
def case_page(
    request: Request,
    case_id: CaseId,
    actor: ActorDep,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    case = page_actions.visible_case(session, actor=actor, case_id=case_id)
    if case is None:
        return not_found(request, actor)
    return render_case_page(request, session, actor, case, policy=policy, now=now)


def _form(body: bytes) -> dict[str, str]:
    data = parse_qs(body.decode("utf-8", "replace"))
    return {k: v[0].strip() for k, v in data.items() if v}


def _error_key(exc: Exception) -> str:
    if isinstance(exc, workflow.StaleVersion):
        return "err.stale"
    if isinstance(exc, TransitionError):
        if exc.kind == "invalid" and f"err.{exc.field}" in i18n.TEXT:
            return f"err.{exc.field}"
        return "err.forbidden" if exc.kind == "forbidden" else "err.conflict"
    return "err.invalid"


@router.post("/kasus/{case_id}/tugas/{referral_id}/{action}")
def act_on_task(
    request: Request,
    body: BodyDep,
    case_id: CaseId,
    referral_id: Annotated[uuid.UUID, Path()],
    action: Annotated[str, Path(max_length=20)],
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    """One action on a task, in one unit of work. No session stays open across the write
    (SQLite would lock)."""
    if cross_site(request):
        return forbidden(request, actor)
    t = i18n.translator(language(request))
    fields = _form(body)
    try:
        page_actions.act_on_page(
            uow_factory=uow_factory,
            case_id=case_id,
            referral_id=referral_id,
            action=action,
            fields=fields,
            actor=actor,
            now=now,
            policy=policy,
            max_open_children=request.app.state.settings.onward_max_open_children,
        )
    except page_actions.CaseNotVisible:
        return not_found(request, actor)
    except (TransitionError, workflow.StaleVersion, workflow.NotFound, ValueError) as exc:
        status = 409 if isinstance(exc, workflow.StaleVersion) else 422
        if isinstance(exc, TransitionError) and exc.kind == "forbidden":
            status = 403
        with uow_factory() as uow:
            return render_case_page(
                request,
                uow.session,
                actor,
                uow.session.get_one(Case, case_id),
                policy=policy,
                now=now,
                status=status,
                error=t(_error_key(exc)),
                kept={**fields, "referral_id": str(referral_id), "action": action},
                field=exc.field if isinstance(exc, TransitionError) else "",
            )
    return RedirectResponse(f"/kasus/{case_id}?ok={action}", status_code=303)
