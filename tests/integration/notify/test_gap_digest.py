"""The weekly digest of service gaps to province supervisors (issue 26): on Monday from the
digest hour, the week before's five worst gaps of each province with supervisors, once.
Its rows are in DKI Jakarta (31), in October 2026, where no other test puts tasks."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.notify import gap_digest
from shared.db import UowFactory
from shared.models import ServiceGapDigest, User
from tests.integration.factories import add_task

MONDAY_8_WIB = datetime(2026, 10, 12, 1, 0, tzinfo=UTC)
WEEK = date(2026, 10, 5)
BASE = "https://sekber.example"


def _declined(uow_factory: UowFactory, village: str, pillar: str, reason: str) -> None:
    at = datetime(2026, 10, 6, 3, 0, tzinfo=UTC)
    with uow_factory() as uow:
        add_task(uow.session, village, pillar, "rejected", at, reason=reason,
                 closed=at + timedelta(hours=2))  # fmt: skip
        uow.commit()


def test_a_province_gets_its_five_worst_gaps_of_last_week_once(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(User(username=f"sv-{uuid.uuid4().hex[:6]}", name="Bu Jakarta",
                             role="supervisor", jurisdiction="31"))  # fmt: skip
        uow.commit()
    _declined(uow_factory, "31.73.01.1001", "LKS", "no_capacity")
    _declined(uow_factory, "31.73.01.1001", "LKS", "out_of_area")
    _declined(uow_factory, "31.74.01.1001", "CSR", "no_capacity")
    _declined(uow_factory, "31.74.01.1001", "PSM", "not_eligible")  # no gap of capacity

    made = gap_digest.send_weekly(uow_factory, hour=7, now=MONDAY_8_WIB, base_url=BASE)
    again = gap_digest.send_weekly(uow_factory, hour=7, now=MONDAY_8_WIB, base_url=BASE)

    with uow_factory() as uow:
        digests = list(uow.session.scalars(
            select(ServiceGapDigest).where(ServiceGapDigest.week_start == WEEK)
        ))  # fmt: skip
    by_region = {d.region_code: d for d in digests}
    # Jakarta's and East Java's at least (other tests may add a province's supervisor),
    # each once.
    assert {"31", "35"} <= set(by_region)
    assert (made, again) == (len(by_region), 0)
    jakarta = by_region["31"]
    named = [(i["region_code"], i["pillar"], i["gap_score"]) for i in jakarta.items]
    assert named[:2] == [("31.73", "LKS", 2.0), ("31.74", "CSR", 1.0)]
    assert ("31.74", "PSM") not in {(code, pillar) for code, pillar, _ in named}
    assert "Celah layanan minggu 05-10-2026 s.d. 11-10-2026" in jakarta.subject_id
    assert "1. Kota Administrasi Jakarta Barat, LKS: skor 2,00" in jakarta.body_id
    assert "worst in Daerah Khusus Ibukota Jakarta" in jakarta.subject_en
    assert f"{BASE}/dasbor/celah-layanan?region=31&from=05-10-2026" in jakarta.body_id


def test_before_the_digest_hour_on_monday_the_week_before_is_the_one_due(
    uow_factory: UowFactory,
) -> None:
    early = MONDAY_8_WIB - timedelta(hours=2)  # 06:00 WIB

    gap_digest.send_weekly(uow_factory, hour=7, now=early, base_url=BASE)

    with uow_factory() as uow:
        weeks = set(uow.session.scalars(
            select(ServiceGapDigest.week_start).where(ServiceGapDigest.region_code == "35")
        ))  # fmt: skip
    assert date(2026, 9, 28) in weeks
