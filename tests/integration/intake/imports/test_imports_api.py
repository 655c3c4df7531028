"""Bulk intake through the API: a file with bad rows in it becomes exactly its good rows as
cases, each bad row is reported by row number and column, and the same file again creates
nothing. The worker's own function stores the rows (as the import worker does)."""

from __future__ import annotations

import io
import random
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.intake.imports import work
from shared.db import UowFactory
from shared.models import Case, ImportRow, OutboxEvent
from tests.integration.intake.conftest import SUPERVISOR, Area
from tests.support.auth import headers_for

HEADER = ";".join([
    "kategori", "kode_desa", "urgensi", "uraian", "nama_penerima", "nik_penerima",
    "tanggal_lahir", "jenis_kelamin", "kebutuhan", "cakupan_bencana",
])  # fmt: skip


def row(village: str, name: str, **cells: str) -> str:
    values = {
        "kategori": "KBA - Korban Bencana Alam",
        "kode_desa": village,
        "urgensi": "Tinggi",
        "uraian": "Rumah tertimbun abu, mengungsi di balai desa",
        "nama_penerima": name,
        "nik_penerima": "",
        "tanggal_lahir": "17/08/1960",
        "jenis_kelamin": "P",
        "kebutuhan": "disaster_relief",
        "cakupan_bencana": "regency",
    } | cells
    return ";".join(values[k] for k in HEADER.split(";"))


def upload(client: TestClient, content: bytes, name: str = "korban.csv", **kw: Any) -> Any:
    return client.post(
        "/api/v1/imports", files={"file": (name, io.BytesIO(content), "text/csv")}, **kw
    )


def run(uow_factory: UowFactory, import_id: str) -> None:
    batch = work.work(uow_factory, uuid.UUID(import_id), budget_seconds=60, threshold=0.85)
    assert batch.left == 0 and batch.status == "done"


def cases_from(uow_factory: UowFactory, import_id: str) -> list[Case]:
    with uow_factory() as uow:
        ids = uow.session.scalars(
            select(ImportRow.case_id).where(
                ImportRow.import_id == uuid.UUID(import_id), ImportRow.status == "created"
            )
        ).all()
        return list(uow.session.scalars(select(Case).where(Case.id.in_(ids))))


def test_good_rows_become_cases_bad_rows_are_named_and_the_same_file_creates_nothing(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    lines = [
        HEADER,
        row(area.village, "Siti Aminah"),
        row(area.village, "Pak Darmo", kategori="XYZ"),  # row 3: unknown category
        "",  # a blank line is no row
        row(area.village, "Bu Sumi", tanggal_lahir="31/02/1950"),  # row 5: no such date
        row("99.99.99.9999", "Karsi"),  # row 6: unknown village
        row(area.village, "", uraian="ok"),  # row 7: name empty
        row(area.village, "Mbah Painem", nik_penerima="'3508014708500001", urgensi="Darurat"),
    ]
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
    answer = upload(client, content)
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["status_url"] == f"/api/v1/imports/{body['import_id']}"
    queued = client.get(body["status_url"]).json()
    assert (queued["status"], queued["total"], queued["processed"]) == ("queued", 6, 0)
    with uow_factory() as uow:
        announced = uow.session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type == "ImportReceived")
        )
    assert announced

    run(uow_factory, body["import_id"])
    done = client.get(body["status_url"]).json()
    assert (done["status"], done["total"], done["processed"]) == ("done", 6, 6)
    assert (done["created"], done["failed"], done["already_imported"]) == (2, 4, 0)
    failed = {(e["row"], e["field"]) for e in done["errors"]}
    assert failed == {
        (3, "category"), (5, "beneficiary_birth_date"), (6, "village_code"),
        (7, "beneficiary_name"), (7, "description"),
    }  # fmt: skip
    assert all(e["column"] and e["msg"] for e in done["errors"])
    stored = cases_from(uow_factory, body["import_id"])
    assert sorted(c.beneficiary_name for c in stored) == ["Mbah Painem", "Siti Aminah"]
    painem = next(c for c in stored if c.beneficiary_name == "Mbah Painem")
    assert (painem.category_code, painem.urgency, painem.beneficiary_nik) == (
        "KBA",
        "emergency",
        "3508014708500001",
    )
    assert painem.needs == ["disaster_relief"] and painem.disaster_scope == "regency"

    page = client.get(f"{body['status_url']}/rows", params={"limit": 4}).json()
    assert [i["row"] for i in page["items"]] == [2, 3, 5, 6]
    assert page["items"][0]["status"] == "created" and page["items"][0]["tracking_code"]
    rest = client.get(f"{body['status_url']}/rows", params={"cursor": page["next_cursor"]}).json()
    assert [i["row"] for i in rest["items"]] == [7, 8] and rest["next_cursor"] is None

    again = upload(client, content, name="korban-lagi.csv")
    assert again.status_code == 202
    run(uow_factory, again.json()["import_id"])
    second = client.get(again.json()["status_url"]).json()
    assert (second["created"], second["already_imported"], second["failed"]) == (0, 2, 4)
    with uow_factory() as uow:
        names = uow.session.scalars(
            select(Case.beneficiary_name).where(Case.village_code == area.village)
        ).all()
    assert sorted(names) == ["Mbah Painem", "Siti Aminah"]


