from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from shared.domain.routing.engine import Candidate, decide
from shared.domain.routing.explain import Explained, describe
from shared.domain.routing.facts import CaseFacts, Need
from shared.domain.routing.rules import load_default


class Pool:
    def __init__(self, *candidates: Candidate) -> None:
        self.all = list(candidates)

    def candidates(self, pillar: str, area_codes: Sequence[str]) -> list[Candidate]:
        return [c for c in self.all if c.pillar == pillar and c.region_code in area_codes]


def person(
    name: str,
    region: str,
    *,
    load: int = 0,
    active: bool = True,
    last_assigned_at: datetime | None = None,
) -> Candidate:
    return Candidate(uuid.uuid4(), name, "TKSK", region, active, load, 5, last_assigned_at)


def explain_one(
    *candidates: Candidate, language: str, needs: frozenset[Need] = frozenset()
) -> Explained:
    case = CaseFacts("LUT", "35.08.01.2001", "high", needs)
    decisions = decide(case=case, rules=load_default(), directory=Pool(*candidates))
    [decision] = [d for d in decisions if d.pillar == "TKSK"]
    return describe(decision.explanation, purpose=decision.purpose_id, language=language)


def test_the_choice_is_explained_in_bahasa_indonesia() -> None:
    text = explain_one(
        person("Bu Sri", "35.08.01", load=1),
        person("Pak Joko", "35.08.01", load=3),
        person("Mas Adi", "35.08.01", active=False),
        language="id",
    )
    assert "Menurut aturan rujukan (versi" in text.summary
    assert "elderly" not in text.summary  # the rule's English id is not in Indonesian text
    assert "Dipilih: Bu Sri di tingkat kecamatan" in text.summary
    assert "dari 2 kandidat yang memenuhi syarat (1/5 kasus terbuka)" in text.summary
    assert any(
        c.startswith("Pak Joko (35.08.01): memenuhi syarat, tetapi bebannya lebih berat")
        for c in text.candidates
    )
    assert any(c == "Mas Adi (35.08.01): tidak aktif" for c in text.candidates)


def test_the_choice_is_explained_in_english() -> None:
    earlier = datetime.now(UTC) - timedelta(days=2)
    text = explain_one(
        person("Bu Sri", "35.08.01", load=1, last_assigned_at=earlier),
        person("Pak Joko", "35.08.01", load=1, last_assigned_at=datetime.now(UTC)),
        language="en",
    )
    assert "Chosen: Bu Sri at sub-district level" in text.summary
    assert "Pak Joko (35.08.01): qualified with the same load, but was assigned more recently" in (
        text.candidates
    )


def test_an_unroutable_task_says_it_went_to_the_supervisors() -> None:
    full = person("Bu Sri", "35.08.01", load=5)
    id_text = explain_one(full, language="id")
    en_text = explain_one(full, language="en")
    assert "antrean supervisor Sekber" in id_text.summary
    assert "supervisors' queue" in en_text.summary
    assert id_text.candidates == ["Bu Sri (35.08.01): kapasitas penuh (5/5)"]
