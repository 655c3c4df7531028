from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.notify import wording
from services.notify.messages import LANGUAGES, TEMPLATES, kinds, render
from services.notify.recipients import KINDS, Audience

NIK = "3508015203800001"
FULL_NAME = "Siti Aminah"
# Messages about the case as a whole (CaseClosed) have no task: no pillar, no purpose.
CASE_LEVEL_KINDS = {"case_resolved", "case_merged"}


def case_context() -> dict[str, Any]:
    return {
        "recipient": "Tagana Kabupaten Lumajang",
        "audience": "coordinator",
        "tracking_code": "SKB-2611-ABC123",
        "category_code": "KBA",
        "category_id": "Korban Bencana Alam",
        "category_en": "Natural-disaster victim",
        "urgency": "emergency",
        "village": "Tegalrejo",
        "kecamatan": "Tempursari",
        "kab_kota": "Kabupaten Lumajang",
        "initials": "S.A.",
        "link": "http://sekber.example/api/v1/cases/1",
        # Set only for a coordinator asked to answer a task (context.ASKS_FOR_ANSWER).
        "accept_link": "",
        "decline_link": "",
    }


def context() -> dict[str, Any]:
    return {
        **case_context(),
        "pillar": "Taruna Siaga Bencana",
        "pillar_en": "Disaster Preparedness Cadets",
        "purpose": "Kaji cepat",
        "purpose_en": "Rapid assessment",
    }


def facts() -> dict[str, Any]:
    """What context.facts_in_words makes of every fact an event can carry."""
    step_id, step_en = wording.step("accept")
    sekber_id, sekber_en = wording.sekber(1, "Kabupaten Lumajang")
    due = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    return {
        "offered_count": 3,
        "unit": None,
        "merged_into": "SKB-2611-XYZ789",
        "step_id": step_id,
        "step_en": step_en,
        "due_id": wording.local_time(due, "id"),
        "due_en": wording.local_time(due, "en"),
        "level": 1,
        "sekber_id": sekber_id,
        "sekber_en": sekber_en,
        "outcomes_id": [wording.outcome("service_given")[0], wording.outcome("cancelled")[0]],
        "outcomes_en": [wording.outcome("service_given")[1], wording.outcome("cancelled")[1]],
    }


def test_an_assignment_reads_in_bahasa_indonesia_by_default() -> None:
    message = render("referral_assigned", language="id", context=context())
    assert message.subject == "[Sekber] Rujukan baru SKB-2611-ABC123: Korban Bencana Alam (darurat)"
    assert "Kec. Tempursari" in message.body
    assert "Penerima   : S.A." in message.body


def test_an_assignment_reads_in_english_for_english_speakers() -> None:
    message = render("referral_assigned", language="en", context=context())
    assert message.subject.startswith("[Sekber] New referral SKB-2611-ABC123")
    assert "Tempursari sub-district" in message.body
    assert "Disaster Preparedness Cadets" in message.body
    assert "Rapid assessment" in message.body