def test_failed_rows_download_in_the_files_columns(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    content = "\n".join([
        HEADER, row(area.village, "=HYPERLINK(\"http://x\")", kategori="ZZ")
    ]).encode()  # fmt: skip
    answer = upload(client, content).json()
    run(uow_factory, answer["import_id"])
    csv = client.get(f"{answer['status_url']}/failed.csv")
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("kategori,kode_desa") and lines[0].endswith("baris_asal,kesalahan")
    assert "'=HYPERLINK" in lines[1] and "kategori" in lines[1].split(",")[-1]
    # Another case worker does not see it exist; the supervisor sees it, not the rows' data.
    other = headers_for("case_worker", "other@puskesos.example", "Other")
    assert client.get(answer["status_url"], headers=other).status_code == 404
    assert client.get(answer["status_url"], headers=SUPERVISOR).status_code == 200
    numbers_only = client.get(f"{answer['status_url']}/failed.csv", headers=SUPERVISOR)
    assert numbers_only.status_code == 200
    assert numbers_only.text.lstrip("\ufeff").startswith("baris_asal,kesalahan")
    assert "HYPERLINK" not in numbers_only.text


def test_a_file_that_cannot_be_read_is_refused_naming_the_file(client: TestClient) -> None:
    cases = {
        b"": "empty",
        b"kategori;nama\nKBA;Siti\n": "missing column",
        b"\xff\xfe\x00k\x00": "UTF-8",
        (HEADER + "\n").encode(): "no data rows",
        b"PK\x03\x04 not really a zip": "XLSX",
    }
    for content, words in cases.items():
        answer = upload(client, content)
        assert answer.status_code == 422, (content, answer.text)
        detail = answer.json()["detail"][0]
        assert detail["field"] == "file" and words in detail["msg"], detail
    json_body = client.post("/api/v1/imports", json={"file": "x"})
    assert json_body.status_code == 415


def test_limits_refuse_with_413(client: TestClient, area: Area) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    rows = [HEADER] + [row(area.village, f"Orang {i}") for i in range(settings.import_max_rows + 1)]
    answer = upload(client, "\n".join(rows).encode())
    assert answer.status_code == 413
    assert "rows" in answer.json()["detail"][0]["msg"]
    huge = b"x" * (settings.import_max_bytes + 64 * 1024)
    too_big = upload(client, huge)
    assert too_big.status_code == 413
    assert too_big.json()["detail"][0]["field"] == "file"


def test_templates(client: TestClient) -> None:
    csv = client.get("/api/v1/imports/template.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").startswith("kategori,kode_desa,urgensi")
    xlsx = client.get("/api/v1/imports/template.xlsx")
    assert xlsx.status_code == 200

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["rujukan"]
    assert [c.value for c in sheet[1]][:3] == ["kategori", "kode_desa", "urgensi"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert {"A2", "C2", "H2", "I2", "J2"} <= set(lists)
    choices = [c.value for c in book["pilihan"]["A"]][1:]
    assert "KBA - Korban Bencana Alam" in choices


def test_waiting_rows_hold_no_plain_nik_and_are_re_encrypted_by_the_rotation(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    from sqlalchemy import text

    from shared.identity import keyring, rotation
    from tests.support.auth import DATA_KEY

    nik = "3508014708500001"
    content = "\n".join([HEADER, row(area.village, "Bu Rotasi", nik_penerima=nik)]).encode()
    import_id = upload(client, content).json()["import_id"]

    def raw() -> str:
        with uow_factory() as uow:
            cells = uow.session.execute(
                text("SELECT cells FROM import_rows WHERE import_id IN (:a, :b)"),
                {"a": import_id, "b": uuid.UUID(import_id).hex},
            ).scalar_one()
        return str(cells)

    assert raw().startswith("v1.t2.") and nik not in raw()
    new = keyring.new_entry("t3")
    keyring.configure(f"{new},{DATA_KEY}")
    try:
        assert rotation.rotate(uow_factory).left == 0
        assert raw().startswith("v1.t3.")
        keyring.configure(new)  # the old key gone: the row still reads
        run(uow_factory, import_id)
        [case] = cases_from(uow_factory, import_id)
        assert case.beneficiary_nik == nik
    finally:
        keyring.configure(f"{DATA_KEY},{new}")
        rotation.rotate(uow_factory)
        keyring.configure(DATA_KEY)


def test_the_same_person_twice_in_a_file_or_already_open_is_flagged_and_stored(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    from shared.models import PossibleDuplicate

    open_case = client.post(
        "/api/v1/referrals",
        json={
            "category": "KBA", "village_code": area.village, "urgency": "high",
            "description": "Rumah rusak", "reporter": {"name": "Sri"},
            "beneficiary": {"name": "Painem", "birth_date": "1951-01-09"},
        },
    ).json()  # fmt: skip
    nik = f"350801470850{random.randint(1000, 9999)}"  # hers alone in this database
    content = "\n".join([
        HEADER,
        row(area.village, "Hj. Siti Khotijah", nik_penerima=nik),
        row(area.village, "Mbah Painem", tanggal_lahir="09/01/1951"),
        row(area.village, "Siti Khodijah", nik_penerima=nik),
        row(area.village, "Suparman", tanggal_lahir="01/01/1970"),
    ]).encode()  # fmt: skip
    import_id = upload(client, content).json()["import_id"]
    run(uow_factory, import_id)
    status = client.get(f"/api/v1/imports/{import_id}").json()
    assert (status["created"], status["duplicates"]) == (4, 2)
    items = client.get(f"/api/v1/imports/{import_id}/rows").json()["items"]
    assert [i["possible_duplicate"] for i in items] == [False, True, True, False]
    with uow_factory() as uow:
        flags = {
            (str(f.case_id), str(f.other_id))
            for f in uow.session.scalars(
                select(PossibleDuplicate).where(
                    PossibleDuplicate.case_id.in_([uuid.UUID(i["case_id"]) for i in items])
                )
            )
        }
    assert flags == {
        (items[1]["case_id"], open_case["case_id"]), (items[2]["case_id"], items[0]["case_id"])
    }  # fmt: skip


def test_an_import_stopped_by_a_fault_says_so_and_is_not_resumed(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    from datetime import timedelta

    content = "\n".join([HEADER, row(area.village, "Bu Henti")]).encode()
    import_id = upload(client, content).json()["import_id"]
    work.give_up(uow_factory, uuid.UUID(import_id), problem="KeyError")
    status = client.get(f"/api/v1/imports/{import_id}").json()
    assert (status["status"], status["processed"]) == ("failed", 0)
    assert "KeyError" in status["problem"]
    assert uuid.UUID(import_id) not in work.stale(uow_factory, older_than=timedelta(0))
    assert "Impor ini berhenti" in client.get(f"/rujukan/impor/{import_id}").text
