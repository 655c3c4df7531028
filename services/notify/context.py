"""What a message about a referral may say, gathered from the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shared.domain import regions
from shared.domain.tracking import initials
from shared.models import Case, Category, Pillar, Referral, Region


def referral_context(
    session: Session, *, case: Case, referral: Referral, recipient: str, base_url: str
) -> dict[str, Any]:
    category = session.get_one(Category, case.category_code)
    pillar = session.get_one(Pillar, referral.pillar_code)
    village, district, regency = regions.ancestors(case.village_code)[:3]
    names = {
        code: (session.get(Region, code) or Region(name=code)).name
        for code in (village, district, regency)
    }
    return {
        "recipient": recipient,
        "tracking_code": case.tracking_code,
        "category_code": category.code,
        "category_id": category.name_id,
        "category_en": category.name_en,
        "urgency": case.urgency,
        "village": names[village],
        "kecamatan": names[district],
        "kab_kota": names[regency],
        # CSR partners never receive a beneficiary's identity, not even initials.
        "initials": initials(case.beneficiary_name) if pillar.sees_identity else "-",
        "pillar": pillar.name_id,
        "purpose": referral.purpose,
        "link": f"{base_url.rstrip('/')}/api/v1/cases/{case.id}",
    }
