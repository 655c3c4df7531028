"""How alike two names score: variants of one person high, other people low."""

from __future__ import annotations

import pytest

from shared.identity.names import similarity

THRESHOLD = 0.85  # the default of settings.duplicate_name_threshold


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siti Aminah", "Bu Siti Aminah"),
        ("Hj. Siti Choiriyah binti Ahmad", "Siti Khoiriyah"),
        ("Mbah Soepardjo", "Suparjo"),
        ("Muhammad Ridwan", "Moch. Ridwan"),
        ("Sumarni", "Sumarmi"),  # one letter off
        ("Aminah Siti", "Siti Aminah"),  # words swapped
        ("Sri Sumarni", "Sumarni"),  # part of the name
        ("Djoko Tjahjono", "Joko Cahyono"),
        ("Siti Nurhaliza", "Siti Nur Haliza"),  # a word split in two
        ("Ahmad Fauzi", "Achmad Fauzy"),
    ],
)
def test_one_person_written_two_ways_scores_above_the_threshold(a: str, b: str) -> None:
    assert similarity(a, b) >= THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siti Aminah", "Siti Rohmah"),
        ("Suparjo", "Sutrisno"),
        ("Ahmad bin Salim", "Ahmad bin Yusuf"),  # two fathers: two people
        ("Siti", "Siti Aminah"),  # "Siti" alone is half the women of a village
        ("Dewi", "Budi"),
    ],
)
def test_other_people_score_below_it(a: str, b: str) -> None:
    assert similarity(a, b) < THRESHOLD


def test_scores_are_symmetric_and_an_empty_name_matches_nothing() -> None:
    assert similarity("Siti Aminah", "Bu Aminah") == similarity("Bu Aminah", "Siti Aminah")
    assert similarity("", "Siti") == 0.0
    assert similarity("Siti Aminah", "siti aminah") == 1.0
