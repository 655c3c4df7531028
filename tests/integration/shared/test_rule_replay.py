"""Replaying a draft over the most recent stored cases, against the real database. The
cases and coordinators are in Kabupaten Bengkayang (61.07), away from the demo directory;
each test replays exactly the cases it has just stored (the newest ones)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from shared.db import UowFactory
from shared.domain.routing import rules as routing_rules
from shared.domain.routing.facts import Need
from shared.models import Base, Case
from shared.routing.replay import replay_recent
from tests.integration.factories import ELDERLY_TO_PSM, add_coordinator, draft_rules, submit

ELDERLY_FROM_THE_PROVINCE = ELDERLY_TO_PSM.replace('"PSM"', '"TKSK"').replace(
    'start_level = "village"', 'start_level = "province"'
)


# For an uninhabitable house, the TKSK alone: no CSR funding.
HOUSING_WITHOUT_CSR = """
[[rule]]
id = "housing-tksk-only"
when.needs = ["housing"]
overrides = ["housing"]
[[rule.task]]
pillar = "TKSK"
start_level = "district"
purpose_id = "Asesmen rumah tidak layak huni"
purpose_en = "Assessment of the uninhabitable house"
"""


@pytest.fixture(scope="module")
def directory(uow_factory: UowFactory) -> dict[str, uuid.UUID]:
    return {
        "tksk": add_coordinator(uow_factory, pillar="TKSK", region="61.07.01", name="Pak Herman"),
        "psm": add_coordinator(uow_factory, pillar="PSM", region="61.07.01.2001", name="Bu Lina"),
    }


def tracking_code(uow_factory: UowFactory, case_id: uuid.UUID) -> str:
    with uow_factory() as uow:
        return uow.session.get_one(Case, case_id).tracking_code


def rows(uow_factory: UowFactory) -> dict[str, int]:
    with uow_factory() as uow:
        return {
            t.name: uow.session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def test_a_draft_that_moves_the_elderly_to_the_psm_changes_their_pillars_only(
    uow_factory: UowFactory, directory: dict[str, uuid.UUID]
) -> None:
    first = submit(uow_factory, category="LUT", village="61.07.01.2001")
    poor = submit(uow_factory, category="FM", village="61.07.02.2001")
    last = submit(uow_factory, category="LUT", village="61.07.01.2001")
    draft = routing_rules.parse(draft_rules("replay-psm", extra=ELDERLY_TO_PSM))

    report = replay_recent(
        uow_factory=uow_factory, draft=draft, limit=3, examples=5, today=date.today()
    )

    assert (report.before_version, report.after_version) == (
        routing_rules.load_default().version,
        "replay-psm",
    )
    assert (report.cases, report.changed, report.pillars_changed, report.coordinator_changed) == (
        3,
        2,
        2,
        0,
    )
    assert [c.label for c in report.examples] == [
        tracking_code(uow_factory, last),
        tracking_code(uow_factory, first),
    ]
    example = report.examples[0]
    assert [(r.pillar, r.coordinator_id, r.coordinator_name) for r in example.before] == [
        ("TKSK", directory["tksk"], "Pak Herman")
    ]
    assert [(r.pillar, r.coordinator_id, r.coordinator_name) for r in example.after] == [
        ("PSM", directory["psm"], "Bu Lina")
    ]
    assert tracking_code(uow_factory, poor) not in {c.label for c in report.examples}


def test_a_draft_that_starts_higher_changes_the_coordinator_of_the_same_pillar(
    uow_factory: UowFactory, directory: dict[str, uuid.UUID]
) -> None:
    submit(uow_factory, category="LUT", village="61.07.01.2004")
    draft = routing_rules.parse(draft_rules(extra=ELDERLY_FROM_THE_PROVINCE))

    report = replay_recent(
        uow_factory=uow_factory, draft=draft, limit=1, examples=5, today=date.today()
    )

    assert (report.pillars_changed, report.coordinator_changed) == (0, 1)
    assert (report.unassigned_before, report.unassigned_after) == (0, 1)
    [change] = report.examples
    assert [(r.pillar, r.coordinator_id) for r in change.before] == [("TKSK", directory["tksk"])]
    assert [(r.pillar, r.coordinator_id) for r in change.after] == [("TKSK", None)]


def test_the_replay_reads_needs_and_shows_no_more_examples_than_asked(
    uow_factory: UowFactory, directory: dict[str, uuid.UUID]
) -> None:
    for _ in range(3):
        submit(uow_factory, category="FM", village="61.07.01.2005", needs=(Need.HOUSING,))
    draft = routing_rules.parse(draft_rules(extra=HOUSING_WITHOUT_CSR))

    report = replay_recent(
        uow_factory=uow_factory, draft=draft, limit=3, examples=2, today=date.today()
    )

    assert (report.cases, report.pillars_changed, len(report.examples)) == (3, 3, 2)
    assert [r.pillar for r in report.examples[0].before] == ["PUSKESOS", "TKSK", "CSR"]
    assert [r.pillar for r in report.examples[0].after] == ["PUSKESOS", "TKSK"]


def test_the_same_rules_replayed_change_nothing_and_nothing_is_written(
    uow_factory: UowFactory, directory: dict[str, uuid.UUID]
) -> None:
    submit(uow_factory, category="LUT", village="61.07.01.2001")
    before = rows(uow_factory)

    report = replay_recent(
        uow_factory=uow_factory,
        draft=routing_rules.load_default(),
        limit=50,
        examples=5,
        today=date.today(),
    )

    assert report.cases >= 1
    assert (report.changed, report.examples) == (0, ())
    assert rows(uow_factory) == before
