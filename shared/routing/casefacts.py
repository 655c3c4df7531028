"""What routing knows about a case, from a stored case or from the fields of a would-be one.

Routing, the intake's simulation and the rule replay all read facts here, so a case is
seen the same way wherever a decision about it is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.routing.facts import CaseFacts, DisasterScope, Need, age_band
from shared.domain.routing.replay import ReplayCase
from shared.models import Case


def facts(
    *,
    category: str,
    village_code: str,
    urgency: str,
    needs: Iterable[str],
    disaster_scope: str | None,
    birth_date: date | None,
    nik: str | None,
    today: date,
) -> CaseFacts:
    return CaseFacts(
        category=category,
        village_code=village_code,
        urgency=urgency,
        needs=frozenset(Need(n) for n in needs),
        age_band=age_band(birth_date=birth_date, nik=nik, today=today),
        disaster_scope=DisasterScope(disaster_scope) if disaster_scope else None,
    )


def case_facts(case: Case, *, today: date) -> CaseFacts:
    return facts(
        category=case.category_code,
        village_code=case.village_code,
        urgency=case.urgency,
        needs=case.needs or (),
        disaster_scope=case.disaster_scope,
        birth_date=case.beneficiary_birth_date,
        nik=case.beneficiary_nik,
        today=today,
    )


def recent_cases(session: Session, *, limit: int, today: date) -> list[ReplayCase]:
    """The `limit` most recently received cases, newest first, labelled by tracking code."""
    cases = session.scalars(
        select(Case).order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)
    )
    return [ReplayCase(label=c.tracking_code, facts=case_facts(c, today=today)) for c in cases]
