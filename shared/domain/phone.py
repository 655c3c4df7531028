"""Phone numbers in one form, so that a message's sender can be found.

Indonesians write the same mobile number as 0812-3456-7890, 62812..., +62 812 3456 7890 or
(0812) 34567890; gateways send +62... or 62.... Every form becomes `+62...` (E.164: a
plus, the country code, at most 15 digits). A number that starts with any other country
code keeps it. Pure: standard library only.
"""

from __future__ import annotations

import re

INDONESIA = "62"
_SEPARATORS = re.compile(r"[\s().\-/]")


def normalise(raw: str) -> str | None:
    """The number as `+<country><number>`, or None when it is not a phone number."""
    compact = _SEPARATORS.sub("", raw.strip())
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = INDONESIA + compact[1:]
    elif compact.startswith("8"):  # a mobile number written without its leading 0
        digits = INDONESIA + compact
    else:
        digits = compact
    if not digits.isascii() or not digits.isdigit():
        return None
    if digits.startswith(INDONESIA + "0"):  # +62 0812...: the trunk 0 written as well
        digits = INDONESIA + digits[3:]
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return "+" + digits


def masked(number: str) -> str:
    """`+62812****7890`: enough for a person to recognise their own number in a log."""
    if len(number) <= 8:
        return number[:2] + "****"
    return number[:6] + "****" + number[-4:]
