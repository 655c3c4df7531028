"""The filters every dashboard endpoint checks alike (the widgets, the service gaps and
their pages): who may ask, the pillar, the period. Each refusal names its field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.intake.dashboard import measures
from services.intake.edge.errors import refused
from shared.domain.actor import Actor
from shared.domain.pillars import BY_CODE as PILLARS

ROLES = ("supervisor", "admin")
# The answers of every dashboard endpoint, for the OpenAPI document.
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "JSON, or with format=csv the same rows as CSV",
    },
    401: {"description": "Not signed in"},
    403: {"description": "Not a supervisor or admin, or a region outside the jurisdiction"},
    422: {"description": "A filter is not valid; the error names it"},
}


class Refused(ValueError):
    """A filter refused: the status (403 or 422), the field it names, why."""

    def __init__(self, status: int, field: str, msg: str) -> None:
        super().__init__(msg)
        self.status, self.field, self.msg = status, field, msg

    def as_http(self) -> Exception:
        kind = "forbidden" if self.status == 403 else "value_error"
        loc = ["role"] if self.field == "role" else ["query", self.field]
        return refused(self.status, loc, self.msg, kind)


def bad(field: str, msg: str) -> Refused:
    return Refused(422, field, msg)


def role(actor: Actor, what: str) -> None:
    """Supervisors and admins only; `what`: "the dashboard is", "service gaps are"."""
    if actor.kind not in ROLES:
        raise Refused(403, "role", f"{what} for supervisors and admins, not a {actor.kind}")


def scope(jurisdiction: str, region: str | None) -> str:
    """The region asked for (or the jurisdiction): 403 naming it outside the jurisdiction."""
    try:
        return measures.scope(jurisdiction, region)
    except ValueError as exc:
        raise Refused(403, "region", str(exc)) from None


def pillar(code: str | None) -> str | None:
    if code is not None and code not in PILLARS:
        raise bad("pillar", "not a pillar code (TKSK, PSM, LKS, ...)")
    return code


def period(*, first: date | None, last: date | None, now: datetime) -> measures.Period:
    try:
        return measures.period(first=first, last=last, now=now)
    except measures.PeriodError as exc:
        raise bad(exc.field, str(exc)) from None
