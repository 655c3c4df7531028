"""Rendering notifications in the recipient's language (Bahasa Indonesia by default).

Messages carry no personal data beyond need: the beneficiary's initials, the place,
the category and the urgency, and a link. Never the NIK, never the full name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.notify.wording import URGENCY_ID

TEMPLATES = Path(__file__).with_name("templates")
LANGUAGES = ("id", "en")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text messages
        keep_trailing_newline=True,
    )


def kinds() -> list[str]:
    """Every message kind with a template (each exists in every language)."""
    return sorted(p.name.removesuffix(".txt.j2") for p in (TEMPLATES / "id").glob("*.txt.j2"))


def render(kind: str, *, language: str, context: dict[str, Any]) -> Rendered:
    lang = language if language in LANGUAGES else "id"
    template = _environment().get_template(f"{lang}/{kind}.txt.j2")
    ctx = template.new_context({**context, "urgency_id": URGENCY_ID.get(context["urgency"], "")})
    subject = "".join(template.blocks["subject"](ctx)).strip()
    body = "".join(template.blocks["body"](ctx)).strip() + "\n"
    return Rendered(subject=subject, body=body)
