from __future__ import annotations

from collections import Counter

import pytest

from shared.domain.regions import is_within
from shared.reference.demo import DOMAIN, ReferenceDataMissing, demo_rows
from shared.reference.directory import validate_rows
from shared.reference.regions import DEFAULT_CSV, RegionRow, read_regions_csv


@pytest.fixture(scope="module")
def national() -> list[RegionRow]:
    return read_regions_csv(DEFAULT_CSV)


@pytest.fixture(scope="module")
def east_java(national: list[RegionRow]) -> list[RegionRow]:
    return [r for r in national if is_within(r.code, "35")]


@pytest.fixture(scope="module")
def rows(east_java: list[RegionRow]) -> list[dict[str, str]]:
    return demo_rows(east_java)


def codes_at(regions: list[RegionRow], level: str) -> list[str]:
    return [r.code for r in regions if r.level == level]


def serving(rows: list[dict[str, str]], pillar: str) -> list[str]:
    return [row["region_code"] for row in rows if row["pillar"] == pillar]


def test_every_kecamatan_has_exactly_one_tksk_and_one_pkh_companion(
    rows: list[dict[str, str]], east_java: list[RegionRow]
) -> None:
    districts = codes_at(east_java, "district")

    assert len(districts) == 666
    assert sorted(serving(rows, "TKSK")) == sorted(districts)
    assert sorted(serving(rows, "PKH")) == sorted(districts)


def test_every_kab_kota_has_one_tagana_dinsos_lk3_and_csr_forum(
    rows: list[dict[str, str]], east_java: list[RegionRow]
) -> None:
    regencies = sorted(codes_at(east_java, "regency"))

    assert len(serving(rows, "TAGANA")) == 38
    assert sorted(serving(rows, "TAGANA")) == regencies
    assert sorted(serving(rows, "LK3")) == regencies
    assert sorted(serving(rows, "DINSOS")) == ["35", *regencies]
    assert sorted(serving(rows, "CSR")) == ["35", *regencies]
    assert serving(rows, "JSC") == ["35"]


def test_lks_units_sit_at_kab_kota_and_province_level(rows: list[dict[str, str]]) -> None:
    lks = [row for row in rows if row["pillar"] == "LKS"]
    provincial = [row["name"] for row in lks if row["region_code"] == "35"]

    assert all(row["region_code"].count(".") <= 1 for row in lks)
    assert len(provincial) >= 3
    assert all(name.startswith("UPT Rehabilitasi Sosial") for name in provincial)
    assert sum(row["name"].startswith("LKSA ") for row in lks) == 38
    assert sum(row["name"].startswith("LKS Lansia ") for row in lks) == 38


@pytest.mark.parametrize(("pillar", "one_in"), [("PUSKESOS", 8), ("PSM", 5), ("KARANG_TARUNA", 6)])
def test_village_pillars_cover_about_their_share_of_villages(
    rows: list[dict[str, str]], pillar: str, one_in: int
) -> None:
    villages = [code for code in serving(rows, pillar) if code.count(".") == 3]

    assert len(set(villages)) == len(villages)
    assert abs(len(villages) - 8494 / one_in) < 0.1 * 8494 / one_in


def test_every_kab_kota_has_an_slrt_desk_and_a_psm_association(
    rows: list[dict[str, str]],
) -> None:
    regencies = {row["region_code"] for row in rows if row["pillar"] == "TAGANA"}
    for pillar in ("PUSKESOS", "PSM"):
        assert regencies <= set(serving(rows, pillar))


def test_units_are_named_after_their_place(rows: list[dict[str, str]]) -> None:
    names = {row["name"] for row in rows}

    assert "Tagana Kabupaten Lumajang" in names
    assert "Dinas Sosial Kota Surabaya" in names
    assert all(
        row["name"].startswith(("Puskesos Desa ", "Puskesos Kelurahan "))
        for row in rows
        if row["pillar"] == "PUSKESOS" and row["region_code"].count(".") == 3
    )
    assert "SLRT Kabupaten Lumajang" in names
    assert "IPSM Kota Surabaya" in names


def test_people_have_a_given_and_a_family_name(rows: list[dict[str, str]]) -> None:
    people = [row["name"] for row in rows if row["kind"] == "person"]

    assert all(len(name.split()) == 2 for name in people)
    assert len(set(people)) > 300


def test_contacts_are_demo_addresses_and_indonesian_mobile_numbers(
    rows: list[dict[str, str]],
) -> None:
    tksk = next(row for row in rows if row["external_ref"] == "demo-TKSK-35.08.01")

    assert tksk["email"] == f"tksk.350801@{DOMAIN}"
    assert all(row["email"].endswith("@" + DOMAIN) for row in rows)
    assert all(row["phone"].startswith("+62 8") for row in rows)


def test_every_row_passes_the_directory_validation(
    rows: list[dict[str, str]], east_java: list[RegionRow]
) -> None:
    known = {r.code for r in east_java}

    entries = validate_rows(enumerate(rows, 1), known_regions=known)

    assert len(entries) == len(rows)


def test_the_output_is_the_same_every_time_and_ignores_other_provinces(
    rows: list[dict[str, str]], national: list[RegionRow]
) -> None:
    assert demo_rows(list(reversed(national))) == rows


def test_another_seed_picks_other_names_but_the_same_structure(
    rows: list[dict[str, str]], east_java: list[RegionRow]
) -> None:
    other = demo_rows(east_java, seed=7)

    assert Counter(r["pillar"] for r in other)["TKSK"] == 666
    assert [r["name"] for r in other if r["pillar"] == "TKSK"] != [
        r["name"] for r in rows if r["pillar"] == "TKSK"
    ]


def test_without_east_java_regions_there_is_no_demo_directory(national: list[RegionRow]) -> None:
    with pytest.raises(ReferenceDataMissing):
        demo_rows([r for r in national if not is_within(r.code, "35")])
