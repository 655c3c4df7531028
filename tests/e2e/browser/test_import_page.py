"""Bulk intake in Chromium (issue 22): a case worker uploads a list of victims, watches the
progress bar fill as the import worker stores the rows, and sees the bad row named with the
download of the failed rows; a file without the template's columns is refused on the page.
No console error, no CSP violation, usable at 360 px."""

from __future__ import annotations

import re
from typing import Any

from shared.db import UowFactory
from tests.e2e.browser.pages import shoot
from tests.e2e.browser.test_every_page import Watched
from tests.e2e.stack import CASE_WORKER, Stack
from tests.e2e.test_referral_flow import east_java_villages
from tests.support.auth import headers_for


def test_a_victims_list_uploaded_on_the_page(
    browser: Any, stack: Stack, uow_factory: UowFactory
) -> None:
    villages = east_java_villages(uow_factory, 5)
    lines = ["kategori;kode_desa;urgensi;uraian;nama_penerima;tanggal_lahir;jenis_kelamin"]
    lines += [
        f"KBA - Korban Bencana Alam;{v};Tinggi;Rumah tertimbun abu, mengungsi;Korban Abu {i};"
        f"0{i + 1}/05/1960;P"
        for i, v in enumerate(villages)
    ]
    lines[3] = lines[3].replace("Tinggi", "Sangat mendesak")  # row 4: no such urgency
    content = ("\n".join(lines) + "\n").encode()
    worker = Watched(browser, stack, headers_for("case_worker", CASE_WORKER, "Sri Wahyuni"))
    try:
        worker.visit("/rujukan/impor")
        page = worker.page
        shoot(page, "44-impor-unggah")
        page.set_input_files(
            "#file",
            files=[{"name": "korban-semeru.csv", "mimeType": "text/csv", "buffer": content}],
        )
        worker.current = "/rujukan/impor (post)"
        page.click("#import-form button[type=submit]")
        page.wait_for_url(re.compile(r"/rujukan/impor/[0-9a-f-]+$"))
        page.wait_for_selector("#import-errors", timeout=60_000)  # the page reloads when done
        assert page.inner_text("#import-status") == "selesai"
        assert page.inner_text("#import-created") == "4"
        assert page.inner_text("#import-failed") == "1"
        errors = page.inner_text("#import-errors")
        assert "4" in errors and "urgensi" in errors
        assert "Salah satu dari: Darurat, Tinggi, Biasa, Rendah." in errors
        assert page.get_attribute("#failed-download", "href", timeout=1000)
        assert page.evaluate("window.__csp || []") == []
        shoot(page, "45-impor-selesai")

        # A file without the template's columns is refused on the page, in Indonesian.
        page.click("text=Impor berkas lain")
        unknown = {"name": "daftar.csv", "mimeType": "text/csv", "buffer": b"nama\nSiti\n"}
        page.set_input_files("#file", files=[unknown])
        worker.current = "/rujukan/impor (refused)"
        with page.expect_navigation() as refused:
            page.click("#import-form button[type=submit]")
        assert refused.value.status == 422
        assert "kolom wajib" in page.inner_text("#import-error")
        assert "korban-semeru.csv" in page.inner_text("main")  # the latest imports
        shoot(page, "46-impor-ditolak")
    finally:
        worker.close()
    # The refusal answers 422 by design, and Chromium says so on its console too.
    refusal = "/rujukan/impor (refused) "
    problems = [p for p in worker.problems if not (p.startswith(refusal) and " 422 " in p)]
    assert problems == [], "\n".join(problems)
