"""Demo accounts, one per role, for `sekber up --demo`: never in production."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.accounts import users
from shared.models import Coordinator, User

PASSWORD = "demo-sekber-2026"
# The coordinator account serves Kab. Lumajang's TKSK (a region the demo directory covers).
COORDINATOR_REGION = "35.08"
# The demo case worker's registered number: SMS reports from it are hers (docs/messaging.md).
CASE_WORKER_PHONE = "+6281100002026"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: str
    name: str
    jurisdiction: str


ACCOUNTS = (
    DemoAccount("petugas.demo", "case_worker", "Sri Wahyuni (Puskesos)", "35"),
    DemoAccount("koordinator.demo", "coordinator", "", ""),
    DemoAccount("supervisor.demo", "supervisor", "Ratna (Dinsos Jatim)", "35"),
    DemoAccount("admin.demo", "admin", "Admin Sekber", ""),
    DemoAccount("csr.demo", "csr", "Forum CSR Jatim", "35"),
)


def create(session: Session) -> list[DemoAccount]:
    """The demo accounts that did not exist yet, created."""
    created = []
    for account in ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == account.username)):
            continue
        coordinator = _demo_coordinator(session) if account.role == "coordinator" else None
        if account.role == "coordinator" and coordinator is None:
            continue  # no demo directory loaded
        users.create_user(
            session,
            username=account.username,
            name=coordinator.name if coordinator else account.name,
            role=account.role,
            password=PASSWORD,
            jurisdiction=account.jurisdiction,
            coordinator_ref=str(coordinator.id) if coordinator else None,
            phone=CASE_WORKER_PHONE if account.role == "case_worker" else None,
        )
        created.append(account)
    return created


def _demo_coordinator(session: Session) -> Coordinator | None:
    return session.scalars(
        select(Coordinator)
        .where(
            Coordinator.pillar_code == "TKSK",
            Coordinator.kind == "person",
            Coordinator.region_code.startswith(COORDINATOR_REGION + "."),
        )
        .order_by(Coordinator.region_code, Coordinator.external_ref)
        .limit(1)
    ).first()
