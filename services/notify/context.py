"""What a message may say, gathered from the database and the event's facts.

No NIK, no full name, no contact details of anyone: the tracking code, the category, the
urgency, place names, the beneficiary's initials (never to a pillar that does not see
identities, such as CSR partners) and a link.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.notify import reference, wording
from services.notify.recipients import Audience, Plan, Recipient
from shared.casework.action_links import Issuer
from shared.domain import regions
from shared.domain.tracking import initials
from shared.models import Case, Referral

# Messages that ask a coordinator to answer a task: they carry accept and decline links.
ASKS_FOR_ANSWER = frozenset({"referral_assigned", "referral_offered"})


def message_context(
    session: Session,
    *,
    plan: Plan,
    recipient: Recipient,
    base_url: str,
    action_links: Issuer | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    case = session.get_one(Case, plan.case_id)
    context = case_context(session, case=case, base_url=base_url)
    context.update(
        recipient=recipient.name, audience=recipient.audience.value, accept_link="", decline_link=""
    )
    if plan.referral_id is not None:
        referral = session.get_one(Referral, plan.referral_id)
        pillar = reference.pillar(session, referral.pillar_code)
        context.update(
            pillar=pillar.name_id,
            pillar_en=pillar.name_en,
            purpose=referral.purpose,
            purpose_en=referral.purpose_en,
        )
        # CSR partners never receive a beneficiary's identity, not even initials; nor does
        # anyone else through a message about their task. The reporter entered it.
        if not pillar.sees_identity and recipient.audience is not Audience.REPORTER:
            context["initials"] = "-"
        if (
            action_links is not None
            and now is not None
            and recipient.kind in ASKS_FOR_ANSWER
            and recipient.coordinator_id is not None
        ):
            # Signed for the version the task has now: if it moves on, the link says so.
            accept, decline = (
                action_links.url(
                    base_url,
                    referral_id=referral.id,
                    coordinator_id=recipient.coordinator_id,
                    action=action,
                    version=referral.version,
                    now=now,
                )
                for action in ("accept", "reject")
            )
            context.update(accept_link=accept, decline_link=decline)
    context.update(facts_in_words(session, plan.facts))
    return context


def case_context(session: Session, *, case: Case, base_url: str) -> dict[str, Any]:
    category = reference.category(session, case.category_code)
    village, district, regency = regions.ancestors(case.village_code)[:3]
    names = reference.region_names(session, (village, district, regency))
    return {
        "tracking_code": case.tracking_code,
        "category_code": category.code,
        "category_id": category.name_id,
        "category_en": category.name_en,
        "urgency": case.urgency,
        "village": names[village],
        "kecamatan": names[district],
        "kab_kota": names[regency],
        "initials": initials(case.beneficiary_name),
        "link": case_link(base_url, case.id),
    }


def case_link(base_url: str, case_id: uuid.UUID) -> str:
    return f"{base_url.rstrip('/')}/api/v1/cases/{case_id}"


def facts_in_words(session: Session, facts: dict[str, Any]) -> dict[str, Any]:
    """Each fact with its words in both languages (`x_id`, `x_en`), for the templates."""
    words: dict[str, Any] = {}
    for name, value in facts.items():
        if name == "step":
            words["step_id"], words["step_en"] = wording.step(value)
        elif name == "due_at":
            words["due_id"] = wording.local_time(value, "id")
            words["due_en"] = wording.local_time(value, "en")
        elif name == "region_code":
            region = _region_name(session, value)
            words["sekber_id"], words["sekber_en"] = wording.sekber(facts["level"], region)
        elif name == "outcomes":
            labels = [wording.outcome(code) for code in value]
            words["outcomes_id"] = [label[0] for label in labels]
            words["outcomes_en"] = [label[1] for label in labels]
        else:
            words[name] = value
    return words


def _region_name(session: Session, code: str) -> str:
    return reference.region_names(session, (code,))[code]
