from __future__ import annotations

import pytest

from shared.reference.directory import DirectoryEntry, DirectoryError, parse_directory_csv

KNOWN = {"35", "35.08", "35.08.01", "35.08.01.2001"}
HEADER = "external_ref,name,kind,pillar,region_code,email,phone,language,active,capacity\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(DirectoryError) as refused:
        parse_directory_csv(text, known_regions=KNOWN)
    return refused.value.problems


def test_a_good_row_becomes_an_entry_and_empty_fields_take_their_defaults() -> None:
    text = HEADER + "tksk-1,Agus Santoso,person,TKSK,35.08.01,,,,,\n"

    assert parse_directory_csv(text, known_regions=KNOWN) == [
        DirectoryEntry(
            external_ref="tksk-1",
            name="Agus Santoso",
            kind="person",
            pillar_code="TKSK",
            region_code="35.08.01",
            email=None,
            phone=None,
            language="id",
            active=True,
            capacity=25,
        )
    ]


def test_optional_columns_may_be_left_out_of_the_header() -> None:
    text = "external_ref,name,kind,pillar,region_code\nd-1,Dinsos Lumajang,unit,DINSOS,35.08\n"

    assert parse_directory_csv(text, known_regions=KNOWN)[0].capacity == 25


@pytest.mark.parametrize(
    ("raw", "active"), [("true", True), ("FALSE", False), ("1", True), ("0", False)]
)
def test_active_accepts_true_false_1_and_0(raw: str, active: bool) -> None:
    text = HEADER + f"p-1,Siti Rahayu,person,PSM,35.08.01.2001,,,en,{raw},3\n"

    entry = parse_directory_csv(text, known_regions=KNOWN)[0]

    assert (entry.active, entry.language, entry.capacity) == (active, "en", 3)


def test_every_problem_of_every_row_is_listed_with_its_line_and_field() -> None:
    text = (
        HEADER
        + "ok-1,Agus Santoso,person,TKSK,35.08.01,agus@example.org,+62 812-1111-2222,id,true,5\n"
        + "bad-1,Tagana X,team,TAGANA_X,35.99,not-an-email,,jv,maybe,0\n"
        + ",,unit,LKS,35.08,,call me,id,1,-4\n"
    )

    assert problems_of(text) == [
        "line 3: kind: 'team' is not person or unit",
        "line 3: pillar: unknown pillar 'TAGANA_X' (known: TKSK, PSM, KARANG_TARUNA, "
        "PUSKESOS, LKS, CSR, TAGANA, PKH, LK3, WKSBM, PEKSOS, JSC, DINSOS)",
        "line 3: region_code: '35.99' is not a loaded region code",
        "line 3: email: 'not-an-email' does not look like an e-mail address",
        "line 3: language: 'jv' is not id or en",
        "line 3: active: 'maybe' is not true, false, 1 or 0",
        "line 3: capacity: '0' is not a positive whole number",
        "line 4: external_ref: required",
        "line 4: name: required",
        "line 4: phone: 'call me' does not look like a phone number",
        "line 4: capacity: '-4' is not a positive whole number",
    ]


def test_the_error_message_holds_one_problem_per_line() -> None:
    text = HEADER + "x,X,person,TKSK,35.08.01,,,,,abc\n"

    with pytest.raises(DirectoryError, match=r"^line 2: capacity: 'abc' is not a positive"):
        parse_directory_csv(text, known_regions=KNOWN)


def test_an_external_ref_used_twice_names_the_first_line() -> None:
    text = HEADER + "same,A,person,TKSK,35.08.01,,,,,\n" + "same,B,person,PSM,35.08.01,,,,,\n"

    assert problems_of(text) == ["line 3: external_ref: 'same' already used on line 2"]


def test_a_duplicate_is_reported_even_when_the_first_row_has_problems_of_its_own() -> None:
    text = HEADER + "same,A,person,TKSK,35.08.01,,,,,0\n" + "same,B,person,PSM,35.08.01,,,,,\n"

    assert problems_of(text) == [
        "line 2: capacity: '0' is not a positive whole number",
        "line 3: external_ref: 'same' already used on line 2",
    ]


def test_a_row_with_more_fields_than_the_header_is_refused() -> None:
    text = HEADER + "x,X,person,TKSK,35.08.01,,,,,,extra\n"

    assert problems_of(text) == ["line 2: row: more fields than the header"]


def test_a_header_missing_a_required_column_or_with_an_unknown_one_is_refused() -> None:
    text = "external_ref,name,pillar,region_code,fax\nx,X,TKSK,35.08.01,123\n"

    assert problems_of(text) == [
        "line 1: header: missing column kind",
        "line 1: header: unknown column fax",
    ]


def test_a_control_or_direction_character_in_a_row_is_refused_naming_line_and_field() -> None:
    text = (
        HEADER
        + "A1,Bu Sri\x1b[31m,person,TKSK,35.08,,,id,true,10\n"
        + "A2,Pak \u202eBudi,person,TKSK,35.08,,,id,true,10\n"
    )
    assert problems_of(text) == [
        "line 2: name: control character U+001B not allowed",
        "line 3: name: right-to-left override character U+202E not allowed",
    ]
