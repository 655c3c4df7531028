"""A case reported by message (RUJUK ...), stored through the same path as the API:
the referral schema checks it (one rule for every way in), and submit_referral stores
it, its duplicate check and its CaseReceived event in one commit, with the message's
answer written in that same commit (`on_stored`). The message's id is the idempotency
key, so a message handled twice makes one case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from services.intake.messaging import wording
from services.intake.messaging.senders import Reporter
from services.intake.referrals import service as referrals
from services.intake.referrals.schemas import ReferralCreate
from shared.db import UowFactory
from shared.domain.message_commands import Report
from shared.models import Case

# The referral schema's fields, as the message names them (wording.REPORT_FIELDS).
_FIELD = {
    "category": "category",
    "village_code": "village_code",
    "beneficiary.name": "name",
    "beneficiary.nik": "nik",
    "description": "description",
    "urgency": "description",
}


class ReportRefused(Exception):
    def __init__(self, field: str, problem: str = "") -> None:
        super().__init__(field)
        self.field = field
        self.problem = problem


def referral_of(report: Report, reporter: Reporter) -> ReferralCreate:
    """The report as the API's referral body, checked by the API's schema."""
    body: dict[str, Any] = {
        "category": report.category,
        "village_code": report.village_code,
        "urgency": "emergency" if report.emergency else "normal",
        "description": report.description,
        "beneficiary": {"name": report.name, "nik": report.nik},
        "reporter": {"name": reporter.name, "phone": reporter.phone},
    }
    try:
        return ReferralCreate.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        field = _FIELD.get(where, "description")
        # The NIK's own rule says what is wrong with it (e.g. "digits 9-10 are not a month"),
        # in English: refused_text uses it for English answers only.
        problem = first["msg"].removeprefix("Value error, ") if field == "nik" else ""
        raise ReportRefused(field, problem) from None


def submit(
    *,
    uow_factory: UowFactory,
    data: ReferralCreate,
    reporter: Reporter,
    message_key: str,
    correlation_id: str,
    today: date,
    duplicate_threshold: float,
    on_stored: Callable[[Session, Case], None],
) -> referrals.Submitted:
    """Store the referral as the reporter's; `on_stored` writes the message's answer in
    the same commit."""
    try:
        return referrals.submit_referral(
            uow_factory=uow_factory,
            data=data,
            idempotency_key=message_key,
            correlation_id=correlation_id,
            today=today,
            reported_by=reporter.label,
            jurisdiction=reporter.jurisdiction,
            duplicate_threshold=duplicate_threshold,
            on_stored=lambda session, case, _found: on_stored(session, case),
        )
    except referrals.InvalidReferral as exc:
        field = _FIELD.get(".".join(exc.field), "description")
        raise ReportRefused(field, "outside" if exc.status == 403 else "unknown") from None


_PROBLEMS = {
    "outside": ("desa di luar wilayah kerja Anda", "the village is outside your area"),
    "unknown": ("tidak ditemukan", "not found"),
}


def refused_text(refusal: ReportRefused, language: str) -> str:
    problem = refusal.problem
    if problem in _PROBLEMS:
        problem = wording.pick(_PROBLEMS[problem], language)
    elif language != "en":
        problem = ""  # the NIK rule speaks English: say what is wanted, in Indonesian
    return wording.report_refused(refusal.field, language, problem=problem)
