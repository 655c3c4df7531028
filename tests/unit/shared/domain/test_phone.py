"""Phone numbers in the one form senders are found by."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.phone import masked, normalise


@pytest.mark.parametrize(
    "written",
    [
        "+6281234567890",
        "6281234567890",
        "081234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "(0812) 34567890",
        "+62 0812 3456 7890",
        "006281234567890",
        "81234567890",
    ],
)
def test_every_way_indonesians_write_a_mobile_number_is_one_number(written: str) -> None:
    assert normalise(written) == "+6281234567890"


@pytest.mark.parametrize("written", ["", "abc", "12345", "+62812345678901234567", "08１２"])
def test_what_is_no_phone_number_is_none(written: str) -> None:
    assert normalise(written) is None


@given(st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True))
def test_the_forms_of_one_number_agree(local: str) -> None:
    forms = {normalise(f"0{local}"), normalise(f"62{local}"), normalise(f"+62 {local}")}
    assert forms == {f"+62{local}"}


def test_a_masked_number_keeps_its_start_and_its_last_four_digits() -> None:
    assert masked("+6281234567890") == "+62812****7890"
