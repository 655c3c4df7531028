from __future__ import annotations

from typing import Any

import pytest

from services.notify.messages import render


def context() -> dict[str, Any]:
    return {
        "recipient": "Tagana Kabupaten Lumajang",
        "tracking_code": "SKB-2611-ABC123",
        "category_code": "KBA",
        "category_id": "Korban Bencana Alam",
        "category_en": "Natural-disaster victim",
        "urgency": "emergency",
        "village": "Tegalrejo",
        "kecamatan": "Tempursari",
        "kab_kota": "Kabupaten Lumajang",
        "initials": "S.A.",
        "pillar": "Taruna Siaga Bencana",
        "purpose": "Kaji cepat",
        "link": "http://sekber.example/api/v1/cases/1",
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


def test_an_unknown_language_falls_back_to_bahasa_indonesia() -> None:
    assert "Rujukan baru" in render("referral_assigned", language="jv", context=context()).subject


@pytest.mark.parametrize("kind", ["referral_assigned", "referral_unroutable"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_messages_carry_no_more_than_the_context_gives(kind: str, language: str) -> None:
    message = render(kind, language=language, context=context())
    assert "SKB-2611-ABC123" in message.subject
    assert message.body.endswith("\n")
    assert "{{" not in message.body
