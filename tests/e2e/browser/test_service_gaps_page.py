"""Service gaps by region in Chromium (issue 26): the supervisor's map of East Java's 38
kab/kota laid out as the province lies, shaded by gap score with the number in every tile,
the table and its CSV, a pillar chosen, a click through to a kab/kota's kecamatan, English
on the switch; no console error, no CSP violation, usable at 360 px (screenshots)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from services.intake.dashboard import cartogram
from shared.db import UowFactory
from shared.domain import pillars
from tests.e2e.browser.pages import shoot, weigh
from tests.e2e.browser.test_every_page import Watched
from tests.e2e.stack import Stack
from tests.integration.factories import add_task
from tests.support.auth import headers_for

SUPERVISOR = headers_for("supervisor", "sekber-jatim", "Bu Ratna", jurisdiction="35")
# (village, pillar, status, decline reason, how many): gaps of several sizes.
GAPS = [
    ("35.29.01.1015", "PSM", "unassigned", None, 4),  # Sumenep
    ("35.78.01.1001", "LKS", "unassigned", None, 12),  # Kota Surabaya
    ("35.09.01.2001", "TKSK", "rejected", "no_capacity", 3),  # Jember
    ("35.01.01.2001", "TAGANA", "rejected", "out_of_area", 1),  # Pacitan
]


def _write_gaps(uow_factory: UowFactory) -> None:
    now = datetime.now(UTC) - timedelta(hours=3)
    with uow_factory() as uow:
        s = uow.session
        for village, pillar, status, reason, n in GAPS:
            for _ in range(n):
                add_task(s, village, pillar, status, now, reason=reason,
                         closed=now + timedelta(hours=1) if reason else None)  # fmt: skip
        uow.commit()


def _box(page: Any, code: str) -> dict[str, float]:
    found: dict[str, float] = page.locator(f'#gapmap li[data-code="{code}"]').bounding_box()
    return found


def test_the_supervisor_reads_the_gap_map_and_goes_down_to_the_kecamatan(
    browser: Any, stack: Stack, uow_factory: UowFactory, weights: dict[str, int]
) -> None:
    _write_gaps(uow_factory)
    supervisor = Watched(browser, stack, SUPERVISOR)
    try:
        supervisor.visit("/dasbor/celah-layanan?lang=id")
        page = supervisor.page
        weigh(page, "dasbor-celah-layanan", weights)
        assert page.locator("#gapmap li.gtile").count() == 38
        # Every tile's number and shade: the score, shaded by the fixed breaks.
        for tile in page.locator("#gapmap li.gtile").all():
            score = float(tile.get_attribute("data-score") or "0")
            assert f"g{cartogram.shade(score)}" in (tile.get_attribute("class") or "").split()
        surabaya = page.locator('#gapmap li[data-code="35.78"]')
        assert "Kota Surabaya" in surabaya.inner_text()
        assert float(surabaya.get_attribute("data-score") or "0") > 0
        # Laid out as the province lies: Ngawi west of Banyuwangi, Madura above Pacitan.
        assert _box(page, "35.21")["x"] < _box(page, "35.10")["x"]
        assert _box(page, "35.29")["y"] < _box(page, "35.01")["y"]
        scores = [float(t.get_attribute("data-score") or "0")
                  for t in page.locator("#gapmap li.gtile").all()]  # fmt: skip
        first = page.inner_text("#gaptable tbody tr:first-child td:nth-child(3)")
        assert float(first.replace(",", ".")) == max(scores)
        shoot(page, "50-celah-layanan")

        href = page.get_attribute("a.csv", "href")
        exported = httpx.get(f"{stack.base_url}{href}", headers=SUPERVISOR, timeout=10)
        assert exported.status_code == 200
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert len(rows) == 38 * len(pillars.PILLARS)
        jember = next(r for r in rows if (r["region_code"], r["pillar"]) == ("35.09", "TKSK"))
        assert int(jember["declined_no_capacity"]) >= 3

        page.select_option("#f-pillar", "PSM")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**pillar=PSM**")
        assert page.locator("#gapmap li.gtile").count() == 38
        assert page.locator("#gaptable tbody tr").count() == 38

        supervisor.current = "/dasbor/celah-layanan?region=35.29"
        page.click('#gapmap li[data-code="35.29"] a')
        page.wait_for_url("**region=35.29**")
        assert "Sumenep" in page.inner_text("h1")
        assert page.locator("#gapmap li.gtile").count() == 27  # Sumenep's kecamatan
        shoot(page, "51-celah-layanan-kecamatan")

        supervisor.visit("/dasbor/celah-layanan?lang=en")
        assert "Service gaps" in page.inner_text("h1")
        shoot(page, "52-celah-layanan-en")
        assert supervisor.problems == []
    finally:
        supervisor.close()
