"""A referral travels intake -> routing -> notify through the real processes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Coordinator, Region
from tests.e2e.stack import SmtpServer, Stack, wait_until

NIK = "3508014203480001"


def referral(category: str, village: str, *, name: str = "Siti Aminah Rahayu") -> dict[str, Any]:
    return {
        "category": category,
        "village_code": village,
        "urgency": "high",
        "description": "Perlu asesmen dan pendampingan segera",
        "beneficiary": {"name": name, "nik": NIK, "sex": "F"},
        "reporter": {"name": "Sri Wahyuni", "organisation": "Puskesos Desa"},
    }


def east_java_villages(uow_factory: UowFactory, count: int) -> list[str]:
    with uow_factory() as uow:
        codes = uow.session.scalars(
            select(Region.code)
            .where(Region.level == "village", Region.code.like("35.%"))
            .order_by(Region.code)
        ).all()
    step = len(codes) // count
    return [codes[i * step] for i in range(count)]


def delivered(stack: Stack, case_id: str) -> dict[str, Any] | None:
    case = stack.case(case_id)
    states = {(n["channel"], n["state"]) for n in case["notifications"]}
    return case if {("inapp", "sent"), ("email", "sent")} <= states else None


def test_referrals_reach_their_coordinators_inbox_and_mailbox(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory
) -> None:
    villages = east_java_villages(uow_factory, 8)
    categories = ["LUT", "KBA", "GEL", "ABT", "PD", "KBS", "ODHA", "AT"]
    created = [
        stack.post_referral(referral(c, v)) for c, v in zip(categories, villages, strict=True)
    ]

    for submitted, category in zip(created, categories, strict=True):
        case = wait_until(
            lambda s=submitted: delivered(stack, s["case_id"]), timeout=60, what="delivery"
        )
        [assigned] = case["referrals"]
        expected_pillar = "TAGANA" if category in ("KBA", "KBS") else "TKSK"
        assert (assigned["pillar"], assigned["status"]) == (expected_pillar, "requested")
        assert case["status"] == "open"
        kinds = [e["kind"] for e in case["timeline"]]
        assert kinds[:2] == ["case_received", "referral_assigned"]
        assert {"notification_delivered", "notification_sent"} <= set(kinds)

        with uow_factory() as uow:
            coordinator = uow.session.get_one(Coordinator, uuid.UUID(assigned["coordinator"]["id"]))
        [mail] = smtp.mailbox.for_tracking_code(submitted["tracking_code"])
        assert mail["To"] == coordinator.email
        body = mail.get_payload(decode=True).decode()
        assert "S.A.R." in body, "the beneficiary appears by initials"
        assert NIK not in body and "Siti Aminah" not in body
        assert case["place"]["village"] in body


def test_a_repeated_idempotency_key_makes_one_case_and_one_alert(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory
) -> None:
    [village] = east_java_villages(uow_factory, 1)
    key = str(uuid.uuid4())
    first = stack.post_referral(referral("LUT", village), **{"Idempotency-Key": key})
    again = stack.post_referral(referral("LUT", village), **{"Idempotency-Key": key})
    assert (first["case_id"], first["tracking_code"]) == (again["case_id"], again["tracking_code"])
    wait_until(lambda: delivered(stack, first["case_id"]), timeout=60, what="delivery")
    assert len(smtp.mailbox.for_tracking_code(first["tracking_code"])) == 1
