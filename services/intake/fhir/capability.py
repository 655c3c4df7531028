"""The CapabilityStatement: what this FHIR server reads and searches (pure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.intake.fhir import codes

SPEC = "http://hl7.org/fhir/SearchParameter"
_LAST_UPDATED = {
    "name": "_lastUpdated",
    "definition": f"{SPEC}/Resource-lastUpdated",
    "type": "date",
    "documentation": "eq (default), ge, gt, le, lt on meta.lastUpdated (UTC when no zone)",
}
_PAGING = (
    "Oldest change first (meta.lastUpdated, then id); _count 1-100 (default 20); the next "
    "link, present only when there is more, carries an opaque _cursor. Unknown parameters "
    "are refused with 400."
)


def _read_only(kind: str, *search: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": kind,
        "interaction": [{"code": "read"}] + ([{"code": "search-type"}] if search else []),
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
    }
    if search:
        found["searchParam"] = list(search)
        found["documentation"] = _PAGING
    return found


def capability_statement(*, base: str, version: str, now: datetime) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": codes.instant(now),
        "publisher": "Sekber",
        "kind": "instance",
        "software": {"name": "Sekber", "version": version},
        "implementation": {
            "description": "Sekber: referrals of East Java's social pillars, read-only",
            "url": base,
        },
        "fhirVersion": codes.FHIR_VERSION,
        "format": [codes.MEDIA_TYPE, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read-only. A referral of a case to one pillar is a "
                "ServiceRequest; each attempt at it (a task held by a coordinator) a Task "
                "that follows the SDOH Clinical Care referral life cycle.",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": "A bearer token (POST /api/v1/auth/token) or an API key "
                    "(X-API-Key), as for /api/v1; each reader sees the records of their "
                    "scope, and a person's identity as their role needs it.",
                },
                "resource": [
                    _read_only(
                        "Task",
                        {
                            "name": "status",
                            "definition": f"{SPEC}/Task-status",
                            "type": "token",
                        },
                        {
                            "name": "owner",
                            "definition": f"{SPEC}/Task-owner",
                            "type": "reference",
                        },
                        _LAST_UPDATED,
                    ),
                    _read_only(
                        "ServiceRequest",
                        {
                            "name": "status",
                            "definition": f"{SPEC}/ServiceRequest-status",
                            "type": "token",
                        },
                        {
                            "name": "performer",
                            "definition": f"{SPEC}/ServiceRequest-performer",
                            "type": "reference",
                        },
                        _LAST_UPDATED,
                    ),
                    _read_only("Patient"),
                    _read_only("Organization"),
                    _read_only("PractitionerRole"),
                    _read_only("Location"),
                ],
            }
        ],
    }
