"""Villages in made-up provinces (41-43: codes Kemendagri does not use), for tests that
need coordinators and cases nobody else routes to or scans (43: the CSV export test's
regions, with hostile names).

Only the regency, district and village are added: the country keeps its 38 provinces,
which other tests count."""

from __future__ import annotations

from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Region

# Codes Kemendagri does not use: tests that count the national list leave them out.
PROVINCES = ("41", "42", "43")


def village_in(uow_factory: UowFactory, province: str) -> str:
    """The code of the one village of `province` (added on first use)."""
    if province not in PROVINCES:
        raise ValueError(f"{province} is a real province code; use one of {PROVINCES}")
    regency, district = f"{province}.01", f"{province}.01.01"
    village = f"{district}.2001"
    rows = (
        Region(
            code=regency, name=f"Kabupaten Uji {province}", level="regency", parent_code=province
        ),
        Region(
            code=district, name=f"Kecamatan Uji {province}", level="district", parent_code=regency
        ),
        Region(code=village, name=f"Desa Uji {province}", level="village", parent_code=district),
    )
    with uow_factory() as uow:
        known = set(
            uow.session.scalars(select(Region.code).where(Region.code.like(f"{province}.%")))
        )
        uow.session.add_all(row for row in rows if row.code not in known)
        uow.commit()
    return village
