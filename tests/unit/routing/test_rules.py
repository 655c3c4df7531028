from __future__ import annotations

import pytest

from services.routing.rules import DEFAULT_RULES, RuleSetError, load_default, parse
from shared.domain.categories import CATEGORIES


def test_the_default_rules_cover_every_ppks_category_once() -> None:
    rules = load_default()
    for category in CATEGORIES:
        assert rules.for_category(category.code).pillar


@pytest.mark.parametrize(
    ("category", "pillar"),
    [
        ("LUT", "TKSK"),
        ("ABT", "TKSK"),
        ("KBA", "TAGANA"),
        ("KBS", "TAGANA"),
        ("KTK", "PSM"),
        ("FM", "PUSKESOS"),
        ("PRSE", "PSM"),
        ("ODHA", "TKSK"),
    ],
)
def test_first_pillars_follow_the_referral_cheat_sheet(category: str, pillar: str) -> None:
    assert load_default().for_category(category).pillar == pillar


def _without(text: str, line: str) -> str:
    return text.replace(line, "")


def test_a_rule_set_missing_a_category_is_refused_naming_it() -> None:
    text = DEFAULT_RULES.read_text().replace('categories = ["LUT"]', "categories = []")
    with pytest.raises(RuleSetError, match="LUT"):
        parse(text)


def test_an_unknown_pillar_is_refused_naming_the_rule() -> None:
    text = DEFAULT_RULES.read_text().replace('pillar = "TAGANA"', 'pillar = "FIREFIGHTERS"')
    with pytest.raises(RuleSetError, match=r"rule #5 \(disaster\): unknown pillar FIREFIGHTERS"):
        parse(text)


def test_a_category_in_two_rules_is_refused() -> None:
    text = DEFAULT_RULES.read_text().replace('categories = ["LUT"]', 'categories = ["LUT", "PD"]')
    with pytest.raises(RuleSetError, match="more than one rule: PD"):
        parse(text)


def test_broken_toml_and_a_missing_version_are_refused() -> None:
    with pytest.raises(RuleSetError, match="not valid TOML"):
        parse("[[rule]\n")
    with pytest.raises(RuleSetError, match="version"):
        parse("[[rule]]\nid='x'\n")


def test_a_bad_start_level_is_refused() -> None:
    text = DEFAULT_RULES.read_text().replace('start_level = "regency"', 'start_level = "planet"')
    with pytest.raises(RuleSetError, match="disaster"):
        parse(text)
