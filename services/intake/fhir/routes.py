"""The FHIR R4 read API: thin routes over queries.py (what the reader may see) and
resources.py (how it reads in FHIR)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import select

from services.intake.access.guard import access_of
from services.intake.deps import ActorDep, NowDep, SessionDep, SettingsDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.fhir import capability, codes, queries, resources
from services.intake.fhir import search as fhir_search
from services.intake.fhir.outcome import RESPONSES, FhirResponse, answer
from services.intake.referrals import views
from shared.config import Settings
from shared.models import Case, Coordinator, Pillar, Referral, Region

router = APIRouter(route_class=GuardedRoute, tags=["fhir"], default_response_class=FhirResponse)
Id = Annotated[str, Path(max_length=64, description="The resource's logical id")]
_TOKEN = "Comma-separated codes (any of them)"
StatusParam = Annotated[str | None, Query(max_length=200, description=_TOKEN)]
RefParam = Annotated[str | None, Query(max_length=120, description="PractitionerRole/<id>")]
LastUpdated = Annotated[
    list[str] | None,
    Query(alias="_lastUpdated", max_length=40, description="[eq|ge|gt|le|lt]<date or time>"),
]
Count = Annotated[int | None, Query(alias="_count", ge=1, description="Page size, up to 100")]
Cursor = Annotated[str | None, Query(alias="_cursor", max_length=300, description="From `next`")]
Format = Annotated[str | None, Query(alias="_format", max_length=40)]


def base_of(settings: Settings) -> str:
    return str(settings.public_base_url).rstrip("/") + "/fhir/r4"


def _not_found(param: str) -> Exception:
    return refused(404, ["path", param], "not found", "not_found")


@contextmanager
def _searching() -> Iterator[None]:
    """A search parameter the server cannot take is a 400 naming it."""
    try:
        yield
    except fhir_search.BadSearch as exc:
        raise refused(400, ["query", exc.param], str(exc), "invalid") from None


def _touched(request: Request, ids: list[str], basis: str | None = None) -> None:
    if (audited := access_of(request)) is not None:
        audited.object_ids[:] = ids
        if basis is not None:
            audited.basis = basis


@router.get("/metadata", responses=RESPONSES)
def metadata(request: Request, settings: SettingsDep, now: NowDep) -> Response:
    """The CapabilityStatement: what this server reads and searches."""
    return answer(
        capability.capability_statement(
            base=base_of(settings), version=request.app.version, now=now
        )
    )


@router.get("/Task", responses=RESPONSES)
def search_tasks(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    status: StatusParam = None,
    owner: RefParam = None,
    last_updated: LastUpdated = None,
    count: Count = None,
    cursor: Cursor = None,
    format_: Format = None,
) -> Response:
    """Tasks you may see, oldest change first: a searchset Bundle, `next` when there is
    more. Poll with `_lastUpdated=gt<the last meta.lastUpdated you saw>`."""
    with _searching():
        found = fhir_search.parse(
            request.query_params.multi_items(),
            statuses=sorted(codes.STATES_OF_TASK_STATUS),
            holder="owner",
        )
        tasks, next_cursor = queries.task_page(session, found)
    base = base_of(settings)
    entries = _tasks(session, base, tasks)
    _touched(request, [t["id"] for t in entries])
    return answer(resources.bundle(base, "Task", found.echo, entries, next_cursor))


def _by_id(session: Any, model: Any, raw: str) -> Any:
    """The row with this UUID, or None (also for an id that is no UUID)."""
    try:
        return session.get(model, uuid.UUID(raw))
    except ValueError:
        return None


def _tasks(session: Any, base: str, tasks: list[Referral]) -> list[dict[str, Any]]:
    cases = queries.cases(session, (t.case_id for t in tasks))
    holders = queries.coordinators(session, (t.coordinator_id for t in tasks))
    return [
        resources.task(base, t, cases[t.case_id], holders.get(t.coordinator_id))
        for t in tasks
        if t.case_id in cases
    ]


@router.get("/Task/{referral_id}", responses=RESPONSES)
def read_task(
    session: SessionDep, actor: ActorDep, settings: SettingsDep, referral_id: Id
) -> Response:
    """A task: its status in the referral life cycle, owner, deadlines and outcome."""
    task = _by_id(session, Referral, referral_id)
    entries = _tasks(session, base_of(settings), [task]) if task else []
    if not entries:
        raise _not_found("referral_id")
    return answer(entries[0])


@router.get("/ServiceRequest", responses=RESPONSES)
def search_service_requests(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    status: StatusParam = None,
    performer: Annotated[
        str | None, Query(max_length=120, description="PractitionerRole/<id> or Organization/<id>")
    ] = None,
    last_updated: LastUpdated = None,
    count: Count = None,
    cursor: Cursor = None,
    format_: Format = None,
) -> Response:
    """Referrals (a case to one pillar) you may see, oldest change first."""
    with _searching():
        found = fhir_search.parse(
            request.query_params.multi_items(),
            statuses=codes.SERVICE_REQUEST_STATUSES,
            holder="performer",
        )
        keys, next_cursor = queries.service_request_page(session, found)
    base = base_of(settings)
    entries = _service_requests(session, base, keys)
    _touched(request, sorted({str(k[0]) for k in keys}))
    return answer(resources.bundle(base, "ServiceRequest", found.echo, entries, next_cursor))


def _service_requests(
    session: Any, base: str, keys: list[tuple[uuid.UUID, str]]
) -> list[dict[str, Any]]:
    rows = queries.service_requests(session, keys)
    holders = queries.coordinators(session, (r.tasks[-1].coordinator_id for r in rows))
    return [resources.service_request(base, r.case, r.pillar, r.tasks, holders) for r in rows]


@router.get("/ServiceRequest/{service_request_id}", responses=RESPONSES)
def read_service_request(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    service_request_id: Id,
) -> Response:
    """A referral of a case to one pillar; its tasks focus on it."""
    key = codes.split_service_request_id(service_request_id)
    try:
        keys = [(uuid.UUID(key[0]), key[1])] if key else []
    except ValueError:
        keys = []
    entries = _service_requests(session, base_of(settings), keys)
    if not entries:
        raise _not_found("service_request_id")
    _touched(request, [str(keys[0][0])])
    return answer(entries[0])


@router.get("/Patient/{case_id}", responses=RESPONSES)
def read_patient(request: Request, session: SessionDep, actor: ActorDep, case_id: Id) -> Response:
    """The person a case is about, as much of them as your role needs (as /api/v1/cases):
    the full NIK for the coordinator serving the case, masked for the others."""
    case = _by_id(session, Case, case_id)
    if case is None:
        raise _not_found("case_id")
    disclosure, basis = views.disclosure_for(session, actor, case)
    _touched(request, [str(case.id)], basis)
    names = queries.region_names(session, case.village_code)
    return answer(resources.patient(case, disclosure, names))


@router.get("/Organization/{organization_id}", responses=RESPONSES)
def read_organization(
    session: SessionDep, actor: ActorDep, settings: SettingsDep, organization_id: Id
) -> Response:
    """A social pillar."""
    code = codes.pillar_code(organization_id)
    pillar = session.get(Pillar, code) if code else None
    if pillar is None:
        raise _not_found("organization_id")
    return answer(resources.organization(base_of(settings), pillar))


@router.get("/PractitionerRole/{practitioner_role_id}", responses=RESPONSES)
def read_practitioner_role(
    session: SessionDep, actor: ActorDep, settings: SettingsDep, practitioner_role_id: Id
) -> Response:
    """A coordinator of a pillar in a region (no contact details)."""
    coordinator = _by_id(session, Coordinator, practitioner_role_id)
    pillar = session.get(Pillar, coordinator.pillar_code) if coordinator else None
    if coordinator is None or pillar is None:
        raise _not_found("practitioner_role_id")
    return answer(resources.practitioner_role(base_of(settings), coordinator, pillar))


@router.get("/Location/{code}", responses=RESPONSES)
def read_location(
    session: SessionDep, actor: ActorDep, settings: SettingsDep, code: Id
) -> Response:
    """A Kemendagri region, with its administrative codes as SATUSEHAT writes them."""
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise _not_found("code")
    names = queries.region_names(session, region.code)
    return answer(resources.location(base_of(settings), region, names))
