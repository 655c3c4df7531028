"""The web pages served by the intake: the referral form (errors in Indonesian, nothing
typed lost), the case page with its actions, the inbox and the dashboard. Coordinators
of these tests live in Banten (36) and DI Yogyakarta (34); the dashboard's cases in
Jawa Barat (32) and Jawa Tengah (33)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import AuditEntry, Notification, Referral, Region
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import ANONYMOUS
from tests.support.auth import headers_for

WORKER = headers_for("case_worker", "ani@puskesos.example", "Ani Lestari")


def jakarta_village(uow_factory: UowFactory, index: int) -> str:
    return village_in(uow_factory, "36", index)


def village_in(uow_factory: UowFactory, province: str, index: int) -> str:
    """A village of the province, counted from its last kab/kota when `index` is negative
    (far from 32.01 and 33.01, where the dashboard tests put coordinators)."""
    with uow_factory() as uow:
        codes = uow.session.scalars(
            select(Region.code)
            .where(Region.level == "village", Region.code.like(f"{province}.%"))
            .order_by(Region.code)
        ).all()
    return codes[index * 7]


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "kabkota": "35.08",
        "kecamatan": "35.08.01",
        "village_code": "35.08.01.2001",
        "category": "LUT",
        "urgency": "high",
        "needs": ["health_insurance"],
        "description": "Lansia hidup sendiri, sakit",
        "beneficiary_name": "Mbah Sarmi",
        "beneficiary_nik": "3508014203480001",
        "beneficiary_birth_date": "",
        "beneficiary_sex": "F",
        "reporter_name": "Ani Lestari",
        "legal_basis": "public_service",
        # Many tests send this person: as a worker who already saw the warning of possible
        # duplicates (test_duplicate_pages.py is about the warning).
        "duplicate_seen": "1",
    }
    data.update(overrides)
    return data


def submit(client: TestClient, data: dict[str, Any], headers: dict[str, str] = WORKER) -> Any:
    return client.post("/rujukan/baru", data=data, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("path", ["/", "/rujukan/baru", "/rujukan", "/kotak-masuk", "/dasbor"])
def test_a_page_without_a_signed_in_person_sends_them_to_the_login_page(
    client: TestClient, path: str
) -> None:
    response = client.get(path, headers=ANONYMOUS, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/masuk?next=")


def test_the_referral_form_speaks_indonesian_with_east_javas_regencies_and_26_categories(
    client: TestClient,
) -> None:
    response = client.get("/rujukan/baru", headers=WORKER)

    assert response.status_code == 200
    html = response.text
    assert '<html lang="id">' in html and "Kirim rujukan" in html
    assert "Kabupaten/Kota" in html and ">Kab. Trenggalek<" in html.replace("Kabupaten", "Kab.")
    assert len(re.findall(r'<option value="[A-Z]+" data-help=', html)) == 26
    assert "Orang lanjut usia (60+) tanpa pengurus." in html
    assert 'class="skip" href="#isi"' in html


def test_english_is_one_switch_away_and_is_remembered(client: TestClient) -> None:
    response = client.get("/rujukan/baru?lang=en", headers=WORKER)

    assert '<html lang="en">' in response.text and "Send referral" in response.text
    assert "sekber_lang=en" in response.headers["set-cookie"]
    client.cookies.set("sekber_lang", "en")
    try:
        assert "Send referral" in client.get("/rujukan/baru", headers=WORKER).text
    finally:
        client.cookies.clear()


def test_a_wrong_form_comes_back_with_indonesian_field_errors_and_everything_typed_kept(
    client: TestClient,
) -> None:
    data = form(
        beneficiary_nik="3508019913480001",
        description="",
        reporter_phone="telepon saya",
        beneficiary_name="Mbah Sarmi <b>",
    )

    response = submit(client, data)

    assert response.status_code == 422
    html = response.text
    assert "Angka 9-10 NIK bukan bulan." in html
    assert "Tulis uraian keadaan (3 sampai 4000 huruf)." in html
    assert "Nomor telepon hanya angka" in html
    assert 'value="3508019913480001"' in html and 'value="telepon saya"' in html
    assert 'value="Mbah Sarmi &lt;b&gt;"' in html, "kept, and escaped"
    assert '<option value="35.08.01.2001" selected>' in html
    assert 'value="health_insurance" checked' in html
    assert 'aria-invalid="true"' in html


def test_without_javascript_the_next_region_level_is_one_button_away(client: TestClient) -> None:
    response = submit(client, form(step="region", kecamatan="", village_code=""))

    assert response.status_code == 200
    assert '<option value="35.08.01">' in response.text
    assert "Wajib diisi" not in response.text and "Pilih desa/kelurahan." not in response.text


def test_a_sent_referral_opens_its_case_page_and_lists_among_my_referrals_only(
    client: TestClient,
) -> None:
    response = submit(client, form())

    assert response.status_code == 303, response.text
    case_url = response.headers["location"]
    page = client.get(case_url, headers=WORKER)
    assert page.status_code == 200
    assert "Rujukan terkirim" in page.text and "Mbah Sarmi" in page.text
    assert "350801******0001" in page.text and "3508014203480001" not in page.text
    case_id = case_url.split("/")[2].split("?")[0]
    mine = client.get("/rujukan", headers=WORKER).text
    assert f'data-case="{case_id}"' in mine
    other = headers_for("case_worker", "budi@puskesos.example")
    assert f'data-case="{case_id}"' not in client.get("/rujukan", headers=other).text
    assert client.get(f"/kasus/{case_id}", headers=other).status_code == 404


def test_sending_the_same_form_twice_makes_one_case(client: TestClient) -> None:
    data = form()
    first, again = submit(client, data), submit(client, data)

    assert first.headers["location"] == again.headers["location"]


def test_a_coordinator_works_a_task_from_the_case_page_and_sees_it_in_the_inbox(
    client: TestClient, uow_factory: UowFactory
) -> None:
    village = jakarta_village(uow_factory, 1)
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=village.rsplit(".", 1)[0])
    response = submit(client, form(village_code=village, kabkota="", kecamatan="", needs=[]))
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.case_id == case_id)).one()
    me = headers_for("coordinator", str(tksk))

    inbox = client.get("/kotak-masuk", headers=me)
    assert inbox.status_code == 200 and f'data-task="{task.id}"' in inbox.text
    assert "Mbah Sarmi" not in inbox.text and "M.S." in inbox.text
    assert f'data-task="{task.id}"' in client.get("/kotak-masuk/daftar", headers=me).text

    page = client.get(f"/kasus/{case_id}", headers=me)
    assert "Mengapa ke koordinator ini" in page.text
    assert f'action="/kasus/{case_id}/tugas/{task.id}/accept"' in page.text
    no_reason = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/reject", data={"version": "1"}, headers=me
    )
    assert no_reason.status_code == 422 and "Pilih alasan." in no_reason.text
    stale = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/accept", data={"version": "9"}, headers=me
    )
    assert stale.status_code == 409 and "Tugas sudah berubah" in stale.text

    accepted = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/accept",
        data={"version": "1"},
        headers=me,
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    after = client.get(accepted.headers["location"], headers=me).text
    assert "Tugas diterima." in after and "Tersimpan. Terima" not in after
    assert f'action="/kasus/{case_id}/tugas/{task.id}/start"' in after


def test_the_inbox_is_a_coordinators_and_the_dashboard_a_supervisors(
    client: TestClient,
) -> None:
    assert client.get("/kotak-masuk", headers=WORKER).status_code == 403
    assert client.get("/dasbor", headers=WORKER).status_code == 403


def test_the_dashboard_shows_the_supervisors_queue_and_csv_links_with_the_filters(
    client: TestClient, uow_factory: UowFactory
) -> None:
    village = jakarta_village(uow_factory, 2)  # no coordinator anywhere near: unroutable
    response = submit(client, form(village_code=village, kabkota="", kecamatan=""))
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    boss = headers_for("supervisor", "dinsos-banten", jurisdiction="36")

    page = client.get("/dasbor?region=36&pillar=TKSK", headers=boss)

    assert page.status_code == 200
    assert f'href="/kasus/{case_id}"' in page.text
    assert "/api/v1/dashboard/backlog?region=36&amp;pillar=TKSK&amp;format=csv" in page.text


def test_a_form_posted_from_another_site_is_refused(client: TestClient) -> None:
    response = submit(client, form(), headers={**WORKER, "Origin": "https://evil.example"})

    assert response.status_code == 403
    assert "Tidak diizinkan" in response.text
    referred = submit(client, form(), headers={**WORKER, "Referer": "https://evil.example/x"})
    assert referred.status_code == 403


def unroutable_case(client: TestClient, uow_factory: UowFactory, village: str) -> uuid.UUID:
    response = submit(client, form(village_code=village, kabkota="", kecamatan="", needs=[]))
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    return case_id


def dead_notification(uow_factory: UowFactory, case_id: uuid.UUID) -> uuid.UUID:
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.case_id == case_id)).first()
        note = Notification(
            dedup_key=f"{uuid.uuid4()}:web:webhook",
            event_id=uuid.uuid4(),
            kind="assignment",
            case_id=case_id,
            referral_id=task.id if task else None,
            channel="webhook",
            language="id",
            subject="Tugas baru",
            body="Tugas baru",
            state="dead",
            last_error='=HYPERLINK("x") 500 from the receiver',
        )
        uow.session.add(note)
        uow.commit()
        return note.id


def table(html: str, table_id: str) -> str:
    found = re.search(rf'<table class="list" id="{table_id}">.*?</table>', html, re.S)
    return found.group(0) if found else ""


def test_the_dashboard_tables_and_their_csv_follow_the_filters_within_the_jurisdiction(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id = unroutable_case(client, uow_factory, village_in(uow_factory, "32", -3))
    note_id = dead_notification(uow_factory, case_id)
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.case_id == case_id)).one()
        assert task.status == "unassigned"
    boss = headers_for("supervisor", "dinsos-jabar", jurisdiction="32")
    matching = f"region=32&pillar={task.pillar_code}&category=LUT&urgency=high"

    page = client.get(f"/dasbor?{matching}", headers=boss).text
    assert f'data-case="{case_id}"' in table(page, "queue")
    assert f'data-notification="{note_id}"' in table(page, "dead")
    assert f'data-case="{case_id}"' in table(page, "latest")
    assert f'href="/dasbor/antrean.csv?{matching.replace("&", "&amp;")}"' in page
    assert f'href="/dasbor/notifikasi-gagal.csv?{matching.replace("&", "&amp;")}"' in page
    assert page.count("Unduh CSV") >= 8

    for other in (
        "urgency=low",
        "category=ABT",
        "pillar=CSR" if task.pillar_code != "CSR" else "pillar=PSM",
    ):
        narrowed = client.get(f"/dasbor?{other}", headers=boss).text
        for part in ("queue", "dead", "latest"):
            assert str(case_id) not in table(narrowed, part), (other, part)
    long_ago = client.get("/dasbor?from=2020-01-01&to=2020-01-31", headers=boss).text
    assert str(case_id) not in table(long_ago, "latest"), "the period narrows the latest cases"
    assert f'data-case="{case_id}"' in table(long_ago, "queue"), "the queue is what waits now"

    queue_csv = client.get(f"/dasbor/antrean.csv?{matching}", headers=boss)
    assert queue_csv.status_code == 200
    assert queue_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="sekber-antrean-32-' in queue_csv.headers["content-disposition"]
    lines = queue_csv.text.splitlines()
    assert lines[0].startswith("tracking_code,case_id,referral_id,pillar")
    assert any(str(task.id) in line and str(case_id) in line for line in lines[1:])
    assert "Mbah Sarmi" not in queue_csv.text and "3508014203480001" not in queue_csv.text
    assert str(case_id) not in client.get("/dasbor/antrean.csv?urgency=low", headers=boss).text

    dead_csv = client.get(f"/dasbor/notifikasi-gagal.csv?{matching}", headers=boss)
    assert dead_csv.status_code == 200 and str(note_id) in dead_csv.text
    assert "'=HYPERLINK" in dead_csv.text, "a formula is written as text"
    with uow_factory() as uow:
        audited = uow.session.scalars(
            select(AuditEntry.object_id).where(
                AuditEntry.route == "GET /dasbor/notifikasi-gagal.csv"
            )
        ).all()
    assert str(note_id) in audited


def test_a_supervisor_gets_only_their_jurisdiction_whatever_region_they_ask_for(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id = unroutable_case(client, uow_factory, village_in(uow_factory, "32", -5))
    note_id = dead_notification(uow_factory, case_id)
    elsewhere = headers_for("supervisor", "dinsos-jateng", jurisdiction="33")

    page = client.get("/dasbor?region=32", headers=elsewhere)
    queue_csv = client.get("/dasbor/antrean.csv?region=32", headers=elsewhere)
    dead_csv = client.get("/dasbor/notifikasi-gagal.csv?region=32", headers=elsewhere)

    assert page.status_code == queue_csv.status_code == dead_csv.status_code == 200
    for text in (page.text, queue_csv.text, dead_csv.text):
        assert str(case_id) not in text and str(note_id) not in text
    assert client.get("/dasbor/antrean.csv", headers=WORKER).status_code == 403
    anonymous = client.get("/dasbor/antrean.csv", headers=ANONYMOUS, follow_redirects=False)
    assert anonymous.status_code == 303


def test_a_supervisor_reassigns_a_task_to_a_coordinator_of_its_pillar_and_marks_one_in_error(
    client: TestClient, uow_factory: UowFactory
) -> None:
    village = village_in(uow_factory, "34", 2)
    kecamatan, kabkota = village.rsplit(".", 1)[0], village[:5]
    other_kabkota = next(
        v[:5] for i in range(1, 400) if (v := village_in(uow_factory, "34", i))[:5] != kabkota
    )
    holder = add_coordinator(uow_factory, pillar="TKSK", region=kecamatan, name="Pak Holder")
    response = submit(client, form(village_code=village, kabkota="", kecamatan="", needs=[]))
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.case_id == case_id)).one()
    assert task.coordinator_id == holder and task.pillar_code == "TKSK"
    same_kabkota = add_coordinator(uow_factory, pillar="TKSK", region=kabkota, name="Bu Kabupaten")
    province = add_coordinator(uow_factory, pillar="TKSK", region="34", name="Bu Provinsi")
    far = add_coordinator(uow_factory, pillar="TKSK", region=other_kabkota, name="Pak Jauh")
    wrong_pillar = add_coordinator(uow_factory, pillar="PSM", region=kabkota, name="Bu PSM")
    asleep = add_coordinator(
        uow_factory, pillar="TKSK", region=kabkota, name="Pak Nonaktif", active=False
    )
    boss = headers_for("supervisor", "dinsos-diy", "Supervisor DIY", jurisdiction="34")
    url = f"/kasus/{case_id}/tugas/{task.id}"

    page = client.get(f"/kasus/{case_id}", headers=boss).text
    assert f'action="{url}/reassign"' in page and f'action="{url}/mark-in-error"' in page
    picker = re.search(rf'<select id="coordinator-{task.id}".*?</select>', page, re.S)
    assert picker is not None
    offered = set(re.findall(r'<option value="([0-9a-f-]{36})"', picker.group(0)))
    assert offered == {str(same_kabkota), str(province)}
    assert not {str(holder), str(far), str(wrong_pillar), str(asleep)} & offered
    mine = client.get(f"/kasus/{case_id}", headers=headers_for("coordinator", str(holder))).text
    assert "/reassign" not in mine and "/mark-in-error" not in mine
    not_theirs = client.post(
        f"{url}/reassign",
        data={"version": "1", "coordinator_id": str(province)},
        headers=headers_for("coordinator", str(holder)),
    )
    assert not_theirs.status_code == 403

    nobody = client.post(f"{url}/reassign", data={"version": "1", "note": "Beban"}, headers=boss)
    assert nobody.status_code == 422
    assert "Pilih koordinator aktif dari pilar ini" in nobody.text
    assert 'value="Beban"' in nobody.text and 'aria-invalid="true"' in nobody.text
    too_far = client.post(
        f"{url}/reassign", data={"version": "1", "coordinator_id": str(far)}, headers=boss
    )
    assert too_far.status_code == 422 and "Pilih koordinator aktif" in too_far.text
    elsewhere = headers_for("supervisor", "dinsos-jateng", jurisdiction="33")
    data = {"version": "1", "coordinator_id": str(same_kabkota), "note": "Beban"}
    assert client.post(f"{url}/reassign", data=data, headers=elsewhere).status_code == 404

    moved = client.post(f"{url}/reassign", data=data, headers=boss, follow_redirects=False)
    assert moved.status_code == 303, moved.text
    after = client.get(moved.headers["location"], headers=boss).text
    assert "Tugas dialihkan" in after and "Bu Kabupaten" in after
    with uow_factory() as uow:
        task = uow.session.get_one(Referral, task.id)
    assert task.coordinator_id == same_kabkota and task.status == "requested"

    stale = client.post(f"{url}/mark-in-error", data={"version": "1"}, headers=boss)
    assert stale.status_code == 409
    wrong = client.post(
        f"{url}/mark-in-error",
        data={"version": str(task.version), "note": "Kasus ganda"},
        headers=boss,
        follow_redirects=False,
    )
    assert wrong.status_code == 303
    final = client.get(wrong.headers["location"], headers=boss).text
    assert "Tugas ditandai salah input" in final and "Kasus ganda" in final
    with uow_factory() as uow:
        assert uow.session.get_one(Referral, task.id).status == "entered-in-error"
