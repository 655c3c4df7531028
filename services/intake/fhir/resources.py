"""Sekber's records as FHIR R4 resources (plain JSON dicts), without I/O.

`base` is the server's FHIR base URL (…/fhir/r4): Sekber's own code systems and
identifier systems live under it (services/intake/fhir/codes.py). References are relative
(`Patient/<id>`), as a FHIR server's own references are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from services.intake.fhir import codes
from shared.domain import categories, nik, regions, tracking, vocabulary
from shared.domain.access import Disclosure
from shared.domain.lifecycle import State
from shared.domain.urgency import Urgency
from shared.models import Case, Coordinator, Pillar, Referral, Region

Json = dict[str, Any]


def coding(system: str, code: str, display: str | None = None) -> Json:
    found: Json = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None) -> Json:
    return {"coding": [coding(system, code, display)], "text": display or code}


def _english(table: Mapping[str, tuple[str, str]], code: str) -> str:
    return table[code][1] if code in table else code


def _requester(case: Case) -> Json | None:
    """The organisation the case worker reported from, as they named it."""
    if not case.reporter_organisation:
        return None
    return {"type": "Organization", "display": case.reporter_organisation}


def _owner(coordinator: Coordinator | None) -> Json | None:
    if coordinator is None:
        return None
    return {"reference": f"PractitionerRole/{coordinator.id}", "display": coordinator.name}


def _ppks(base: str, code: str) -> Json:
    category = categories.BY_CODE.get(code)
    return concept(f"{base}/{codes.PPKS}", code, category.name_en if category else None)


def _prune(resource: Json) -> Json:
    """FHIR has no empty values: leave out what is None or empty."""
    return {k: v for k, v in resource.items() if v not in (None, [], {}, "")}


def task(base: str, referral: Referral, case: Case, owner: Coordinator | None) -> Json:
    state = State(referral.status)
    inputs = [
        {
            "type": concept(f"{base}/{codes.DEADLINE}", step, _english(vocabulary.STEP, step)),
            "valueDateTime": codes.instant(due),
        }
        for step, due in (
            ("accept", referral.accept_due_at),
            ("first_contact", referral.contact_due_at),
        )
        if due is not None
    ]
    outputs = []
    if referral.outcome_code:
        outcome = referral.outcome_code
        outputs.append(
            {
                "type": concept(f"{base}/{codes.OUTPUT}", "outcome", "Outcome"),
                "valueCodeableConcept": concept(
                    f"{base}/{codes.OUTCOME}", outcome, _english(vocabulary.OUTCOME, outcome)
                ),
            }
        )
    started = referral.accepted_at or referral.started_at
    return _prune(
        {
            "resourceType": "Task",
            "id": str(referral.id),
            "meta": {
                "versionId": str(referral.version),
                "lastUpdated": codes.instant(referral.updated_at),
            },
            "groupIdentifier": {
                "system": f"{base}/{codes.TRACKING_CODE}",
                "value": case.tracking_code,
            },
            "partOf": [{"reference": f"Task/{referral.parent_id}"}] if referral.parent_id else None,
            "status": codes.TASK_STATUS[state],
            "statusReason": concept(
                f"{base}/{codes.REASON}",
                referral.reason_code,
                _english(vocabulary.REASON, referral.reason_code),
            )
            if referral.reason_code
            else None,
            "businessStatus": concept(
                f"{base}/{codes.BUSINESS_STATUS}",
                state.value,
                codes.BUSINESS_STATUS_DISPLAY[state],
            )
            if state in codes.BUSINESS_STATES
            else None,
            "intent": "order",
            "priority": codes.PRIORITY[Urgency(case.urgency)],
            "code": concept(codes.TASK_CODE, "fulfill", "Fulfill the focal request"),
            "description": referral.purpose_en,
            "focus": {
                "reference": "ServiceRequest/"
                + codes.service_request_id(str(case.id), referral.pillar_code)
            },
            "for": {"reference": f"Patient/{case.id}"},
            "executionPeriod": _prune(
                {
                    "start": codes.instant(started) if started else None,
                    "end": codes.instant(referral.closed_at) if referral.closed_at else None,
                }
            )
            or None,
            "authoredOn": codes.instant(referral.created_at),
            "lastModified": codes.instant(referral.updated_at),
            "requester": _requester(case),
            "owner": _owner(owner),
            "restriction": {
                "period": {
                    "start": codes.instant(referral.assigned_at or referral.created_at),
                    "end": codes.instant(referral.resolve_due_at),
                }
            }
            if referral.resolve_due_at
            else None,
            "input": inputs,
            "output": outputs,
        }
    )


def service_request(
    base: str,
    case: Case,
    pillar: Pillar,
    tasks: Sequence[Referral],
    coordinators: Mapping[Any, Coordinator],
) -> Json:
    """One pillar asked to act on one case: its tasks (oldest first) are the attempts."""
    latest = tasks[-1]
    needs = list(case.needs or [])
    need_system = f"{base}/{codes.NEED}"
    code: Json = {"text": latest.purpose_en}
    if needs:
        code["coding"] = [coding(need_system, needs[0], _english(vocabulary.NEED, needs[0]))]
    holder = coordinators.get(latest.coordinator_id) if latest.coordinator_id else None
    return _prune(
        {
            "resourceType": "ServiceRequest",
            "id": codes.service_request_id(str(case.id), pillar.code),
            "meta": {"lastUpdated": codes.instant(max(t.updated_at for t in tasks))},
            "requisition": {
                "system": f"{base}/{codes.TRACKING_CODE}",
                "value": case.tracking_code,
            },
            "status": codes.service_request_status(t.status for t in tasks),
            "intent": "order",
            "category": [
                *(
                    concept(codes.SDOHCC, c, d)
                    for c, d in codes.sdoh_categories(case.category_code, needs)
                ),
                _ppks(base, case.category_code),
            ],
            "priority": codes.PRIORITY[Urgency(case.urgency)],
            "code": code,
            "orderDetail": [
                concept(need_system, n, _english(vocabulary.NEED, n)) for n in needs[1:]
            ],
            "subject": {"reference": f"Patient/{case.id}"},
            "authoredOn": codes.instant(min(t.created_at for t in tasks)),
            "requester": _requester(case),
            "performer": [
                {
                    "reference": f"Organization/{codes.pillar_id(pillar.code)}",
                    "display": pillar.name_en,
                },
                *([_owner(holder)] if holder else []),
            ],
            "reasonCode": [_ppks(base, case.category_code)],
        }
    )


def patient(case: Case, disclosure: Disclosure, names: Mapping[str, str]) -> Json:
    """The beneficiary as `disclosure` lets the reader see them, as /api/v1 shows them
    (shared/domain/access.py): the NIK in full or masked, the name or its initials, the
    birth date or nothing. A masked record says so in meta.security."""
    nik_value = case.beneficiary_nik if disclosure.full_nik else nik.mask(case.beneficiary_nik)
    masked = (nik_value != case.beneficiary_nik) or not disclosure.full_name
    return _prune(
        {
            "resourceType": "Patient",
            "id": str(case.id),
            "meta": _prune(
                {
                    "lastUpdated": codes.instant(case.updated_at),
                    "security": [coding(codes.SECURITY, "MASKED", "masked")] if masked else None,
                }
            ),
            "identifier": [{"use": "official", "system": codes.NIK, "value": nik_value}]
            if nik_value
            else None,
            "active": case.merged_into_id is None,
            "name": [
                {
                    "use": "usual",
                    "text": case.beneficiary_name
                    if disclosure.full_name
                    else tracking.initials(case.beneficiary_name),
                }
            ],
            "gender": {"F": "female", "M": "male"}.get(case.beneficiary_sex or ""),
            "birthDate": case.beneficiary_birth_date.isoformat()
            if disclosure.birth_date and case.beneficiary_birth_date
            else None,
            "address": [{"use": "home", **address(case.village_code, names)}],
            "link": [
                {"other": {"reference": f"Patient/{case.merged_into_id}"}, "type": "replaced-by"}
            ]
            if case.merged_into_id
            else None,
        }
    )


def address(village_code: str, names: Mapping[str, str]) -> Json:
    """An Indonesian address as SATUSEHAT writes it: the region names, and the Kemendagri
    codes in the administrativeCode extension."""
    chain = list(reversed(regions.ancestors(village_code)))  # province first
    named = [names.get(c, c) for c in chain]
    fields = dict(zip(("state", "city", "district"), named, strict=False))
    return _prune(
        {
            "extension": [
                {
                    "url": codes.ADMINISTRATIVE_CODE,
                    "extension": [
                        {"url": part, "valueCode": value}
                        for part, value in codes.administrative_codes(village_code)
                    ],
                }
            ],
            "text": ", ".join(reversed(named)),
            **fields,
            "country": "ID",
        }
    )


def organization(base: str, pillar: Pillar) -> Json:
    return {
        "resourceType": "Organization",
        "id": codes.pillar_id(pillar.code),
        "identifier": [{"system": f"{base}/{codes.PILLAR_ID}", "value": pillar.code}],
        "active": True,
        "type": [concept(f"{base}/{codes.PILLAR}", pillar.code, pillar.name_en)],
        "name": pillar.name_id,
        "alias": [pillar.name_en],
    }


def practitioner_role(base: str, coordinator: Coordinator, pillar: Pillar) -> Json:
    """A coordinator (a person or a unit) of a pillar, in the region they serve; no
    contact details."""
    return _prune(
        {
            "resourceType": "PractitionerRole",
            "id": str(coordinator.id),
            "meta": {"lastUpdated": codes.instant(coordinator.updated_at)},
            "active": coordinator.active,
            "practitioner": {"display": coordinator.name} if coordinator.kind == "person" else None,
            "organization": {
                "reference": f"Organization/{codes.pillar_id(pillar.code)}",
                "display": coordinator.name if coordinator.kind == "unit" else pillar.name_en,
            },
            "code": [concept(f"{base}/{codes.PILLAR}", pillar.code, pillar.name_en)],
            "location": [{"reference": f"Location/{coordinator.region_code}"}],
        }
    )


def location(base: str, region: Region, names: Mapping[str, str]) -> Json:
    """A Kemendagri region (province, kab/kota, kecamatan, desa/kelurahan)."""
    parent = regions.parent(region.code)
    return _prune(
        {
            "resourceType": "Location",
            "id": region.code,
            "identifier": [{"system": f"{base}/{codes.REGION_CODE}", "value": region.code}],
            "status": "inactive" if region.retired_in else "active",
            "name": region.name,
            "description": region.level,
            "mode": "instance",
            "physicalType": concept(
                "http://terminology.hl7.org/CodeSystem/location-physical-type",
                "jdn",
                "Jurisdiction",
            ),
            "address": address(region.code, names),
            "partOf": {"reference": f"Location/{parent}"} if parent else None,
        }
    )


def bundle(
    base: str,
    kind: str,
    params: Sequence[tuple[str, str]],
    entries: list[Json],
    cursor: str | None,
) -> Json:
    """A searchset page: `self` repeats the search, `next` (only when there is more)
    carries the cursor after the last entry."""
    url = f"{base}/{kind}"
    links = [{"relation": "self", "url": f"{url}?{urlencode(params)}" if params else url}]
    if cursor:
        links.append(
            {"relation": "next", "url": f"{url}?{urlencode([*params, ('_cursor', cursor)])}"}
        )
    return _prune(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "link": links,
            "entry": [
                {"fullUrl": f"{url}/{e['id']}", "resource": e, "search": {"mode": "match"}}
                for e in entries
            ],
        }
    )
