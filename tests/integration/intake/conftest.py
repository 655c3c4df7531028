from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, or_, select

from services.intake.app import create_app
from services.routing import handlers
from shared.config import Settings
from shared.db import UowFactory
from shared.events import Envelope
from shared.models import Case, CaseEvent, OutboxEvent, Referral, ReferralOffer, Region
from shared.routing.directory import SnapshotCache
from tests.integration.factories import route
from tests.support.auth import headers_for


def intake_settings(
    database_url: str, redis_url: str, broker_prefix: str, **overrides: Any
) -> Settings:
    # Check the directory on every decision: tests add coordinators between requests.
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=redis_url,
        broker_key_prefix=broker_prefix,
        directory_check_seconds=0,
        **overrides,
    )


@pytest.fixture(scope="module")
def client(database_url: str, redis_url: str, broker_prefix: str) -> Iterator[TestClient]:
    settings = intake_settings(database_url, redis_url, broker_prefix)
    # Requests act as the case worker SENDER unless they say otherwise.
    with TestClient(create_app(settings), raise_server_exceptions=False, headers=SENDER) as c:
        yield c


def referral(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "LUT",
        "village_code": "35.08.01.2001",
        "urgency": "high",
        "description": "Lansia hidup sendiri, sakit, tidak ada keluarga",
        "beneficiary": {
            "name": "Mbah Sarmi",
            "nik": "3508014203480001",
            "birth_date": "1948-03-02",
            "sex": "F",
        },
        "reporter": {
            "name": "Sri Wahyuni",
            "organisation": "Puskesos Desa Tegalrejo",
            "phone": "+6281234567890",
        },
    }
    body.update(overrides)
    return body


def counts(uow_factory: UowFactory) -> tuple[int, int]:
    with uow_factory() as uow:
        cases = uow.session.scalar(select(func.count()).select_from(Case)) or 0
        events = uow.session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    return cases, events


# --- Working referral tasks (test_workflow_*) -------------------------------------------
# These tests put coordinators in Kalimantan Tengah (62) and Kalimantan Selatan (63), each
# test in a kecamatan of its own and only at kecamatan or village level, so that no test's
# coordinators are candidates for another's tasks (routing never looks sideways).

SUPERVISOR = headers_for("supervisor", "sekber-jatim", "Bu Ratna")
ADMIN = headers_for("admin", "admin.sekber", "Bu Sekber")
# Overrides the client's default credentials with none.
ANONYMOUS = {"Authorization": ""}
SENDER_ID = "sri.wahyuni@puskesos.example"
SENDER = headers_for("case_worker", SENDER_ID, "Sri Wahyuni")


@dataclass(frozen=True)
class Area:
    district: str
    village: str


@pytest.fixture(scope="session")
def fresh_areas(uow_factory: UowFactory) -> Iterator[Area]:
    """Every kecamatan of provinces 62 and 63 with one of its villages, handed out once."""
    with uow_factory() as uow:
        villages = uow.session.scalars(
            select(Region.code)
            .where(
                Region.level == "village",
                or_(Region.code.like("62.%"), Region.code.like("63.%")),
            )
            .order_by(Region.code)
        ).all()
    first: dict[str, str] = {}
    for code in villages:
        first.setdefault(code.rsplit(".", 1)[0], code)
    return iter(Area(district, village) for district, village in first.items())


@pytest.fixture
def area(fresh_areas: Iterator[Area]) -> Area:
    return next(fresh_areas)


@pytest.fixture
def clock(client: TestClient) -> Iterator[Callable[[datetime], None]]:
    """Set the API's clock for this test; the real one comes back afterwards."""
    state = client.app.state  # type: ignore[attr-defined]
    real = state.clock

    def set_now(now: datetime) -> None:
        state.clock = lambda: now

    yield set_now
    state.clock = real


