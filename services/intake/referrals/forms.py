"""The referral form: what was typed, turned into the API's body, and the API's refusals
turned back into messages next to the fields (in the reader's language)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pydantic import ValidationError

from services.intake.referrals.schemas import ReferralCreate
from services.intake.web import i18n

FIELDS = (
    "duplicate_seen",  # "1" once the worker was warned of possible duplicates
    "category",
    "kabkota",
    "kecamatan",
    "village_code",
    "urgency",
    "disaster_scope",
    "description",
    "beneficiary_name",
    "beneficiary_nik",
    "beneficiary_birth_date",
    "beneficiary_sex",
    "reporter_name",
    "reporter_organisation",
    "reporter_phone",
    "reporter_email",
    "legal_basis",
    "idempotency_key",
    "step",
)
# The API's field path -> the form field that shows its error.
_FIELD_OF: dict[tuple[str, ...], str] = {
    ("beneficiary", "name"): "beneficiary_name",
    ("beneficiary", "nik"): "beneficiary_nik",
    ("beneficiary", "birth_date"): "beneficiary_birth_date",
    ("beneficiary", "sex"): "beneficiary_sex",
    ("reporter", "name"): "reporter_name",
    ("reporter", "organisation"): "reporter_organisation",
    ("reporter", "phone"): "reporter_phone",
    ("reporter", "email"): "reporter_email",
}
# NIK refusals (shared/domain/nik.py messages) -> i18n keys, matched by a phrase.
_NIK_KEYS = (
    ("16 digits", "nik.len"),
    ("province", "nik.province"),
    ("kab/kota", "nik.region"),
    ("month", "nik.month"),
    ("day of month", "nik.day"),
    ("serial", "nik.serial"),
)


@dataclass
class ReferralForm:
    values: dict[str, str] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def parse(body: bytes) -> ReferralForm:
    """An urlencoded form post (no multipart parser needed)."""
    data = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    values = {name: data.get(name, [""])[0].strip() for name in FIELDS}
    needs = [n for n in data.get("needs", []) if n]
    return ReferralForm(values=values, needs=needs)


def api_body(form: ReferralForm) -> dict[str, Any]:
    """The referral as the API takes it; blank optional fields are left out."""
    v = form.get

    def present(**items: str) -> dict[str, str]:
        return {k: val for k, val in items.items() if val}

    body: dict[str, Any] = {
        "category": v("category"),
        "village_code": v("village_code"),
        "urgency": v("urgency"),
        "needs": form.needs,
        "description": v("description"),
        "beneficiary": {
            "name": v("beneficiary_name"),
            **present(
                nik=v("beneficiary_nik"),
                birth_date=v("beneficiary_birth_date"),
                sex=v("beneficiary_sex"),
            ),
        },
        "reporter": {
            "name": v("reporter_name"),
            **present(
                organisation=v("reporter_organisation"),
                phone=v("reporter_phone"),
                email=v("reporter_email"),
            ),
        },
        "legal_basis": v("legal_basis") or "public_service",
    }
    if v("disaster_scope"):
        body["disaster_scope"] = v("disaster_scope")
    return body


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,120}")


def validate(form: ReferralForm, lang: str) -> ReferralCreate | None:
    """The referral, or None with `form.errors` filled in (one message per field)."""
    key = form.get("idempotency_key")
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        # Made by the page, never typed: a damaged one is replaced and the form shown again.
        form.values["idempotency_key"] = str(uuid.uuid4())
        form.errors["form"] = i18n.translator(lang)("err.invalid")
        return None
    try:
        return ReferralCreate.model_validate(api_body(form))
    except ValidationError as exc:
        for error in exc.errors():
            name, message = field_error(tuple(str(p) for p in error["loc"]), error, lang)
            form.errors.setdefault(name, message)
        return None


def field_error(loc: tuple[str, ...], error: Any, lang: str) -> tuple[str, str]:
    """The form field an API error belongs to, and its message in `lang`."""
    name = _FIELD_OF.get(loc[:2], loc[0] if loc else "form")
    if name not in FIELDS and name != "needs":
        name = "form"
    t = i18n.translator(lang)
    if name == "beneficiary_nik":
        text = str(error.get("msg", ""))
        key = next((k for phrase, k in _NIK_KEYS if phrase in text), "nik.len")
        return name, t(key)
    if error.get("type") == "missing" and f"err.{name}" not in i18n.TEXT:
        return name, t("err.required")
    key = f"err.{name}"
    return name, t(key) if key in i18n.TEXT else t("err.invalid")
