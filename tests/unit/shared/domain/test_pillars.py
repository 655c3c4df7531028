from __future__ import annotations

from shared.domain.pillars import BY_CODE, PILLARS


def test_there_are_13_pillars_with_unique_codes() -> None:
    codes = [p.code for p in PILLARS]

    assert len(PILLARS) == 13
    assert len(set(codes)) == 13
    assert set(BY_CODE) == set(codes)


def test_the_sekber_pillars_of_2020_are_all_present() -> None:
    assert {"TKSK", "PSM", "KARANG_TARUNA", "PUSKESOS", "LKS", "CSR", "TAGANA"} <= set(BY_CODE)


def test_only_csr_partners_never_see_a_beneficiarys_identity() -> None:
    assert [p.code for p in PILLARS if not p.sees_identity] == ["CSR"]
