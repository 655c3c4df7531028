"""The weekly digest of service gaps (issue 26): every Monday from SEKBER_DIGEST_HOUR_WIB
on, for each province that has supervisors (and always East Java, whose Sekber this is),
the five worst gaps of the week before (kab/kota x pillar, shared/gaps/read.py), worded
in Bahasa Indonesia and English and kept in service_gap_digests, where the page
/dasbor/celah-layanan and GET /api/v1/dashboard/service-gaps/digest show it to the
province's supervisors. Counts and codes only: no person.

Run by the daily digests' periodic task. Idempotent per (province, week): the unique key
makes a second run, or two at once, make nothing; a week missed while the worker was
down is made on its next run, until the next week's is due.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.notify import messages
from shared.db import UowFactory
from shared.domain import gaps, regions
from shared.domain.access import Role
from shared.domain.wib import Period
from shared.gaps import read
from shared.models import Region, ServiceGapDigest, User

log = logging.getLogger(__name__)
KIND = "service_gaps"


def provinces(uow_factory: UowFactory) -> list[str]:
    """East Java, and every province an active supervisor's jurisdiction is."""
    with uow_factory() as uow:
        found = uow.session.scalars(
            select(User.jurisdiction).where(
                User.role == Role.SUPERVISOR.value, User.active.is_(True)
            )
        )
        codes = {code for code in found if code and len(code) == 2}
    return sorted(codes | {regions.EAST_JAVA})


def send_weekly(uow_factory: UowFactory, *, hour: int, now: datetime, base_url: str) -> int:
    """Make the digests of the latest week due that are not made yet; how many were made."""
    week = gaps.digest_week(now, hour=hour)
    made = 0
    for province in provinces(uow_factory):
        if _make(uow_factory, province, week=week, now=now, base_url=base_url):
            made += 1
    return made


def _make(
    uow_factory: UowFactory, province: str, *, week: date, now: datetime, base_url: str
) -> bool:
    with uow_factory() as uow:
        session = uow.session
        done = select(ServiceGapDigest.id).where(
            ServiceGapDigest.region_code == province, ServiceGapDigest.week_start == week
        )
        if session.scalar(done) is not None:
            return False
        name = session.scalar(select(Region.name).where(Region.code == province)) or province
        last = week + timedelta(days=6)
        rows = read.service_gaps(session, read.Ask(province, Period(week, last), now))
        items = [gaps.record(r) for r in gaps.worst(rows)]
        context = {
            "region_name": name,
            "items": items,
            "urgency": "low",
            "week_id": f"{week:%d-%m-%Y} s.d. {last:%d-%m-%Y}",
            "week_en": f"{week:%d-%m-%Y} to {last:%d-%m-%Y}",
            "link": f"{base_url.rstrip('/')}/dasbor/celah-layanan?region={province}"
            f"&from={week:%d-%m-%Y}&to={last:%d-%m-%Y}",
        }
        words = {lang: messages.render(KIND, language=lang, context=context)
                 for lang in ("id", "en")}  # fmt: skip
        session.add(
            ServiceGapDigest(
                region_code=province,
                week_start=week,
                items=items,
                subject_id=words["id"].subject[:200],
                body_id=words["id"].body,
                subject_en=words["en"].subject[:200],
                body_en=words["en"].body,
                created_at=now,
            )
        )
        try:
            uow.commit()
        except IntegrityError:  # another run made it first
            log.info("the service-gap digest of %s for %s was made by another run", province, week)
            return False
    log.info("service-gap digest of %s for the week of %s: %d gaps", province, week, len(items))
    return True
