"""The import pages: upload, the live status page with its counts and failed rows, the
download of those rows for their uploader only."""

from __future__ import annotations

import io
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shared.db import UowFactory
from shared.models import Import
from tests.integration.intake.conftest import SUPERVISOR, Area
from tests.integration.intake.imports.test_imports_api import HEADER, row, run
from tests.support.auth import headers_for

SAME_SITE = {"Origin": "http://testserver"}


def post(client: TestClient, content: bytes, **headers: str) -> object:
    return client.post(
        "/rujukan/impor",
        files={"file": ("korban banjir.csv", io.BytesIO(content), "text/csv")},
        headers={**SAME_SITE, **headers},
        follow_redirects=False,
    )


def imports_count(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(Import)) or 0


def test_upload_follow_and_download_the_failed_rows(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    form = client.get("/rujukan/impor")
    assert form.status_code == 200
    assert "Impor rujukan dari berkas" in form.text
    assert "/api/v1/imports/template.xlsx" in form.text
    assert "/api/v1/imports/template.csv" in form.text
    assert 'enctype="multipart/form-data"' in form.text and "20.000 baris" in form.text

    content = "\n".join([
        HEADER, row(area.village, "Siti Aminah"), row(area.village, "Karsi", kode_desa="35.99"),
    ]).encode()  # fmt: skip
    sent = post(client, content)
    assert sent.status_code == 303  # type: ignore[attr-defined]
    where = sent.headers["location"]  # type: ignore[attr-defined]
    waiting = client.get(where)
    assert "antre" in waiting.text and '<progress id="import-bar" max="2" value="0"' in waiting.text
    assert "/static/imports.js" in waiting.text

    run(uow_factory, where.rsplit("/", 1)[1])
    done = client.get(where)
    assert "selesai" in done.text and "/static/imports.js" not in done.text
    assert "Baris yang gagal" in done.text and "kode_desa" in done.text
    assert "Kode desa/kelurahan di wilayah kerja Anda" in done.text  # then the English detail
    assert f"{where}/gagal.csv" in done.text
    download = client.get(f"{where}/gagal.csv")
    assert download.status_code == 200 and "Karsi" in download.text
    listing = client.get("/rujukan/impor")
    assert "korban banjir.csv" in listing.text and where in listing.text

    # Another case worker: no such import; the area's supervisor sees it, not the rows' data.
    other = headers_for("case_worker", f"{uuid.uuid4().hex[:6]}@puskesos.example", "Lain")
    assert client.get(where, headers=other).status_code == 404
    seen = client.get(where, headers=SUPERVISOR)
    assert seen.status_code == 200 and "kode_desa" in seen.text
    numbers_only = client.get(f"{where}/gagal.csv", headers=SUPERVISOR)
    assert numbers_only.status_code == 200 and "Karsi" not in numbers_only.text


def test_a_bad_file_is_refused_on_the_page_and_stores_nothing(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = imports_count(uow_factory)
    refused = post(client, b"nama;alamat\nSiti;Lumajang\n")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Ada kolom wajib yang tidak ada" in refused.text  # type: ignore[attr-defined]
    assert "missing column" in refused.text  # type: ignore[attr-defined]
    assert imports_count(uow_factory) == before
    elsewhere = post(client, (HEADER + "\n").encode(), Origin="https://elsewhere.example")
    assert elsewhere.status_code == 403  # type: ignore[attr-defined]


def test_a_file_too_large_for_the_page_is_refused_with_a_page(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    refused = post(client, b"x" * (settings.import_max_bytes + 64 * 1024))
    assert refused.status_code == 413  # type: ignore[attr-defined]
    assert refused.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    assert "Berkas terlalu besar" in refused.text  # type: ignore[attr-defined]
