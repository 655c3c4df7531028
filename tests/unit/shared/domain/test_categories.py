from __future__ import annotations

from shared.domain.categories import BY_CODE, CATEGORIES

# The codes of DOMAIN.md section 2, in its order.
OFFICIAL_CODES = [
    "ABT", "AT", "ABH", "ANJAL", "ADK", "AKTK", "AMPK", "LUT", "PD", "TS", "GEL", "PENG", "PEM",
    "KM", "BWBLP", "ODHA", "KPN", "KTR", "KTK", "PMBS", "KBA", "KBS", "PRSE", "FM", "KBSP", "KAT",
]  # fmt: skip


def test_there_are_the_26_official_ppks_categories_with_unique_codes() -> None:
    codes = [c.code for c in CATEGORIES]

    assert len(CATEGORIES) == 26
    assert len(set(codes)) == 26
    assert codes == OFFICIAL_CODES
    assert set(BY_CODE) == set(codes)


def test_the_seven_child_categories_are_marked_as_children() -> None:
    children = {c.code for c in CATEGORIES if c.is_child}

    assert children == {"ABT", "AT", "ABH", "ANJAL", "ADK", "AKTK", "AMPK"}


def test_every_category_has_an_indonesian_and_an_english_name() -> None:
    assert all(c.name_id and c.name_en for c in CATEGORIES)
