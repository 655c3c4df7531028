"""The rule model: which pillar a case goes to first, and where the search begins."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.domain import categories, pillars
from shared.domain.regions import Level

DEFAULT_RULES = Path(__file__).with_name("default_rules.toml")


class RuleSetError(ValueError):
    """A rule set that cannot be used; the message says which rule and why."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    categories: frozenset[str]
    pillar: str
    start_level: Level
    purpose_id: str
    purpose_en: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]

    def for_category(self, category: str) -> Rule:
        for rule in self.rules:
            if category in rule.categories:
                return rule
        raise RuleSetError(f"no rule for category {category}")


def parse(text: str) -> RuleSet:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"not valid TOML: {exc}") from None
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise RuleSetError("the rule set needs a `version` string")
    rules = tuple(_rule(i, r) for i, r in enumerate(raw.get("rule", []), start=1))
    covered = [c for r in rules for c in r.categories]
    missing = set(categories.BY_CODE) - set(covered)
    if missing:
        raise RuleSetError(f"no rule covers categories: {', '.join(sorted(missing))}")
    twice = {c for c in covered if covered.count(c) > 1}
    if twice:
        raise RuleSetError(f"categories in more than one rule: {', '.join(sorted(twice))}")
    return RuleSet(version=version, rules=rules)


def _rule(index: int, raw: dict[str, Any]) -> Rule:
    where = f"rule #{index} ({raw.get('id', 'no id')})"
    try:
        rule = Rule(
            id=str(raw["id"]),
            categories=frozenset(raw["categories"]),
            pillar=str(raw["pillar"]),
            start_level=Level(raw["start_level"]),
            purpose_id=str(raw["purpose_id"]),
            purpose_en=str(raw["purpose_en"]),
        )
    except KeyError as exc:
        raise RuleSetError(f"{where}: missing {exc.args[0]}") from None
    except ValueError as exc:
        raise RuleSetError(f"{where}: {exc}") from None
    unknown = rule.categories - set(categories.BY_CODE)
    if unknown:
        raise RuleSetError(f"{where}: unknown categories {', '.join(sorted(unknown))}")
    if rule.pillar not in pillars.BY_CODE:
        raise RuleSetError(f"{where}: unknown pillar {rule.pillar}")
    return rule


def load_default() -> RuleSet:
    return parse(DEFAULT_RULES.read_text(encoding="utf-8"))
