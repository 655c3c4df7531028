"""Human tracking codes for cases, readable over the phone."""

from __future__ import annotations

import secrets
from datetime import date

# Crockford base32 without I, L, O, U: no letter can be misread as a digit.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tracking_code(*, today: date, length: int = 6) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"SKB-{today:%y%m}-{body}"


def initials(full_name: str) -> str:
    """'Siti Aminah binti Kasan' -> 'S.A.B.K.'; what a notification may show of a name."""
    parts = [p for p in full_name.replace(".", " ").split() if p]
    return "".join(f"{p[0].upper()}." for p in parts[:4])
