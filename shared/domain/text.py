"""The one rule for free text, wherever it comes from (API, web form, import, sync, SMS).

Text is Unicode in NFC. Refused: C0 control characters other than tab, line feed and
carriage return; DEL and the C1 controls; the bidirectional overrides and isolates
(U+202A-U+202E, U+2066-U+2069), which make text read differently from what it holds; and
lone surrogates, which are not characters at all (no database can store them). A single
line (a name, a username) refuses tab and line breaks (U+2028 and U+2029 too) as well.
"""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = (
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 but tab, line feed, carriage return
    "\x7f-\x9f"  # DEL and C1
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides, isolates
    "\ud800-\udfff"  # lone surrogates
)
_ANY = re.compile(f"[{_FORBIDDEN}]")
_ANY_ONE_LINE = re.compile(f"[{_FORBIDDEN}\t\n\r\u2028\u2029]")
_NAMES = {
    0x202A: "left-to-right embedding",
    0x202B: "right-to-left embedding",
    0x202C: "pop directional formatting",
    0x202D: "left-to-right override",
    0x202E: "right-to-left override",
    0x2066: "left-to-right isolate",
    0x2067: "right-to-left isolate",
    0x2068: "first strong isolate",
    0x2069: "pop directional isolate",
}


class TextError(ValueError):
    """The text holds a character the rule refuses; the message names it."""


def problem(value: str, *, one_line: bool = False) -> str | None:
    """What is wrong with `value` (the first refused character), or None."""
    found = (_ANY_ONE_LINE if one_line else _ANY).search(value)
    if found is None:
        return None
    point = ord(found.group())
    if point in _NAMES:
        return f"{_NAMES[point]} character U+{point:04X} not allowed"
    if 0xD800 <= point <= 0xDFFF:
        return f"lone surrogate U+{point:04X} is not a character"
    if point in (0x09, 0x0A, 0x0D, 0x2028, 0x2029):
        return f"line break or tab U+{point:04X} not allowed in a single line"
    return f"control character U+{point:04X} not allowed"


def clean(value: str, *, one_line: bool = False) -> str:
    """`value` in NFC, or TextError naming the first refused character."""
    error = problem(value, one_line=one_line)
    if error is not None:
        raise TextError(error)
    return value if value.isascii() else unicodedata.normalize("NFC", value)
