"""Indonesian names made comparable: titles and forms of address set aside, the father's
name apart, the old spelling and abbreviations written today's way, sound keys per word."""

from __future__ import annotations

import pytest

from shared.domain import names


@pytest.mark.parametrize(
    ("written", "given", "father"),
    [
        ("Mbah Soepardjo", ("suparjo",), ()),
        ("Hj. Siti Choiriyah binti Ahmad", ("siti", "khoiriyah"), ("ahmad",)),
        ("Moch. Ridwan", ("muhammad", "ridwan"), ()),
        ("Suparmi, S.Pd.", ("suparmi",), ()),
        ("PAK  Djoko   Tjahjono", ("joko", "cahjono"), ()),
        ("Ma'ruf bin Abd. Rahman", ("maruf",), ("abdul", "rahman")),
        ("Ning", ("ning",), ()),  # a name that is also a form of address stays a name
    ],
)
def test_a_name_keeps_what_names_the_person(
    written: str, given: tuple[str, ...], father: tuple[str, ...]
) -> None:
    assert names.parse(written) == names.Name(given=given, father=father)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Suparjo", "Soepardjo", "Suparyo"),
        ("Muhammad", "Mochamad", "Mohamad", "Muhamad"),
        ("Ahmad", "Achmad", "Akhmad", "Amad"),
        ("Khoiriyah", "Choiriyah", "Hoiriyah"),
        ("Cahyono", "Tjahjono"),
    ],
)
def test_spellings_of_one_word_share_a_sound_key(spellings: tuple[str, ...]) -> None:
    assert len({names.sound_key(names.spelled(names.fold(s))) for s in spellings}) == 1


def test_different_names_have_different_keys_and_initials_have_none() -> None:
    assert names.word_keys("Siti Aminah").isdisjoint(names.word_keys("Suparjo"))
    assert names.word_keys("S. Aminah") == names.word_keys("Aminah")
    assert names.word_keys("Bu") == frozenset({"b"})  # only a title: kept as the name
