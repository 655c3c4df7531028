"""The rule model: which pillars a case goes to, for what, and where the search begins.

A rule set is TOML. Each `[[rule]]` has a `when` (all given conditions must hold; a list
means "any of these") and one or more `[[rule.task]]`. Every rule that matches contributes
its tasks, in file order, except rules that another matching rule `overrides`; a pillar is
asked once per case (the first task for it wins). Every category must have a rule with no
condition but the category, so a case with nothing else known still routes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from shared.domain import categories, pillars
from shared.domain import text as free_text
from shared.domain.regions import Level
from shared.domain.routing.facts import AgeBand, Care, CaseFacts, DisasterScope, Need
from shared.domain.urgency import Urgency

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "data" / "routing" / "default_rules.toml"

_CONDITIONS = ("categories", "needs", "urgency", "age_band", "disaster_scope")
_RULE_KEYS = {"id", "when", "task", "overrides", "note"}
_TASK_KEYS = {"pillar", "purpose_id", "purpose_en", "start_level", "care"}


class RuleSetError(ValueError):
    """A rule set that cannot be used; the message names the line and the reason."""


@dataclass(frozen=True, slots=True)
class Condition:
    categories: frozenset[str] | None = None
    needs: frozenset[Need] | None = None
    urgency: frozenset[str] | None = None
    age_band: frozenset[AgeBand] | None = None
    disaster_scope: frozenset[DisasterScope] | None = None

    def holds(self, case: CaseFacts) -> bool:
        return (
            (self.categories is None or case.category in self.categories)
            and (self.needs is None or bool(self.needs & case.needs))
            and (self.urgency is None or case.urgency in self.urgency)
            and (self.age_band is None or case.age_band in self.age_band)
            and (self.disaster_scope is None or case.disaster_scope in self.disaster_scope)
        )

    @property
    def category_only(self) -> bool:
        return all(getattr(self, c) is None for c in _CONDITIONS if c != "categories")


@dataclass(frozen=True, slots=True)
class TaskTemplate:
    pillar: str
    purpose_id: str
    purpose_en: str
    start_level: Level
    care: Care


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    tasks: tuple[TaskTemplate, ...]
    overrides: frozenset[str]
    line: int


@dataclass(frozen=True, slots=True)
class PlannedTask:
    rule_id: str
    task: TaskTemplate


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]

    def plan(self, case: CaseFacts) -> list[PlannedTask]:
        matched = [r for r in self.rules if r.when.holds(case)]
        overridden = {target for r in matched for target in r.overrides}
        planned: list[PlannedTask] = []
        asked: set[str] = set()
        for rule in matched:
            if rule.id in overridden:
                continue
            for task in rule.tasks:
                if task.pillar not in asked:
                    asked.add(task.pillar)
                    planned.append(PlannedTask(rule.id, task))
        return planned


def parse(text: str) -> RuleSet:
    for number, line in enumerate(text.split("\n"), start=1):
        error = free_text.problem(line)
        if error is not None:
            raise RuleSetError(f"line {number}: {error}")
    text = free_text.clean(text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise RuleSetError("not valid TOML: nested too deeply") from None
    except ValueError as exc:  # a number of thousands of digits
        raise RuleSetError(f"not valid TOML: {exc}") from None
    _check_strings(raw, [])
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RuleSetError("line 1: the rule set needs a `version` string")
    if len(version.strip()) > VERSION_MAX:
        raise RuleSetError(f"line 1: `version` longer than {VERSION_MAX} characters")
    raw_rules = raw.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleSetError("line 1: the rule set has no [[rule]]")
    lines = _rule_lines(text)
    rules = tuple(_rule(r, lines[i] if i < len(lines) else 0) for i, r in enumerate(raw_rules))
    _check_whole(rules)
    return RuleSet(version=version.strip(), rules=rules)


VERSION_MAX = 60


def _check_strings(value: Any, where: list[str]) -> None:
    """Every key and string of the rule set, escapes decoded, passes the free-text rule
    for a single line (the text check above sees only what was typed, not `\\u0000`)."""
    if isinstance(value, str):
        error = free_text.problem(value, one_line=True)
        if error is not None:
            raise RuleSetError(f"{'.'.join(where) or 'rule set'}: {error}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, where)
            _check_strings(item, [*where, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, [*where, str(index)])


def load_default() -> RuleSet:
    return parse(DEFAULT_RULES.read_text(encoding="utf-8"))


def _rule_lines(text: str) -> list[int]:
    header = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]


def _rule(raw: dict[str, Any], line: int) -> Rule:
    rule_id = raw.get("id")
    where = f"line {line}: rule {rule_id!r}" if rule_id else f"line {line}: rule"
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,59}", rule_id):
        raise RuleSetError(f"{where}: `id` must be lowercase letters, digits, - or _")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleSetError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    when = _condition(raw.get("when", {}), where)
    tasks_raw = raw.get("task", [])
    if not isinstance(tasks_raw, list) or not tasks_raw:
        raise RuleSetError(f"{where}: needs at least one [[rule.task]]")
    tasks = tuple(_task(t, f"{where}, task {i}") for i, t in enumerate(tasks_raw, start=1))
    overrides = raw.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise RuleSetError(f"{where}: `overrides` must be a list of rule ids")
    return Rule(rule_id, when, tasks, frozenset(overrides), line)


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, dict):
        raise RuleSetError(f"{where}: `when` must be a table")
    unknown = set(raw) - set(_CONDITIONS)
    if unknown:
        raise RuleSetError(f"{where}: unknown conditions {', '.join(sorted(unknown))}")
    return Condition(
        categories=_set(raw, "categories", set(categories.BY_CODE), where),
        needs=_enum_set(raw, "needs", Need, where),
        urgency=_set(raw, "urgency", {u.value for u in Urgency}, where),
        age_band=_enum_set(raw, "age_band", AgeBand, where),
        disaster_scope=_enum_set(raw, "disaster_scope", DisasterScope, where),
    )


def _set(raw: dict[str, Any], key: str, allowed: set[str], where: str) -> frozenset[str] | None:
    if key not in raw:
        return None
    values = raw[key]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise RuleSetError(f"{where}: `{key}` must be a non-empty list of strings")
    bad = sorted(set(values) - allowed)
    if bad:
        raise RuleSetError(f"{where}: unknown {key} {', '.join(bad)}")
    return frozenset(values)


_E = TypeVar("_E", Need, AgeBand, DisasterScope)


def _enum_set(raw: dict[str, Any], key: str, enum: type[_E], where: str) -> frozenset[_E] | None:
    names = _set(raw, key, {e.value for e in enum}, where)
    return None if names is None else frozenset(enum(n) for n in names)


def _task(raw: Any, where: str) -> TaskTemplate:
    if not isinstance(raw, dict):
        raise RuleSetError(f"{where}: must be a table")
    unknown = set(raw) - _TASK_KEYS
    if unknown:
        raise RuleSetError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    missing = [k for k in ("pillar", "purpose_id", "purpose_en", "start_level") if k not in raw]
    if missing:
        raise RuleSetError(f"{where}: missing {', '.join(missing)}")
    if raw["pillar"] not in pillars.BY_CODE:
        raise RuleSetError(f"{where}: unknown pillar {raw['pillar']}")
    try:
        level = Level(raw["start_level"])
        care = Care(raw.get("care", "community"))
    except ValueError as exc:
        raise RuleSetError(f"{where}: {exc}") from None
    if care is Care.RESIDENTIAL and level is not Level.PROVINCE:
        raise RuleSetError(
            f"{where}: residential care is the province's duty; start_level must be province"
        )
    return TaskTemplate(raw["pillar"], str(raw["purpose_id"]), str(raw["purpose_en"]), level, care)


def _check_whole(rules: Iterable[Rule]) -> None:
    rules = list(rules)
    seen: dict[str, int] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleSetError(
                f"line {rule.line}: rule {rule.id!r} repeats the id of line {seen[rule.id]}"
            )
        seen[rule.id] = rule.line
    for rule in rules:
        missing = sorted(rule.overrides - set(seen))
        if missing:
            raise RuleSetError(
                f"line {rule.line}: rule {rule.id!r} overrides unknown rules {', '.join(missing)}"
            )
    covered = {
        c for r in rules if r.when.category_only for c in (r.when.categories or categories.BY_CODE)
    }
    uncovered = sorted(set(categories.BY_CODE) - covered)
    if uncovered:
        raise RuleSetError(
            "no rule routes these categories when nothing else is known about the case "
            f"(add a rule with only `categories`): {', '.join(uncovered)}"
        )
