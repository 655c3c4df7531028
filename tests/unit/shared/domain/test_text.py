"""The free-text rule (shared/domain/text.py)."""

from __future__ import annotations

import re

import pytest

from shared.domain import text

REFUSED = [
    ("\x00", "control character U+0000"),
    ("\x01", "control character U+0001"),
    ("\x07", "control character U+0007"),
    ("\x08", "control character U+0008"),
    ("\x0b", "control character U+000B"),
    ("\x0c", "control character U+000C"),
    ("\x1b", "control character U+001B"),
    ("\x1f", "control character U+001F"),
    ("\x7f", "control character U+007F"),
    ("\x80", "control character U+0080"),
    ("\x85", "control character U+0085"),
    ("\x9b", "control character U+009B"),
    ("\u202a", "left-to-right embedding character U+202A"),
    ("\u202e", "right-to-left override character U+202E"),
    ("\u2066", "left-to-right isolate character U+2066"),
    ("\u2069", "pop directional isolate character U+2069"),
    ("\ud800", "lone surrogate U+D800"),
]


@pytest.mark.parametrize(("char", "message"), REFUSED)
def test_control_direction_and_surrogate_characters_are_refused_by_name(
    char: str, message: str
) -> None:
    with pytest.raises(text.TextError, match=re.escape(message)):
        text.clean(f"ab{char}cd")
    assert text.problem(f"ab{char}cd") is not None


def test_tab_and_line_breaks_are_free_text_but_not_a_single_line() -> None:
    assert text.clean("baris satu\r\nbaris\tdua") == "baris satu\r\nbaris\tdua"
    for char in "\t\n\r":
        with pytest.raises(text.TextError, match="single line"):
            text.clean(f"Mbah{char}Sarmi", one_line=True)


def test_text_comes_back_in_nfc() -> None:
    assert text.clean("Jose\u0301") == "Jos\u00e9"
    assert text.clean("Jos\u00e9") == "Jos\u00e9"


@pytest.mark.parametrize(
    "ordinary",
    [
        "Mbah Sarmi, 78 th., RT 02/RW 03",
        "شكرا",  # right-to-left script without overrides
        "family \U0001f468\u200d\U0001f469\u200d\U0001f467",  # zero-width joiner in emoji
        "left\u200emark",  # a direction mark, not an override
        "",
    ],
)
def test_ordinary_text_passes_unchanged(ordinary: str) -> None:
    assert text.clean(ordinary) == ordinary
