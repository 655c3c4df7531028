from __future__ import annotations

import pytest

from shared.domain.routing.facts import AgeBand, CaseFacts, DisasterScope, Need
from shared.domain.routing.rules import DEFAULT_RULES, RuleSetError, load_default, parse

TEXT = DEFAULT_RULES.read_text()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_default_rules_load() -> None:
    rules = load_default()
    assert rules.version
    assert len({r.id for r in rules.rules}) == len(rules.rules)


def test_a_rule_set_missing_a_category_is_refused_naming_it() -> None:
    text = TEXT.replace('when.categories = ["LUT"]', 'when.categories = ["PD"]', 1)
    with pytest.raises(RuleSetError, match="LUT"):
        parse(text)


def test_an_unknown_pillar_is_refused_with_its_line() -> None:
    text = TEXT.replace('pillar = "TAGANA"', 'pillar = "FIREFIGHTERS"', 1)
    line = line_of(text, 'id = "disaster"') - 1
    with pytest.raises(
        RuleSetError, match=rf"line {line}: rule 'disaster', task 1: unknown pillar"
    ):
        parse(text)


def test_an_unknown_need_is_refused() -> None:
    text = TEXT.replace('when.needs = ["youth"]', 'when.needs = ["youth", "money"]')
    with pytest.raises(RuleSetError, match=r"rule 'youth': unknown needs money"):
        parse(text)


def test_a_repeated_rule_id_is_refused() -> None:
    text = TEXT.replace('id = "street"', 'id = "elderly"')
    with pytest.raises(RuleSetError, match="repeats the id"):
        parse(text)


def test_overriding_an_unknown_rule_is_refused() -> None:
    text = TEXT.replace('overrides = ["poverty"]', 'overrides = ["nothing"]')
    with pytest.raises(RuleSetError, match="overrides unknown rules nothing"):
        parse(text)


def test_residential_care_must_start_at_the_province() -> None:
    text = TEXT.replace(
        'start_level = "province"\ncare = "residential"',
        'start_level = "regency"\ncare = "residential"',
    )
    with pytest.raises(RuleSetError, match="province's duty"):
        parse(text)


def test_broken_toml_and_a_missing_version_are_refused() -> None:
    with pytest.raises(RuleSetError, match="not valid TOML"):
        parse("[[rule]\n")
    with pytest.raises(RuleSetError, match="version"):
        parse("[[rule]]\nid='x'\n")


def test_an_unknown_condition_is_refused() -> None:
    text = TEXT.replace('when.needs = ["youth"]', 'when.mood = ["sad"]')
    with pytest.raises(RuleSetError, match="unknown conditions mood"):
        parse(text)


def test_an_overriding_rule_replaces_the_default_pillar() -> None:
    rules = load_default()
    plain = rules.plan(CaseFacts("FM", "35.08.01.2001", "normal"))
    sick = rules.plan(CaseFacts("FM", "35.08.01.2001", "normal", frozenset({Need.MEDICAL_COSTS})))
    assert [p.task.pillar for p in plain] == ["PUSKESOS"]
    assert [p.task.pillar for p in sick] == ["TKSK", "CSR"]


def test_a_pillar_is_asked_once_per_case() -> None:
    rules = load_default()
    case = CaseFacts(
        "FM", "35.08.01.2001", "normal", frozenset({Need.AID_ENROLMENT, Need.CIVIL_DOCUMENTS})
    )
    assert [p.task.pillar for p in rules.plan(case)] == ["PUSKESOS"]


def test_conditions_on_urgency_age_and_disaster_scope() -> None:
    rules = load_default()
    provincial = CaseFacts(
        "KBA", "35.08.01.2001", "emergency", disaster_scope=DisasterScope.PROVINCIAL,
        age_band=AgeBand.ADULT,
    )  # fmt: skip
    assert [p.task.pillar for p in rules.plan(provincial)] == ["TAGANA", "DINSOS"]
    urgent = CaseFacts("FM", "35.08.01.2001", "high", frozenset({Need.HEALTH_INSURANCE}))
    calm = CaseFacts("FM", "35.08.01.2001", "low", frozenset({Need.HEALTH_INSURANCE}))
    assert [p.task.pillar for p in rules.plan(urgent)] == ["PUSKESOS", "TKSK"]
    assert [p.task.pillar for p in rules.plan(calm)] == ["PUSKESOS"]
