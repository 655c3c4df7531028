"""Every route of the app, for every role, inside and outside the actor's scope.

The routes come from the app itself: a route without an access rule stops create_app, and
a route whose path names something this test cannot fill in fails here until the test
knows how. For each (route, role):
- without credentials: 401 (a page sends the browser to the sign-in page instead);
- a role the rule does not name: 403, from the access check, before the route runs;
- an allowed role, on a record inside its scope: anything but 401, 404 or the access
  check's 403 (the life cycle may still refuse an action: that 403 names the role);
- an allowed role, on a record outside its scope: 404, as if it did not exist;
and no answer ever carries the other province's case, nor a full NIK or name to a role
that does not need it.

Inside: Nusa Tenggara Timur (53). Outside: Papua Selatan (93).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.intake.access import policy
from services.intake.app import create_app
from shared.config import Settings
from shared.db import UowFactory
from shared.domain.access import ROLES
from shared.models import Notification, Referral
from tests.integration.factories import add_coordinator, route
from tests.support.auth import headers_for

INSIDE, OUTSIDE = "53", "93"
PLACES = {INSIDE: "53.02.01.1001", OUTSIDE: "93.01.01.1002"}
# Streams never end: only who may open them is checked here (their own tests read them).
STREAMS = {"GET /api/v1/inbox/stream"}
# Answering a person's request for their own data discloses it in full, on purpose.
FULL_DISCLOSURE = {"POST /api/v1/admin/subject-access"}
IMPORT_FILE = (
    b"category,village_code,urgency,description,beneficiary_name\n"
    b"LUT,53.02.01.1001,low,Rujukan dari uji matriks,Uji Impor Matriks\n"
)


@dataclass(frozen=True)
class Place:
    case_id: str
    tracking_code: str
    referral_id: str
    notification_id: str
    import_id: str
    coordinator: str
    reporter: str
    name: str
    nik: str


@dataclass(frozen=True)
class World:
    inside: Place
    outside: Place


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", database_url=database_url, directory_check_seconds=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _place(client: TestClient, uow_factory: UowFactory, province: str, nik: str) -> Place:
    village = PLACES[province]
    district = village.rsplit(".", 1)[0]
    coordinator = add_coordinator(uow_factory, pillar="TKSK", region=district)
    reporter = f"cw-{province}@matrix.example"
    name = f"Penerima Matriks {province}"
    body = {
        "category": "LUT",
        "village_code": village,
        "urgency": "high",
        "description": "Lansia sakit, tinggal sendiri",
        "beneficiary": {"name": name, "nik": nik, "sex": "F"},
        "reporter": {"name": "Petugas", "phone": "+6281200000000"},
    }
    created = client.post(
        "/api/v1/referrals", json=body, headers=headers_for("case_worker", reporter)
    )
    assert created.status_code == 201, created.text
    case_id = uuid.UUID(created.json()["case_id"])
    route(uow_factory, case_id)
    with uow_factory() as uow:
        [task] = uow.session.query(Referral).filter(Referral.case_id == case_id).all()
        note = Notification(
            dedup_key=f"{uuid.uuid4()}:matrix:webhook",
            event_id=uuid.uuid4(),
            kind="assignment",
            case_id=case_id,
            referral_id=task.id,
            coordinator_id=coordinator,
            channel="webhook",
            language="id",
            subject="Tugas baru",
            body="Tugas baru",
            state="dead",
        )
        uow.session.add(note)
        uow.commit()
        # An import of one row by the same case worker, working in the province.
        uploaded = client.post(
            "/api/v1/imports",
            files={"file": ("matrix.csv", IMPORT_FILE)},
            headers=headers_for("case_worker", reporter, jurisdiction=province),
        )
        assert uploaded.status_code == 202, uploaded.text
        return Place(
            case_id=str(case_id),
            tracking_code=created.json()["tracking_code"],
            referral_id=str(task.id),
            notification_id=str(note.id),
            import_id=uploaded.json()["import_id"],
            coordinator=str(coordinator),
            reporter=reporter,
            name=name,
            nik=nik,
        )


@pytest.fixture(scope="module")
def world(client: TestClient, uow_factory: UowFactory) -> World:
    return World(
        inside=_place(client, uow_factory, INSIDE, "5302014506700001"),
        outside=_place(client, uow_factory, OUTSIDE, "9301015506700002"),
    )


def credentials(role: str, world: World) -> dict[str, str]:
    if role == "case_worker":
        return headers_for(role, world.inside.reporter)
    if role == "coordinator":
        return headers_for(role, world.inside.coordinator)
    return headers_for(role, f"{role}-ntt", jurisdiction=INSIDE)


def fill(template: str, place: Place) -> str:
    values = {
        "case_ref": place.case_id,
        "case_id": place.case_id,
        "referral_id": place.referral_id,
        "notification_id": place.notification_id,
        "import_id": place.import_id,
        "action": "accept",
        "token": "not-a-link",
        "code": "53",
        "year": "2026",
        # FHIR: a case's referral to a pillar, a pillar, a coordinator.
        "service_request_id": f"{place.case_id}-tksk",
        "organization_id": "pillar-tksk",
        "practitioner_role_id": place.coordinator,
    }
    path = template
    for name in [p.strip("{}").split(":")[0] for p in template.split("/") if p.startswith("{")]:
        assert name in values, f"the matrix does not know how to fill {{{name}}} in {template}"
        path = path.replace(f"{{{name}}}", values[name]).replace(f"{{{name}:path}}", values[name])
    return path


def body_for(key: str, place: Place) -> dict[str, Any]:
    referral = {
        "category": "LUT",
        "village_code": PLACES[INSIDE],
        "urgency": "low",
        "description": "Rujukan dari uji matriks",
        "beneficiary": {"name": "Uji Matriks"},
        "reporter": {"name": "Petugas"},
    }
    bodies: dict[str, dict[str, Any]] = {
        "POST /api/v1/referrals": {"json": referral},
        "POST /api/v1/referrals/{referral_id}/actions/{action}": {"json": {"version": 1}},
        "POST /api/v1/referrals/{referral_id}/notes": {"json": {"text": "Catatan uji"}},
        "POST /api/v1/referrals/{referral_id}/onward": {
            "json": {"pillar": "PSM", "purpose": "Pendampingan"}
        },
        "POST /api/v1/routing/simulate": {
            "json": {"case": {k: referral[k] for k in ("category", "village_code", "urgency")}}
        },
        "PUT /api/v1/routing/rules": {
            "content": b"not = [toml",
            "headers": {"Content-Type": "application/toml"},
        },
        "POST /api/v1/admin/subject-access": {"json": {"nik": place.nik}},
        "POST /api/v1/imports": {"files": {"file": ("x.csv", IMPORT_FILE)}},
        "POST /rujukan/impor": {"files": {"file": ("x.csv", IMPORT_FILE)}},
    }
    return bodies.get(key, {})


def routes(app: Any) -> list[tuple[str, str]]:
    return sorted(
        (method, template)
        for route, template in policy.api_routes(app)
        for method in route.methods or ()
        if method != "HEAD"
    )


def _is_access_refusal(response: Any, *, page: bool = False) -> bool:
    if response.status_code != 403:
        return False
    if page:  # a page answers the access check with a page of its own
        return response.headers.get("content-type", "").startswith("text/html")
    if "json" not in response.headers.get("content-type", ""):
        return False
    body = response.json()
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":  # /fhir/
        issue = body["issue"][0]
        return issue["code"] == "forbidden" and "not for the role" in issue["diagnostics"]
    detail = body.get("detail") if isinstance(body, dict) else None
    return bool(
        isinstance(detail, list)
        and detail
        and detail[0].get("loc") == ["header", "Authorization"]
        and str(detail[0].get("msg", "")).startswith("not for the role")
    )


def _leaks(text: str, world: World, role: str, key: str, asked: str) -> list[str]:
    """What the answer shows that it should not; an id the request itself named (a page
    links back to its own address) is no leak."""
    out = world.outside
    found = [
        v
        for v in (out.case_id, out.tracking_code, out.name, out.nik, out.referral_id)
        if v in text and v not in asked
    ]
    if key in FULL_DISCLOSURE:
        return found
    if role != "coordinator" and world.inside.nik in text:
        found.append("inside full NIK")
    if role not in ("coordinator", "case_worker") and world.inside.name in text:
        found.append("inside full name")
    return found


def test_every_route_has_an_access_rule(client: TestClient) -> None:
    assert policy.routes_without_rules(client.app) == []  # type: ignore[arg-type]


def test_every_route_answers_each_role_as_its_rule_says(client: TestClient, world: World) -> None:
    problems: list[str] = []
    checked = 0
    for method, template in routes(client.app):
        key = policy.key(method, template)
        rule = policy.RULES[key]
        for place, where in ((world.inside, "inside"), (world.outside, "outside")):
            url = fill(template, place)
            kwargs = body_for(key, place)
            extra = kwargs.pop("headers", {})
            for role in (None, *ROLES):
                if key in STREAMS and role is not None and role in rule.roles:
                    continue
                headers = {**extra, **(credentials(role, world) if role else {})}
                response = client.request(
                    method, url, headers=headers, follow_redirects=False, **kwargs
                )
                checked += 1
                status = response.status_code
                who = f"{key} as {role or 'nobody'} ({where}): {status}"
                if status >= 500:
                    problems.append(f"{who} server error")
                elif role is None:
                    expected = {303} if rule.page else {401}
                    if not rule.public and status not in expected:
                        problems.append(f"{who}, expected {expected}")
                elif rule.public:
                    pass
                elif role not in rule.roles:
                    if not _is_access_refusal(response, page=rule.page):
                        problems.append(f"{who}, expected the access check's 403")
                elif where == "outside" and any(
                    f"{{{p}" in template
                    for p in (
                        "case_ref",
                        "case_id",
                        "referral_id",
                        "notification_id",
                        "import_id",
                        "service_request_id",
                    )
                ):
                    if status != 404:
                        problems.append(f"{who}, expected 404 outside the scope")
                elif status in (401, 404) or _is_access_refusal(response, page=rule.page):
                    problems.append(f"{who}, expected to be let in")
                if role is not None and (leaks := _leaks(response.text, world, role, key, url)):
                    problems.append(f"{who} leaks {leaks}")
    assert checked > 100
    assert problems == [], "\n".join(problems)
