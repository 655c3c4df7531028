"""Two routing and two notify processes on the same Redis and database (docs/scaling.md):
referrals sent at once are each routed once and announced once, and both processes of
each service take part. A stack of its own (database, broker prefix), with the replicas."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from shared.db import UowFactory, uow_factory_for
from shared.models import Notification, OutboxEvent, ProcessedEvent, Referral
from shared.reference.demo import load_demo_directory
from tests.e2e.stack import SmtpServer, Stack, wait_until
from tests.e2e.test_referral_flow import east_java_villages, referral
from tests.support import servers
from tests.support.session import make_settings, new_broker_prefix, prepared_database

REFERRALS = 120
CATEGORIES = ("LUT", "GEL", "PD", "ABT", "AT", "ODHA")


@pytest.fixture(scope="module")
def scaled(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, smtp: SmtpServer
) -> Iterator[tuple[Stack, UowFactory]]:
    tmp: Path = tmp_path_factory.mktemp("scale")
    with servers.database_url(tmp, name="sekber-scale") as url:
        prepared_database(url)
        load_demo_directory(uow_factory=uow_factory_for(url))
        settings = make_settings(url, redis_url, new_broker_prefix())
        stack = Stack(
            settings=settings,
            smtp_port=smtp.port,
            echo=False,
            replicas={"routing": 2, "notify": 2},
        )
        try:
            yield stack.start(), uow_factory_for(url)
        finally:
            stack.stop()


def _count(uow_factory: UowFactory, query: Any) -> int:
    with uow_factory() as uow:
        return int(uow.session.scalar(query) or 0)


def test_two_of_each_worker_route_and_announce_every_referral_once(
    scaled: tuple[Stack, UowFactory], smtp: SmtpServer
) -> None:
    stack, uow_factory = scaled
    villages = east_java_villages(uow_factory, 40)

    def send(n: int) -> dict[str, Any]:
        body = referral(CATEGORIES[n % len(CATEGORIES)], villages[n % len(villages)])
        body["beneficiary"] = {"name": f"Warga Uji {n}", "sex": "F"}
        return stack.post_referral(body, **{"Idempotency-Key": str(uuid.uuid4())})

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(send, range(REFERRALS)))
    case_ids = [uuid.UUID(c["case_id"]) for c in created]

    inapp = select(func.count(func.distinct(Notification.case_id))).where(
        Notification.case_id.in_(case_ids), Notification.channel == "inapp"
    )
    wait_until(lambda: _count(uow_factory, inapp) == REFERRALS, timeout=120, what="announced")
    with uow_factory() as uow:
        session = uow.session
        tasks = Counter(
            session.scalars(select(Referral.case_id).where(Referral.case_id.in_(case_ids)))
        )
        events = session.execute(
            select(OutboxEvent.event_id, OutboxEvent.event_type).where(
                OutboxEvent.case_id.in_(case_ids)
            )
        ).all()
        claims = Counter(
            session.scalars(
                select(ProcessedEvent.event_id).where(
                    ProcessedEvent.event_id.in_([e for e, _ in events])
                )
            )
        )
        notes = session.execute(
            select(Notification.event_id, Notification.coordinator_id, Notification.channel).where(
                Notification.case_id.in_(case_ids)
            )
        ).all()
    # Every case routed once: the rules give each of these categories one task.
    assert set(tasks) == set(case_ids) and set(tasks.values()) == {1}
    # Every event claimed by its one consumer, once; none left unclaimed.
    assert {e for e, _ in events} == set(claims) and set(claims.values()) == {1}
    # One notification per event, recipient and channel; one e-mail per e-mail row.
    assert len(notes) == len(set(notes))
    codes = {c["tracking_code"] for c in created}

    def mails() -> Counter[str]:
        return Counter(
            code
            for _, message in smtp.mailbox.received()
            for code in re.findall(r"SKB-[0-9A-Z]+-[0-9A-Z]+", str(message["Subject"]))
            if code in codes
        )

    emailed = sum(1 for _, _, channel in notes if channel == "email")
    wait_until(lambda: sum(mails().values()) >= emailed, timeout=60, what="mails")
    assert emailed >= REFERRALS and sum(mails().values()) == emailed
    # Both processes of each service did part of the work.
    for name in ("routing", "routing-2", "notify", "notify-2"):
        took = [line for line in stack.supervisor.output(name) if " takes " in line]
        assert took, f"{name} took no batch"