@pytest.mark.parametrize("kind", ["referral_assigned", "referral_offered"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_task_to_answer_carries_accept_and_decline_links_when_given(
    kind: str, language: str
) -> None:
    links = {"accept_link": "http://x/act/AAA", "decline_link": "http://x/act/RRR"}
    ctx = {**context(), **facts()}
    with_links = render(kind, language=language, context={**ctx, **links}).body
    without = render(kind, language=language, context=ctx).body
    assert "http://x/act/AAA\n" in with_links and "http://x/act/RRR\n" in with_links
    assert with_links.index("AAA") < with_links.index("RRR")
    assert "/act/" not in without and "\n\n\n" not in without


def test_an_unknown_language_falls_back_to_bahasa_indonesia() -> None:
    assert "Rujukan baru" in render("referral_assigned", language="jv", context=context()).subject


def test_every_kind_a_plan_can_name_and_the_digest_have_a_template_in_every_language() -> None:
    assert set(kinds()) == KINDS | {"digest", "service_gaps"}
    for language in LANGUAGES:
        found = {p.name.removesuffix(".txt.j2") for p in (TEMPLATES / language).iterdir()}
        assert found == KINDS | {"digest", "service_gaps"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_digest_lists_codes_categories_villages_and_urgency_but_no_person(
    language: str,
) -> None:
    item = {
        "tracking_code": "SKB-2611-ABC123",
        "category_code": "FM",
        "category_id": "Fakir Miskin",
        "category_en": "Poor person",
        "village": "Tegalrejo",
        "kab_kota": "Kabupaten Lumajang",
        "urgency": "low",
        "urgency_id": "rendah",
    }
    text = render(
        "digest",
        language=language,
        context={
            "recipient": "TKSK Tempursari",
            "urgency": "low",
            "items": [item, {**item, "tracking_code": "SKB-2611-DEF456"}],
            "day_id": "Jumat, 27 Nov 2026",
            "day_en": "Friday, 27 Nov 2026",
            "link": "http://sekber.example/api/v1/inbox",
        },
    )
    assert "2" in text.subject
    for expected in ("SKB-2611-ABC123", "SKB-2611-DEF456", "FM", "Tegalrejo", "/api/v1/inbox"):
        assert expected in text.body
    assert ("rendah" if language == "id" else "low") in text.body
    assert NIK not in text.body and FULL_NAME not in text.body


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_message_renders_whole_from_what_its_context_gives(
    kind: str, language: str, audience: Audience
) -> None:
    base = case_context() if kind in CASE_LEVEL_KINDS else context()
    message = render(kind, language=language, context={**base, **facts(), "audience": audience})
    assert "SKB-2611-ABC123" in message.subject
    assert "\n" not in message.subject and len(message.subject) <= 200
    assert message.body.endswith("\n")
    for text in (message.subject, message.body):
        assert "{{" not in text and "{%" not in text and "None" not in text
        assert NIK not in text and FULL_NAME not in text


def test_an_escalation_tells_the_reporter_who_follows_the_case_now() -> None:
    ctx = {**context(), **facts(), "audience": "reporter"}
    message = render("referral_escalated", language="id", context=ctx)
    assert (
        message.subject == "[Sekber] Kasus SKB-2611-ABC123 kini dipantau Sekber Kabupaten Lumajang"
    )
    assert message.body.startswith("Yth. Bapak/Ibu pengirim rujukan,")


def test_an_escalation_asks_the_supervisors_to_act() -> None:
    ctx = {**context(), **facts(), "audience": "supervisors"}
    message = render("referral_escalated", language="en", context=ctx)
    assert (
        message.subject
        == "[Sekber] Escalation level 1: case SKB-2611-ABC123 (Disaster Preparedness Cadets)"
    )
    assert "raised to the Sekber of Kabupaten Lumajang" in message.body


def test_a_withdrawn_task_and_a_merged_case_name_the_case_that_stays() -> None:
    withdrawn = render("task_withdrawn", language="id", context={**context(), **facts()})
    merged = render("case_merged", language="en", context={**case_context(), **facts()})
    assert "ke kasus SKB-2611-XYZ789 karena orangnya sama" in withdrawn.body
    assert merged.subject == "[Sekber] Case SKB-2611-ABC123 merged into SKB-2611-XYZ789"


def test_a_resolved_case_lists_its_outcomes_in_words() -> None:
    message = render("case_resolved", language="id", context={**case_context(), **facts()})
    assert "  - layanan telah diberikan\n  - dibatalkan\n" in message.body


def test_an_accepted_referral_names_a_unit_but_not_a_person() -> None:
    ctx = {**context(), **facts(), "audience": "reporter"}
    unnamed = render("case_accepted", language="id", context=ctx).body
    named = render("case_accepted", language="id", context={**ctx, "unit": "UPT PSBR Jember"})
    assert "diterima oleh Taruna Siaga Bencana (UPT PSBR Jember).\n" in named.body
    assert "diterima oleh Taruna Siaga Bencana.\n" in unnamed
