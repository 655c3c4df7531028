"""Sekber's codes in FHIR R4 terms: pure tables, no I/O.

The task life cycle already is the HL7 FHIR referral Task's (shared/domain/lifecycle.py);
Sekber's two states before a coordinator holds a task (routing, unassigned) read as
`requested` with a business status. A ServiceRequest (one pillar asked to act on one case)
takes its status from its tasks. Sekber's own code lists (PPKS categories, needs, reasons,
outcomes) are local code systems under the server's base URL; where an SDOH Clinical Care
category fits a need or a category, it is given beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared.domain import pillars
from shared.domain.lifecycle import OPEN, State
from shared.domain.urgency import Urgency

FHIR_VERSION = "4.0.1"
MEDIA_TYPE = "application/fhir+json"

# Systems other people define.
NIK = "https://fhir.kemkes.go.id/id/nik"
ADMINISTRATIVE_CODE = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"
SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
SECURITY = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
LOCATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"

# Sekber's own code systems and identifier systems, under the server's FHIR base.
PPKS = "CodeSystem/ppks-category"
NEED = "CodeSystem/need"
REASON = "CodeSystem/task-reason"
OUTCOME = "CodeSystem/task-outcome"
OUTPUT = "CodeSystem/task-output-type"
DEADLINE = "CodeSystem/task-deadline"
BUSINESS_STATUS = "CodeSystem/task-business-status"
PILLAR = "CodeSystem/pillar"
TRACKING_CODE = "sid/tracking-code"
REGION_CODE = "sid/kemendagri-region"
PILLAR_ID = "sid/pillar"

# Task.status for each Sekber state; routing and unassigned say more in businessStatus.
TASK_STATUS: dict[State, str] = {
    State.ROUTING: "requested",
    State.UNASSIGNED: "requested",
    State.REQUESTED: "requested",
    State.ACCEPTED: "accepted",
    State.IN_PROGRESS: "in-progress",
    State.ON_HOLD: "on-hold",
    State.REJECTED: "rejected",
    State.CANCELLED: "cancelled",
    State.COMPLETED: "completed",
    State.FAILED: "failed",
    State.ENTERED_IN_ERROR: "entered-in-error",
}
BUSINESS_STATES = frozenset({State.ROUTING, State.UNASSIGNED})
BUSINESS_STATUS_DISPLAY = {
    State.ROUTING: "Referred onward, waiting for routing to pick a coordinator",
    State.UNASSIGNED: "No coordinator could take it: in the supervisors' queue",
}

# The Sekber states behind each Task.status a search may name.
STATES_OF_TASK_STATUS: dict[str, frozenset[State]] = {}
for _state, _status in TASK_STATUS.items():
    STATES_OF_TASK_STATUS[_status] = STATES_OF_TASK_STATUS.get(_status, frozenset()) | {_state}

SERVICE_REQUEST_STATUSES = ("active", "on-hold", "completed", "revoked", "entered-in-error")

# request-priority: routine | urgent | asap | stat.
PRIORITY: dict[Urgency, str] = {
    Urgency.EMERGENCY: "stat",
    Urgency.HIGH: "urgent",
    Urgency.NORMAL: "routine",
    Urgency.LOW: "routine",
}

# SDOH Clinical Care categories (code, display) where one fits a need or a PPKS category.
_SDOH = {
    "financial-insecurity": "Financial Insecurity",
    "health-insurance-coverage-status": "Health Insurance Coverage Status",
    "medical-cost-burden": "Medical Cost Burden",
    "inadequate-housing": "Inadequate Housing",
    "homelessness": "Homelessness",
    "transportation-insecurity": "Transportation Insecurity",
    "material-hardship": "Material Hardship",
}
SDOH_OF_NEED = {
    "aid_enrolment": "financial-insecurity",
    "health_insurance": "health-insurance-coverage-status",
    "medical_costs": "medical-cost-burden",
    "housing": "inadequate-housing",
    "repatriation": "transportation-insecurity",
    "disaster_relief": "material-hardship",
}
SDOH_OF_CATEGORY = {
    "FM": "financial-insecurity",
    "GEL": "homelessness",
    "KBA": "material-hardship",
}


def sdoh_categories(category: str, needs: Iterable[str]) -> list[tuple[str, str]]:
    """The SDOH categories (code, display) of a case, each once, the category's first."""
    found = [SDOH_OF_CATEGORY.get(category)] + [SDOH_OF_NEED.get(n) for n in needs]
    codes = list(dict.fromkeys(c for c in found if c))
    return [(c, _SDOH[c]) for c in codes]


def task_status(state: str) -> str:
    return TASK_STATUS[State(state)]


def service_request_status(states: Iterable[str]) -> str:
    """A pillar's request on a case, from the states of its tasks (a declined task may be
    replaced; an onward one joins another pillar's request): active while one is open
    (on-hold when every open one is), completed when one was, entered-in-error when every
    task was, else revoked (declined, cancelled or failed without a replacement)."""
    found = [State(s) for s in states]
    open_ = [s for s in found if s in OPEN]
    if not found or all(s is State.ENTERED_IN_ERROR for s in found):
        return "entered-in-error"
    if open_:
        return "on-hold" if all(s is State.ON_HOLD for s in open_) else "active"
    if State.COMPLETED in found:
        return "completed"
    return "revoked"


def pillar_id(code: str) -> str:
    """An Organization id for a pillar: FHIR ids take letters, digits, '-' and '.'."""
    return "pillar-" + code.lower().replace("_", "-")


def pillar_code(organization_id: str) -> str | None:
    if not organization_id.startswith("pillar-"):
        return None
    code = organization_id.removeprefix("pillar-").upper().replace("-", "_")
    return code if code in pillars.BY_CODE else None


def service_request_id(case_id: str, pillar: str) -> str:
    """The referral of one case to one pillar: '<case uuid>-<pillar>'."""
    return f"{case_id}-{pillar.lower().replace('_', '-')}"


def split_service_request_id(value: str) -> tuple[str, str] | None:
    """(case id, pillar code) of a ServiceRequest id, or None if it is not one."""
    case_id, dash, pillar = value[:36], value[36:37], value[37:]
    code = pillar_code("pillar-" + pillar) if dash == "-" else None
    return (case_id, code) if code else None


def instant(value: datetime) -> str:
    """A FHIR instant (UTC, to the microsecond: a poller's `_lastUpdated=gt` then skips
    exactly what it has seen)."""
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


def administrative_codes(village_code: str) -> list[tuple[str, str]]:
    """SATUSEHAT's administrativeCode parts of a Kemendagri village code
    ('35.78.08.1001'): province '35', city '3578', district '357808', village
    '3578081001'."""
    parts = village_code.split(".")
    names = ("province", "city", "district", "village")
    return [(names[i], "".join(parts[: i + 1])) for i in range(len(parts))]
