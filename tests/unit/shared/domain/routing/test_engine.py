from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from shared.domain.routing.engine import Candidate, decide
from shared.domain.routing.facts import CaseFacts, Need
from shared.domain.routing.rules import load_default

RULES = load_default()
VILLAGE = "35.08.01.2001"  # Tegalrejo, Tempursari, Lumajang


class Pool:
    """A directory made of a plain list of candidates."""

    def __init__(self, *candidates: Candidate) -> None:
        self.all = list(candidates)

    def candidates(self, pillar: str, area_codes: Sequence[str]) -> list[Candidate]:
        return [c for c in self.all if c.pillar == pillar and c.region_code in area_codes]


def candidate(
    region: str,
    *,
    pillar: str = "TKSK",
    active: bool = True,
    load: int = 0,
    capacity: int = 10,
    last: datetime | None = None,
    on_leave: bool = False,
    categories: frozenset[str] | None = None,
) -> Candidate:
    return Candidate(
        uuid.uuid4(), f"{pillar} {region}", pillar, region, active, load, capacity, last,
        on_leave, categories,
    )  # fmt: skip


def elderly(**needs: bool) -> CaseFacts:
    return CaseFacts("LUT", VILLAGE, "high", frozenset(Need(n) for n in needs))


def test_an_elderly_case_goes_to_the_tksk_of_its_kecamatan() -> None:
    tksk = candidate("35.08.01")
    [decision] = decide(case=elderly(), rules=RULES, directory=Pool(candidate("35.08.02"), tksk))
    assert (decision.pillar, decision.coordinator_id, decision.matched_level) == (
        "TKSK",
        tksk.id,
        "district",
    )
    assert decision.rule_id == "elderly"


def test_a_village_coordinator_below_the_start_level_is_not_considered() -> None:
    in_district = candidate("35.08.01")
    [decision] = decide(
        case=elderly(), rules=RULES, directory=Pool(candidate(VILLAGE), in_district)
    )
    assert decision.coordinator_id == in_district.id


def test_the_search_walks_up_when_the_kecamatan_has_nobody() -> None:
    regency = candidate("35.08")
    [decision] = decide(case=elderly(), rules=RULES, directory=Pool(candidate("35"), regency))
    assert (decision.coordinator_id, decision.matched_level) == (regency.id, "regency")


def test_inactive_on_leave_full_and_other_category_coordinators_are_passed_over() -> None:
    inactive = candidate("35.08.01", active=False)
    away = candidate("35.08.01", on_leave=True)
    full = candidate("35.08.01", load=10, capacity=10)
    children_only = candidate("35.08.01", categories=frozenset({"ABT"}))
    regency = candidate("35.08")
    pool = Pool(inactive, away, full, children_only, regency)
    [decision] = decide(case=elderly(), rules=RULES, directory=pool)
    assert decision.coordinator_id == regency.id
    reasons = {c["id"]: c["reason"] for c in decision.explanation["considered"]}
    assert reasons == {
        str(inactive.id): "inactive",
        str(away.id): "on_leave",
        str(full.id): "at_capacity",
        str(children_only.id): "other_categories",
        str(regency.id): "chosen",
    }


def test_the_least_loaded_then_least_recently_assigned_wins() -> None:
    now = datetime.now(UTC)
    busy = candidate("35.08.01", load=3)
    recent = candidate("35.08.01", load=1, last=now)
    earlier = candidate("35.08.01", load=1, last=now - timedelta(days=1))
    [decision] = decide(case=elderly(), rules=RULES, directory=Pool(busy, recent, earlier))
    assert decision.coordinator_id == earlier.id
    reasons = {c["id"]: c["reason"] for c in decision.explanation["considered"]}
    assert reasons[str(busy.id)] == reasons[str(recent.id)] == "outranked"


def test_the_choice_does_not_depend_on_the_order_of_candidates() -> None:
    pool = [candidate("35.08.01", load=1) for _ in range(6)] + [candidate("35.08")]
    first = decide(case=elderly(), rules=RULES, directory=Pool(*pool))
    for seed in range(10):
        shuffled = pool[:]
        random.Random(seed).shuffle(shuffled)
        assert decide(case=elderly(), rules=RULES, directory=Pool(*shuffled)) == first


def test_a_case_with_nobody_anywhere_is_left_for_the_supervisors() -> None:
    [decision] = decide(
        case=elderly(), rules=RULES, directory=Pool(candidate("35.08.01", pillar="PSM"))
    )
    assert decision.coordinator_id is None
    assert decision.matched_level is None
    assert decision.explanation["chosen"] is None


def test_a_sick_destitute_person_gets_a_tksk_to_accompany_and_csr_to_fund() -> None:
    tksk, csr = candidate("35.08.01"), candidate("35.08", pillar="CSR")
    case = CaseFacts("FM", VILLAGE, "high", frozenset({Need.MEDICAL_COSTS}))
    decisions = decide(case=case, rules=RULES, directory=Pool(tksk, csr))
    assert [(d.pillar, d.coordinator_id) for d in decisions] == [("TKSK", tksk.id), ("CSR", csr.id)]
    assert {d.rule_id for d in decisions} == {"sick-poor"}


def test_residential_care_goes_to_the_province_not_the_kab_kota() -> None:
    regency_home = candidate("35.08", pillar="LKS")
    provincial = candidate("35", pillar="LKS", categories=frozenset({"LUT"}))
    case = elderly(residential_care=True)
    decisions = decide(
        case=case, rules=RULES, directory=Pool(candidate("35.08.01"), regency_home, provincial)
    )
    lks = next(d for d in decisions if d.pillar == "LKS")
    assert (lks.coordinator_id, lks.matched_level, lks.care) == (
        provincial.id,
        "province",
        "residential",
    )
    assert str(regency_home.id) not in {c["id"] for c in lks.explanation["considered"]}


def test_the_explanation_names_the_rule_set_version() -> None:
    [decision] = decide(case=elderly(), rules=RULES, directory=Pool(candidate("35.08.01")))
    assert decision.explanation["rules_version"] == decision.rules_version == RULES.version
