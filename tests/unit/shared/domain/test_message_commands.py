"""Reading a short message: forgiving about case, spacing and typos, exact about codes."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.lifecycle import Outcome, Reason
from shared.domain.message_commands import (
    DECLINE_REASONS,
    OUTCOMES,
    WORDS,
    Unreadable,
    Verb,
    parse,
    tracking_code,
    village_code,
)


@pytest.mark.parametrize(
    ("text", "verb", "language"),
    [
        ("TERIMA", Verb.ACCEPT, "id"),
        ("  terima ", Verb.ACCEPT, "id"),
        ("Trima", Verb.ACCEPT, "id"),
        ("teirma", Verb.ACCEPT, "id"),  # two letters swapped
        ("accept", Verb.ACCEPT, "en"),
        ("Mulai", Verb.START, "id"),
        ("start", Verb.START, "en"),
        ("bantuan", Verb.HELP, "id"),
        ("HELP", Verb.HELP, "en"),
        ("status", Verb.STATUS, None),  # the same word in both languages
        ("SELESAAI 1", Verb.DONE, "id"),
    ],
)
def test_command_words_are_read_whatever_their_case_spacing_or_a_typo(
    text: str, verb: Verb, language: str | None
) -> None:
    command = parse(text)
    assert (command.verb, command.language) == (verb, language)


def test_terima_kasih_is_thanks_not_an_acceptance() -> None:
    assert parse("Terima kasih").verb is Verb.THANKS
    assert parse("makasih pak").verb is Verb.THANKS


def test_a_word_that_is_no_command_is_unreadable() -> None:
    with pytest.raises(Unreadable) as refused:
        parse("halo pak, apa kabar")
    assert (refused.value.problem, refused.value.field) == ("unknown_word", "command")


@pytest.mark.parametrize(
    "written", ["SKB-2612-ABC123", "skb 2612 abc123", "SKB2612ABC123", "skb-2612-abc123."]
)
def test_a_tracking_code_is_read_however_it_is_written(written: str) -> None:
    command = parse(f"tolak {written} penuh")
    assert (command.code, command.reason) == ("SKB-2612-ABC123", Reason.NO_CAPACITY)


def test_letters_that_look_like_digits_are_read_as_the_digits() -> None:
    assert tracking_code("SKB-2612-ABCIO1") == "SKB-2612-ABC101"


@pytest.mark.parametrize(
    ("rest", "reason"),
    [
        ("penuh", Reason.NO_CAPACITY),
        ("pnuh", Reason.NO_CAPACITY),
        ("1", Reason.NO_CAPACITY),
        ("2 bukan sasaran", Reason.NOT_ELIGIBLE),
        ("tidak layak", Reason.NOT_ELIGIBLE),
        ("di luar wilayah saya", Reason.OUT_OF_AREA),
        ("ganda", Reason.DUPLICATE),
        ("sedang cuti", Reason.OTHER),  # in their own words: kept as the note
        ("FULL", Reason.NO_CAPACITY),
    ],
)
def test_decline_reasons_are_read_by_number_or_keyword(rest: str, reason: Reason) -> None:
    command = parse(f"TOLAK {rest}")
    assert (command.verb, command.reason) == (Verb.DECLINE, reason)


def test_a_decline_without_a_reason_asks_for_one() -> None:
    with pytest.raises(Unreadable) as refused:
        parse("tolak SKB-2612-ABC123")
    assert refused.value.problem == "reason_missing"


@pytest.mark.parametrize(
    ("rest", "outcome"),
    [("1", Outcome.SERVICE_GIVEN), ("meninggal", Outcome.DIED), ("6 pindah", Outcome.MOVED)],
)
def test_done_needs_an_outcome_by_number_or_keyword(rest: str, outcome: Outcome) -> None:
    assert parse(f"selesai {rest}").outcome is outcome
    with pytest.raises(Unreadable):
        parse("SELESAI")


def test_a_report_reads_category_village_name_description_nik_and_emergency() -> None:
    command = parse("rujuk lut 3508012001 DARURAT Mbah Sarmi; tinggal sendiri NIK 3508014203480001")
    assert command.report is not None
    report = command.report
    assert (report.category, report.village_code, report.name) == (
        "LUT",
        "35.08.01.2001",
        "Mbah Sarmi",
    )
    assert (report.description, report.nik, report.emergency) == (
        "tinggal sendiri",
        "3508014203480001",
        True,
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("RUJUK", "category"),
        ("RUJUK LUT", "village_code"),
        ("RUJUK LUT 35.08.01.2001", "name"),
        ("RUJUK LUT 35.08.01.2001 Painem", "description"),
        ("RUJUK LUT 35.08.01.2001 Painem NIK; sakit", "nik"),
    ],
)
def test_a_report_missing_a_part_names_it(text: str, field: str) -> None:
    with pytest.raises(Unreadable) as refused:
        parse(text)
    assert refused.value.field == field


def test_a_long_description_or_note_is_kept_whole() -> None:
    told = "tinggal sendiri, tidak ada makanan. " * 50  # 1,800 characters: one long SMS
    report = parse(f"RUJUK LUT 35.08.01.2001 Mbah Sarmi; {told}").report
    assert report is not None and report.description == told.strip()
    assert parse(f"CATAT {told}").text == told.strip()
    with pytest.raises(Unreadable, match="too_long"):
        parse("TOLAK " + "\ufdfa" * 1990)  # NFKC makes each one 18 characters


def test_village_codes_are_dotted_whichever_way_they_are_written() -> None:
    assert village_code("3508012001") == "35.08.01.2001"
    assert village_code("35-08-01-2001") == "35.08.01.2001"
    assert village_code("35.8.1.2001") == "35.8.1.2001"  # left for the schema to refuse


def test_no_word_is_one_typo_away_from_two_commands() -> None:
    words = {w: v for v, (ids, ens) in WORDS.items() for w in (*ids, *ens)}
    for word, verb in words.items():
        try:
            assert parse(word).verb is verb
        except Unreadable as refused:  # the word was read; what follows it is missing
            assert refused.problem != "unknown_word", word


@given(st.text(max_size=200))
def test_any_text_is_read_or_refused_never_an_error(text: str) -> None:
    with contextlib.suppress(Unreadable):
        parse(text)


@given(st.sampled_from(DECLINE_REASONS), st.integers(min_value=0, max_value=len(OUTCOMES) - 1))
def test_every_listed_keyword_gives_its_code(
    row: tuple[Reason, tuple[str, ...], tuple[str, ...]], index: int
) -> None:
    reason, indonesian, english = row
    for keyword in (*indonesian, *english):
        assert parse(f"TOLAK {keyword.lower()}").reason is reason
    outcome, words_id, _ = OUTCOMES[index]
    assert parse(f"SELESAI {words_id[0].lower()}").outcome is outcome
