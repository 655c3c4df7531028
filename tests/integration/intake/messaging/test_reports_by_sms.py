"""A case worker reports a case by SMS: the same validation and submission as the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.messaging import handle as handling
from shared.db import UowFactory
from shared.models import Case
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import Area, tasks_of
from tests.integration.intake.messaging.conftest import (
    add_case_worker,
    handle_all,
    new_phone,
    send,
)


def test_an_sms_report_becomes_a_routed_case_and_the_answer_is_its_tracking_code(
    gateway: TestClient, worker: handling.Messaging, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    phone = new_phone()
    username = add_case_worker(uow_factory, phone=phone, jurisdiction=area.district[:2])
    digits = area.village.replace(".", "")
    text = f"rujuk lut {digits} Mbah Sarmi NIK 3508014203480001; tinggal sendiri, sakit"

    response = send(gateway, "0" + phone[3:], text)
    done = handle_all(worker, response.json()["id"])

    assert done.outcome == "case_created" and done.case_id is not None
    with uow_factory() as uow:
        case = uow.session.get_one(Case, done.case_id)
        assert (case.category_code, case.village_code, case.urgency) == (
            "LUT",
            area.village,
            "normal",
        )
        assert (case.reported_by, case.beneficiary_name) == (
            f"case_worker:{username}",
            "Mbah Sarmi",
        )
        assert case.description == "tinggal sendiri, sakit"
        assert case.reporter_phone == phone
    assert done.reply == (
        f"Terima kasih. Kasus tercatat: {case.tracking_code}. Simpan kode ini; balas "
        f"STATUS {case.tracking_code} untuk mengikutinya."
    )
    route(uow_factory, case.id)
    [task] = tasks_of(uow_factory, case.id)
    assert (task.pillar_code, task.coordinator_id) == ("TKSK", tksk)


def test_a_report_handled_twice_makes_one_case(
    gateway: TestClient, worker: handling.Messaging, uow_factory: UowFactory, area: Area
) -> None:
    phone = new_phone()
    username = add_case_worker(uow_factory, phone=phone)
    response = send(gateway, phone, f"REFER FM {area.village} Painem; no food EMERGENCY")
    first = handle_all(worker, response.json()["id"])
    handle_all(worker, response.json()["id"])

    with uow_factory() as uow:
        cases = uow.session.scalars(
            select(Case).where(Case.reported_by == f"case_worker:{username}")
        ).all()
    assert [c.id for c in cases] == [first.case_id]
    assert cases[0].urgency == "emergency"
    assert first.reply is not None and first.reply.startswith("Thank you. Case recorded: SKB-")


def test_a_malformed_report_gets_the_field_in_error_and_stores_nothing(
    gateway: TestClient, worker: handling.Messaging, uow_factory: UowFactory, area: Area
) -> None:
    phone = new_phone()
    add_case_worker(uow_factory, phone=phone, jurisdiction=area.district)
    answers = {
        text: handle_all(worker, send(gateway, phone, text).json()["id"])
        for text in (
            f"RUJUK XYZ {area.village} Painem; sakit",
            "RUJUK LUT 35.99.99.9999 Painem; sakit",
            f"RUJUK LUT {area.village} Painem",
            f"RUJUK LUT {area.village} Painem NIK 3508019903480001; sakit",
        )
    }
    outcomes = [a.outcome for a in answers.values()]
    assert outcomes == [
        "refused:category",
        "refused:village_code",
        "refused:description",
        "refused:nik",
    ]
    replies = [a.reply or "" for a in answers.values()]
    assert replies[0].startswith("Belum tercatat: kategori salah:")
    assert replies[1].startswith("Belum tercatat: kode desa salah:")
    assert replies[2].startswith("Belum tercatat: keterangan salah:")
    # In Indonesian the answer says what a NIK must be (the NIK rule's reason is English).
    assert replies[3].startswith("Belum tercatat: NIK salah: 16 angka NIK yang sah")
    assert all(
        r.endswith("Format: RUJUK <kategori> <kode desa> <nama>; <keterangan>") for r in replies
    )
    assert all(a.case_id is None for a in answers.values())
