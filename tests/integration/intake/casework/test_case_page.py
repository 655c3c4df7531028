"""The case page as its three users read it (issue 20): the serving coordinator sees what
the API shows them, each action says what it did, cancelling sits apart, the words are
people's words. Coordinators of these tests live in Banten (36), in kecamatan of
their own (indices 5 to 30, apart from test_web_pages.py's 1 and 2)."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.casework.case_page import reporter_line
from shared.db import UowFactory
from shared.models import Referral
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.referrals.test_web_pages import WORKER, form, submit, village_in
from tests.support.auth import headers_for


def sent_and_routed(
    client: TestClient, uow_factory: UowFactory, index: int, **extra: object
) -> tuple[uuid.UUID, Referral, dict[str, str]]:
    village = village_in(uow_factory, "36", index)
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=village.rsplit(".", 1)[0])
    data = form(
        village_code=village,
        kabkota="",
        kecamatan="",
        needs=[],
        reporter_name="Sri Wahyuni (Puskesos)",
        reporter_organisation="Puskesos Desa Tegalrejo",
        reporter_phone="+6281234567890",
        beneficiary_birth_date="1948-03-02",
        **extra,
    )
    response = submit(client, data)
    assert response.status_code == 303, response.text
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.case_id == case_id)).one()
    return case_id, task, headers_for("coordinator", str(tksk))


def test_the_serving_coordinator_sees_on_the_page_what_the_api_gives_them(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, _task, me = sent_and_routed(client, uow_factory, 5)
    api = client.get(f"/api/v1/cases/{case_id}", headers=me).json()
    assert api["beneficiary"]["nik"] == "3508014203480001"

    page = client.get(f"/kasus/{case_id}", headers=me).text

    assert api["beneficiary"]["nik"] in page and "350801******0001" not in page
    assert api["reporter_phone"] in page and 'href="tel:+6281234567890"' in page
    assert "02-03-1948" in page
    worker_page = client.get(f"/kasus/{case_id}", headers=WORKER).text
    assert "350801******0001" in worker_page and "3508014203480001" not in worker_page


def test_each_action_is_labelled_and_confirmed_in_a_sentence(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, task, me = sent_and_routed(client, uow_factory, 10)
    accepted = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/accept",
        data={"version": "1"},
        headers=me,
        follow_redirects=False,
    )
    page = client.get(accepted.headers["location"], headers=me).text

    assert "Tugas diterima." in page and "Tersimpan. Terima" not in page
    labels = re.findall(r'<label for="reason-[^"]+">([^<]+)</label>', page)
    assert "Alasan menunda" in labels and "Alasan gagal ditangani" in labels
    assert labels.count("Alasan") == 0 and len(labels) == len(set(labels))


def test_a_case_open_for_another_pillar_says_which_task_is_still_open(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, _task, me = sent_and_routed(client, uow_factory, 15)

    page = client.get(f"/kasus/{case_id}", headers=me).text

    assert "Masih terbuka: tugas TKSK" in page


def test_why_this_coordinator_reads_in_indonesian_without_the_rules_english_id(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, task, me = sent_and_routed(client, uow_factory, 20)
    with uow_factory() as uow:
        rule_id = uow.session.get_one(Referral, task.id).rule_id

    page = client.get(f"/kasus/{case_id}", headers=me).text
    why = page.split('<details class="why">', 1)[1].split("</details>", 1)[0]

    assert "Menurut aturan rujukan" in why
    assert rule_id and f"'{rule_id}'" not in why and f"· {rule_id}" not in why


def test_cancelling_sits_apart_behind_a_details_after_the_timeline(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, task, _me = sent_and_routed(client, uow_factory, 25)

    page = client.get(f"/kasus/{case_id}?baru=1", headers=WORKER).text

    sent_at = page.index("Rujukan terkirim")
    cancel_form = page.index(f'action="/kasus/{case_id}/tugas/{task.id}/cancel"')
    assert page.index('id="timeline-h"') < page.index('<details class="cancel"') < cancel_form
    assert sent_at < cancel_form and "<summary>Batalkan rujukan</summary>" in page


def test_the_reporter_and_the_services_are_named_in_peoples_words(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, _task, me = sent_and_routed(client, uow_factory, 30)

    page = client.get(f"/kasus/{case_id}", headers=me).text

    assert "Sri Wahyuni · Puskesos Desa Tegalrejo" in page
    assert "(Puskesos) (Puskesos" not in page
    assert "Sistem Sekber (penentuan rujukan)" in page
    assert not re.search(r"· (routing|notify)\s", page)


def test_reporter_line_names_the_organisation_once() -> None:
    assert reporter_line("Sri Wahyuni (Puskesos)", "Puskesos Desa Tegalrejo") == (
        "Sri Wahyuni · Puskesos Desa Tegalrejo"
    )
    assert reporter_line("Ani", None) == "Ani"
    assert reporter_line("Ani (LKS)", "") == "Ani (LKS)"
    assert reporter_line("Ani", "Dinsos") == "Ani · Dinsos"


def test_the_case_list_stacks_its_rows_on_a_narrow_screen(client: TestClient) -> None:
    submit(client, form())

    page = client.get("/rujukan", headers=WORKER).text

    assert '<table class="list stack">' in page and 'data-label="Status"' in page
    css = client.get("/static/sekber.css").text
    assert "table.stack td::before{content:attr(data-label)" in css


def test_the_favicon_answers_at_the_icon_address_and_is_linked(client: TestClient) -> None:
    icon = client.get("/favicon.ico")

    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
    assert client.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/rujukan", headers=WORKER).text
