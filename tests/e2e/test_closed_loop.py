"""The whole loop through the real processes: report -> assign -> decline -> re-route ->
accept -> refer onward -> complete both -> case closed, the reporter told by e-mail."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Coordinator
from tests.e2e.stack import SmtpServer, Stack, wait_until
from tests.support.auth import headers_for

REPORTER = "sri.wahyuni@puskesos.example"


def village_with_its_own_puskesos(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        codes = uow.session.scalars(
            select(Coordinator.region_code)
            .where(
                Coordinator.pillar_code == "PUSKESOS",
                Coordinator.region_code.like("35.__.__.____"),
                Coordinator.external_ref.like("demo-%"),
            )
            .order_by(Coordinator.region_code)
        ).all()
    return codes[len(codes) // 2]


def act(stack: Stack, task: dict[str, Any], action: str, **body: Any) -> dict[str, Any]:
    response = stack.http.post(
        f"/api/v1/referrals/{task['id']}/actions/{action}",
        json={"version": task["version"], **body},
        headers=headers_for("coordinator", task["coordinator"]["id"]),
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def task(stack: Stack, case_id: str, *, where: Any) -> dict[str, Any] | None:
    return next((t for t in stack.case(case_id)["referrals"] if where(t)), None)


def mails_to_reporter(smtp: SmtpServer, tracking_code: str) -> list[str]:
    return [
        str(m["Subject"])
        for to, m in smtp.mailbox.received()
        if REPORTER in to and tracking_code in str(m["Subject"])
    ]


def test_a_case_travels_the_whole_loop_and_the_reporter_hears_of_it(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory
) -> None:
    village = village_with_its_own_puskesos(uow_factory)
    submitted = stack.post_referral(
        {
            "category": "FM",
            "village_code": village,
            "urgency": "normal",
            "description": "Tidak terdaftar di DTSEN, tidak menerima bantuan",
            "beneficiary": {"name": "Painah binti Karto"},
            "reporter": {"name": "Sri Wahyuni", "email": REPORTER},
        },
        **headers_for("case_worker", uuid.uuid4().hex[:8]),
    )
    case_id, code = submitted["case_id"], submitted["tracking_code"]

    first = wait_until(
        lambda: task(stack, case_id, where=lambda t: t["status"] == "requested"),
        timeout=60,
        what="the first assignment",
    )
    assert first["coordinator"]["region_code"] == village
    act(stack, first, "reject", reason="no_capacity", note="Petugas sedang cuti sakit")

    second = wait_until(
        lambda: task(
            stack,
            case_id,
            where=lambda t: t["replaces_id"] == first["id"] and t["status"] == "requested",
        ),
        timeout=60,
        what="the re-route",
    )
    assert second["coordinator"]["id"] != first["coordinator"]["id"]
    assert second["pillar"] == "PUSKESOS"
    second = act(stack, second, "accept")
    wait_until(lambda: mails_to_reporter(smtp, code), timeout=60, what="the acceptance mail")

    onward = stack.http.post(
        f"/api/v1/referrals/{second['id']}/onward",
        json={"pillar": "TKSK", "purpose": "Pendampingan ke kantor desa untuk verifikasi"},
        headers=headers_for("coordinator", second["coordinator"]["id"]),
    )
    assert onward.status_code == 201, onward.text
    child = wait_until(
        lambda: task(
            stack,
            case_id,
            where=lambda t: t["parent_id"] == second["id"] and t["status"] == "requested",
        ),
        timeout=60,
        what="the onward task assigned",
    )
    assert child["pillar"] == "TKSK"

    child = act(stack, act(stack, child, "accept"), "start")
    act(stack, child, "complete", outcome="service_given")
    assert stack.case(case_id)["status"] == "open"
    act(
        stack,
        task(stack, case_id, where=lambda t: t["id"] == second["id"]) or {},
        "complete",
        outcome="enrolled_in_programme",
    )

    closed = wait_until(
        lambda: (c := stack.case(case_id))["status"] == "closed" and c,
        timeout=30,
        what="the case to close",
    )
    kinds = [e["kind"] for e in closed["timeline"]]
    for expected in (
        "referral_reject",
        "referral_accept",
        "referral_onward",
        "referral_complete",
        "case_closed",
    ):
        assert expected in kinds, kinds
    wait_until(
        lambda: len(mails_to_reporter(smtp, code)) >= 2, timeout=60, what="the resolution mail"
    )
    reporter_mail = [
        m.get_payload(decode=True).decode()
        for to, m in smtp.mailbox.received()
        if REPORTER in to and code in str(m["Subject"])
    ]
    assert all("Painah" not in body for body in reporter_mail)
    final = stack.case(case_id)
    assert "reporter" in {n["recipient"] for n in final["notifications"]}
    assert REPORTER not in str(final["notifications"])
    print(f"closed loop: {code} declined, re-routed, accepted, onward, completed, closed")
