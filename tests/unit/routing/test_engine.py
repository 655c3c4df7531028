from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from services.routing.engine import Candidate, CaseFacts, decide
from services.routing.rules import load_default

RULES = load_default()
VILLAGE = "35.08.01.2001"  # Tegalrejo, Tempursari, Lumajang


def candidate(
    region: str,
    *,
    pillar: str = "TKSK",
    active: bool = True,
    load: int = 0,
    capacity: int = 10,
    last: datetime | None = None,
    name: str = "x",
) -> Candidate:
    return Candidate(uuid.uuid4(), name, pillar, region, active, load, capacity, last)


def elderly_case() -> CaseFacts:
    return CaseFacts(category="LUT", village_code=VILLAGE, urgency="high")


def test_an_elderly_case_goes_to_the_tksk_of_its_kecamatan() -> None:
    tksk = candidate("35.08.01")
    elsewhere = candidate("35.08.02")
    decision = decide(case=elderly_case(), rules=RULES, candidates=[elsewhere, tksk])
    assert decision.pillar == "TKSK"
    assert decision.coordinator_id == tksk.id
    assert decision.matched_level == "district"
    assert decision.rule_id == "elderly"


def test_a_village_coordinator_below_the_start_level_is_not_considered() -> None:
    in_village = candidate(VILLAGE)
    in_district = candidate("35.08.01")
    decision = decide(case=elderly_case(), rules=RULES, candidates=[in_village, in_district])
    assert decision.coordinator_id == in_district.id


def test_the_search_walks_up_when_the_kecamatan_has_nobody() -> None:
    province = candidate("35")
    regency = candidate("35.08")
    decision = decide(case=elderly_case(), rules=RULES, candidates=[province, regency])
    assert decision.coordinator_id == regency.id
    assert decision.matched_level == "regency"


def test_inactive_and_full_coordinators_are_passed_over_with_a_reason() -> None:
    inactive = candidate("35.08.01", active=False)
    full = candidate("35.08.01", load=10, capacity=10)
    regency = candidate("35.08")
    decision = decide(case=elderly_case(), rules=RULES, candidates=[inactive, full, regency])
    assert decision.coordinator_id == regency.id
    reasons = {c["coordinator_id"]: c["passed_over"] for c in decision.explanation["considered"]}
    assert reasons[str(inactive.id)] == "inactive"
    assert reasons[str(full.id)] == "at_capacity"
    assert reasons[str(regency.id)] is None


def test_the_least_loaded_then_least_recently_assigned_wins() -> None:
    now = datetime.now(UTC)
    busy = candidate("35.08.01", load=3)
    recent = candidate("35.08.01", load=1, last=now)
    earlier = candidate("35.08.01", load=1, last=now - timedelta(days=1))
    decision = decide(case=elderly_case(), rules=RULES, candidates=[busy, recent, earlier])
    assert decision.coordinator_id == earlier.id


def test_the_choice_does_not_depend_on_the_order_of_candidates() -> None:
    pool = [candidate("35.08.01", load=1) for _ in range(6)] + [candidate("35.08")]
    first = decide(case=elderly_case(), rules=RULES, candidates=pool)
    for seed in range(10):
        shuffled = pool[:]
        random.Random(seed).shuffle(shuffled)
        assert decide(case=elderly_case(), rules=RULES, candidates=shuffled) == first


def test_a_case_with_nobody_anywhere_goes_to_the_supervisors_with_an_explanation() -> None:
    other_pillar = candidate("35.08.01", pillar="PSM")
    decision = decide(case=elderly_case(), rules=RULES, candidates=[other_pillar])
    assert decision.coordinator_id is None
    assert decision.matched_level is None
    assert "supervisor" in decision.explanation["why"]["id"]
    assert "supervisors" in decision.explanation["why"]["en"]


def test_a_disaster_case_starts_at_the_regency_tagana() -> None:
    tagana = candidate("35.08", pillar="TAGANA")
    case = CaseFacts(category="KBA", village_code=VILLAGE, urgency="emergency")
    decision = decide(case=case, rules=RULES, candidates=[tagana])
    assert (decision.pillar, decision.coordinator_id) == ("TAGANA", tagana.id)


def test_the_explanation_names_the_rule_set_version() -> None:
    decision = decide(case=elderly_case(), rules=RULES, candidates=[candidate("35.08.01")])
    assert decision.explanation["rules_version"] == RULES.version
    assert decision.rules_version == RULES.version