def acting_as(client: TestClient, headers: dict[str, str]) -> TestClient:
    """The module's client, from now on acting with these credentials."""
    client.headers.update(headers)
    return client


def as_coordinator(coordinator_id: uuid.UUID, name: str | None = None) -> dict[str, str]:
    return headers_for("coordinator", str(coordinator_id), name or "")


def new_case(
    client: TestClient,
    area: Area,
    *,
    category: str = "LUT",
    urgency: str = "high",
    name: str = "Siti Aminah",
    headers: dict[str, str] | None = None,
) -> uuid.UUID:
    """A case submitted through the API by the sender (unless other headers are given)."""
    body = referral(
        category=category,
        village_code=area.village,
        urgency=urgency,
        beneficiary={"name": name, "nik": "3508014203480001"},
    )
    response = client.post(
        "/api/v1/referrals", json=body, headers=SENDER if headers is None else headers
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["case_id"])


def routed_case(client: TestClient, uow_factory: UowFactory, area: Area, **kwargs: Any) -> Referral:
    """A case submitted and routed; its one task."""
    case_id = new_case(client, area, **kwargs)
    route(uow_factory, case_id)
    [task] = tasks_of(uow_factory, case_id)
    return task


def route_requested(uow_factory: UowFactory, case_id: uuid.UUID) -> None:
    """Deliver the case's ReferralRouteRequested events to routing (again: it dedupes)."""
    with uow_factory() as uow:
        envelopes = [
            Envelope.model_validate(e)
            for e in uow.session.scalars(
                select(OutboxEvent.envelope)
                .where(
                    OutboxEvent.case_id == case_id,
                    OutboxEvent.event_type == "ReferralRouteRequested",
                )
                .order_by(OutboxEvent.id)
            )
        ]
    for envelope in envelopes:
        handlers.handle(
            uow_factory=uow_factory,
            envelope=envelope,
            routing=handlers.Routing(directory=SnapshotCache(check_every=0)),
        )


def tasks_of(uow_factory: UowFactory, case_id: uuid.UUID) -> list[Referral]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Referral)
                .where(Referral.case_id == case_id)
                .order_by(Referral.created_at, Referral.id)
            )
        )


def task(uow_factory: UowFactory, referral_id: uuid.UUID) -> Referral:
    with uow_factory() as uow:
        return uow.session.get_one(Referral, referral_id)


def timeline(uow_factory: UowFactory, case_id: uuid.UUID) -> list[CaseEvent]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        )


def outbox_types(uow_factory: UowFactory, case_id: uuid.UUID) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(OutboxEvent.event_type)
                .where(OutboxEvent.case_id == case_id)
                .order_by(OutboxEvent.id)
            )
        )


def offers_of(uow_factory: UowFactory, referral_id: uuid.UUID) -> dict[uuid.UUID, str]:
    with uow_factory() as uow:
        return {
            o.coordinator_id: o.state
            for o in uow.session.scalars(
                select(ReferralOffer).where(ReferralOffer.referral_id == referral_id)
            )
        }


def snapshot(uow_factory: UowFactory, referral_id: uuid.UUID) -> dict[str, Any]:
    """Everything an action could change: the task's row, its case, and the case's counts."""
    with uow_factory() as uow:
        s = uow.session
        row = s.get_one(Referral, referral_id)
        case = s.get_one(Case, row.case_id)

        def count(model: Any, *where: Any) -> int:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

        return {
            "task": {c.key: getattr(row, c.key) for c in Referral.__table__.columns},
            "case_status": case.status,
            "tasks": count(Referral, Referral.case_id == case.id),
            "timeline": count(CaseEvent, CaseEvent.case_id == case.id),
            "outbox": count(OutboxEvent, OutboxEvent.case_id == case.id),
            "offers": {
                o.coordinator_id: o.state
                for o in s.scalars(
                    select(ReferralOffer).where(ReferralOffer.referral_id == referral_id)
                )
            },
        }
