"""What routing would decide for a case, under the active rules or a draft: writes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.intake.referrals.service import require_village
from services.intake.routing_admin import views as routing_views
from services.intake.routing_admin.schemas import SimulatedCase, SimulationRead
from shared.domain.routing import engine as routing_engine
from shared.domain.routing import rules as routing_rules
from shared.routing import casefacts
from shared.routing.directory import LiveDirectory, SnapshotCache
from shared.routing.rulestore import ActiveRules


def simulate(
    *,
    session: Session,
    case: SimulatedCase,
    draft: str | None,
    directory: SnapshotCache,
    active_rules: ActiveRules,
    today: date,
) -> SimulationRead:
    """Decide as the routing worker would, with the directory's current loads.

    Raises InvalidReferral for a village not in the region list and RuleSetError (naming
    the line) for a draft that cannot be used. The caller's session is never committed.
    """
    require_village(session, case.village_code, field=("case", "village_code"))
    rules = routing_rules.parse(draft) if draft is not None else active_rules.get(session)
    decisions = routing_engine.decide(
        case=casefacts.facts(
            category=case.category,
            village_code=case.village_code,
            urgency=case.urgency.value,
            needs=[n.value for n in case.needs],
            disaster_scope=case.disaster_scope.value if case.disaster_scope else None,
            birth_date=case.birth_date,
            nik=case.nik,
            today=today,
        ),
        rules=rules,
        directory=LiveDirectory(directory.get(session), session, today=today),
    )
    return SimulationRead(
        rules_version=rules.version,
        draft=draft is not None,
        decisions=routing_views.decisions_view(session, decisions),
    )
