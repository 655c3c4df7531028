"""FHIR R4 (4.0.1), read-only, under /fhir/r4: referrals as ServiceRequest and Task (the
SDOH Clinical Care referral life cycle), the person as Patient (NIK and address as
SATUSEHAT writes them), pillars, coordinators and regions as Organization,
PractitionerRole and Location. The same credentials, row scope and masking as /api/v1;
every refusal an OperationOutcome. docs/fhir.md maps each field."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, CO, CW, PUBLIC, SV, allow
from services.intake.fhir import outcome, routes

FHIR = "/fhir/r4"
# Who reads a case through /api/v1/cases reads it here.
READERS = (CW, CO, SV, AD)
RULES = {
    # A FHIR client reads what the server can do before it signs in.
    f"GET {FHIR}/metadata": PUBLIC,
    f"GET {FHIR}/Task": allow(*READERS, audit="referral"),
    f"GET {FHIR}/Task/{{referral_id}}": allow(*READERS, audit="referral"),
    f"GET {FHIR}/ServiceRequest": allow(*READERS, audit="referral"),
    f"GET {FHIR}/ServiceRequest/{{service_request_id}}": allow(*READERS, audit="referral"),
    f"GET {FHIR}/Patient/{{case_id}}": allow(*READERS, audit="case"),
    # The directory and the region list: no beneficiary's data.
    f"GET {FHIR}/Organization/{{organization_id}}": allow(*READERS),
    f"GET {FHIR}/PractitionerRole/{{practitioner_role_id}}": allow(*READERS),
    f"GET {FHIR}/Location/{{code}}": allow(*READERS),
}


def install(app: FastAPI) -> None:
    """Register the routes with their access rules, and answer refusals under /fhir/ as
    OperationOutcome (after the app's own handlers: install this feature last)."""
    policy.include(app, routes.router, prefix=FHIR, rules=RULES)
    outcome.install(app)
