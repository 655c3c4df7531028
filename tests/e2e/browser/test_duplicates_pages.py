"""Possible duplicates in Chromium (issue 21): the form warns the case worker before sending,
the supervisor sees "Kemungkinan duplikat" on the case page and merges, and the merged
case says where it went; no console error, no CSP violation, usable at 360 px."""

from __future__ import annotations

import random
import re
from typing import Any

from shared.db import UowFactory
from tests.e2e.browser.pages import shoot
from tests.e2e.browser.test_every_page import Watched
from tests.e2e.browser.test_walk import pick_place, village_with_its_own_puskesos
from tests.e2e.stack import CASE_WORKER, Stack
from tests.support.auth import headers_for


def test_the_form_warns_and_the_supervisor_merges_on_the_page(
    browser: Any, stack: Stack, uow_factory: UowFactory
) -> None:
    village, _coordinator = village_with_its_own_puskesos(uow_factory)
    nik = f"350801420348{random.randint(1000, 9999)}"
    first = stack.post_referral({
        "category": "LUT", "village_code": village, "urgency": "normal",
        "description": "Tinggal sendiri, sakit-sakitan",
        "beneficiary": {"name": "Mbah Sarminah", "nik": nik, "sex": "F"},
        "reporter": {"name": "Rina (PSM)", "organisation": "PSM Desa"},
    })  # fmt: skip
    worker = Watched(browser, stack, headers_for("case_worker", CASE_WORKER, "Sri Wahyuni"))
    supervisor = Watched(
        browser, stack, headers_for("supervisor", "sekber-jatim", "Bu Ratna", jurisdiction="35")
    )
    try:
        worker.visit("/rujukan/baru")
        form = worker.page
        pick_place(form, village)
        form.select_option("#category", "LUT")
        form.check('input[name="urgency"][value="normal"]')
        form.fill("#beneficiary_name", "Bu Sarminah")
        form.fill("#beneficiary_nik", nik)
        form.fill("#description", "Lansia butuh obat dan makanan")
        form.fill("#reporter_name", "Sri Wahyuni")
        form.click("button[type=submit]:not([name=step])")
        form.wait_for_selector("#possible-duplicates")
        warning = form.inner_text("#possible-duplicates")
        assert f"Kemungkinan sudah dilaporkan: {first['tracking_code']}" in warning
        assert "Tinggal sendiri" not in form.inner_text("main"), "nothing of the other case"
        assert form.input_value("#description") == "Lansia butuh obat dan makanan"
        shoot(form, "40-rujukan-kemungkinan-duplikat")
        form.click("button[type=submit]:not([name=step])")  # "Kirim juga"
        form.wait_for_url(re.compile(r"/kasus/[0-9a-f-]+\?baru=1"))
        dup_id = form.url.split("/kasus/")[1].split("?")[0]

        supervisor.visit(f"/kasus/{dup_id}")
        page = supervisor.page
        assert "Kemungkinan duplikat" in page.inner_text("#duplikat")
        assert "NIK sama" in page.inner_text("#duplikat")
        shoot(page, "41-kasus-kemungkinan-duplikat")
        supervisor.current = f"/kasus/{dup_id}/gabung"
        page.click(f"#duplikat form[action='/kasus/{dup_id}/gabung'] button")
        page.wait_for_url(re.compile(r"\?ok=merge"))
        assert first["tracking_code"] in page.inner_text("#merged-into")
        shoot(page, "42-kasus-digabung")
        supervisor.visit(f"/kasus/{first['case_id']}")
        assert "Kasus duplikat yang digabung ke sini" in page.inner_text("#merged-from")
        shoot(page, "43-kasus-penampung-gabungan")
    finally:
        worker.close()
        supervisor.close()
    problems = worker.problems + supervisor.problems
    assert problems == [], "\n".join(problems)
