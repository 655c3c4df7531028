"""A new Kemendagri code list with a crosswalk (issue 30): a village split and two merged
in Kecamatan Tempursari (35.08.01), on a database of the test's own. Every old case stays
readable under its filed code and moves to the current one; coordinators follow; the
routing finds them at the new code."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sekber_cli.main import app
from shared.config import get_settings
from shared.db import UowFactory, uow_factory_for
from shared.domain.routing.rules import RuleSetError
from shared.migrate import upgrade as migrate
from shared.models import Case, Coordinator, Referral, Region, RegionSuccessor
from shared.reference.catalogue import seed_catalogue
from shared.reference.region_upgrade import RegionUpgradeError, upgrade
from shared.reference.regions import DEFAULT_CSV, REGIONS_VERSION, load_regions
from shared.routing import rulestore
from tests.integration.factories import (
    ELDERLY_TO_PSM,
    add_coordinator,
    draft_rules,
    route,
    submit,
)
from tests.support.servers import database_url

NEW = "Kepmendagri 100.1.1-0001/2027 (uji)"
DISTRICT = "35.08.01"
SPLIT_A, SPLIT_B = f"{DISTRICT}.2101", f"{DISTRICT}.2102"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, UowFactory]]:
    with database_url(tmp_path_factory.mktemp("regions"), name="upgrade") as url:
        migrate(url)
        factory = uow_factory_for(url)
        seed_catalogue(uow_factory=factory)
        load_regions(uow_factory=factory)
        yield url, factory


@pytest.fixture(scope="module")
def villages(db: tuple[str, UowFactory]) -> list[str]:
    with db[1]() as uow:
        return list(
            uow.session.scalars(
                select(Region.code).where(Region.parent_code == DISTRICT).order_by(Region.code)
            )
        )[:4]


def new_list(old: bytes, *, drop: set[str], add: dict[str, str], rename: dict[str, str]) -> bytes:
    rows = list(csv.reader(io.StringIO(old.decode("utf-8"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for code, name, level, parent in rows[1:]:
        if code not in drop:
            writer.writerow([code, rename.get(code, name), level, parent])
    for code, name in add.items():
        writer.writerow([code, name, "village", DISTRICT])
    return out.getvalue().encode("utf-8")


def test_a_split_and_a_merge_lose_no_case_and_the_coordinators_are_found(
    db: tuple[str, UowFactory], villages: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    url, factory = db
    split, merged, survivor, renamed = villages
    psm_id = add_coordinator(factory, pillar="PSM", region=split)
    old_case = submit(factory, category="LUT", village=split, name="Mbah Sarmi")
    route(factory, old_case)
    merged_case = submit(factory, category="LUT", village=merged, name="Bu Tini")
    changed = new_list(
        DEFAULT_CSV.read_bytes(),
        drop={split, merged},
        add={SPLIT_A: "Tempursari Utara", SPLIT_B: "Tempursari Selatan"},
        rename={renamed: "Desa Baru Namanya"},
    )
    crosswalk = (
        f"old_code,new_code,kind\n{split},{SPLIT_A},split\n{split},{SPLIT_B},split\n"
        f"{merged},{survivor},merge\n"
    )

    dry = upgrade(factory, regions_csv=changed, crosswalk_csv=crosswalk, version=NEW, dry_run=True)
    assert dry.retired == sorted([split, merged]) and dry.cases_moved == 2
    with factory() as uow:
        assert uow.session.get(Case, old_case).village_code == split  # nothing stored

    report = upgrade(factory, regions_csv=changed, crosswalk_csv=crosswalk, version=NEW)
    assert report.added == [SPLIT_A, SPLIT_B]
    assert report.renamed == [(renamed, report.renamed[0][1], "Desa Baru Namanya")]
    assert report.moved == {split: SPLIT_A, merged: survivor}
    assert report.cases_moved == 2 and report.coordinators_moved == 1
    assert SPLIT_B in report.uncovered and "PSM" in report.uncovered[SPLIT_B]
    assert SPLIT_A in report.uncovered and "PSM" not in report.uncovered[SPLIT_A]

    with factory() as uow:
        case = uow.session.get(Case, old_case)
        assert (case.village_code, case.filed_village_code) == (SPLIT_A, split)
        assert case.filed_regions_version == REGIONS_VERSION
        assert uow.session.get(Case, merged_case).village_code == survivor
        task = uow.session.scalars(select(Referral).where(Referral.case_id == old_case)).first()
        assert task is not None and task.case_village_code == SPLIT_A
        assert uow.session.get(Coordinator, psm_id).region_code == SPLIT_A
        assert uow.session.get(Region, split).retired_in == NEW  # still readable
        kinds = {
            (r.old_code, r.new_code): r.takes_cases
            for r in uow.session.scalars(select(RegionSuccessor))
        }
        assert kinds[(split, SPLIT_A)] and not kinds[(split, SPLIT_B)]

    # A new case in the new village finds the coordinator who moved there (elderly people
    # go to the village's PSM under this rule set).
    with factory() as uow:
        rulestore.store(
            uow.session, text=draft_rules("psm-1", extra=ELDERLY_TO_PSM), created_by="t"
        )
        uow.commit()
    fresh = submit(factory, category="LUT", village=SPLIT_A, name="Pak Darmo")
    route(factory, fresh)
    with factory() as uow:
        assigned = {
            t.coordinator_id
            for t in uow.session.scalars(select(Referral).where(Referral.case_id == fresh))
        }
        assert psm_id in assigned
        assert uow.session.get(Case, fresh).filed_regions_version == NEW

    # Again: nothing changes; the shipped list does not undo it on the next start.
    again = upgrade(factory, regions_csv=changed, crosswalk_csv=crosswalk, version=NEW)
    assert not again.changed
    assert load_regions(uow_factory=factory).skipped

    # A rule set naming a retired code is refused.
    with factory() as uow, pytest.raises(RuleSetError, match=split):
        rulestore.store(
            uow.session, text=draft_rules("retired-1", extra=f"# {split}\n"), created_by="t"
        )

    # The command line says the same, and refuses a list that drops a code with no successor.
    monkeypatch.setenv("SEKBER_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        (tmp_path / "list.csv").write_bytes(changed)
        (tmp_path / "walk.csv").write_text(crosswalk, encoding="utf-8")
        command = ["regions", "upgrade", str(tmp_path / "list.csv")]
        command += ["--crosswalk", str(tmp_path / "walk.csv")]
        result = CliRunner().invoke(app, [*command, "--version", NEW])
        assert result.exit_code == 0 and "already loaded" in result.output
        (tmp_path / "walk.csv").write_text("old_code,new_code,kind\n", encoding="utf-8")
        bad = new_list(changed, drop={survivor}, add={}, rename={})
        (tmp_path / "list.csv").write_bytes(bad)
        result = CliRunner().invoke(app, [*command, "--version", "x"])
        assert result.exit_code == 2 and survivor in result.output
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("walk", "problem"),
    [
        ("old,new,kind\n", "header"),
        ("old_code,new_code,kind\n35.08.01.2001,35.08.01.2999,swap\n", "kind 'swap'"),
        ("old_code,new_code,kind\n35.08.01.2001,35.08.01.2999,split\n", "not in the new list"),
        ("old_code,new_code,kind\n35.8.1,35.08.01.2001,move\n", "crosswalk line 2"),
    ],
)
def test_a_wrong_crosswalk_is_refused_naming_the_problem(
    db: tuple[str, UowFactory], walk: str, problem: str
) -> None:
    with pytest.raises(RegionUpgradeError, match=problem):
        upgrade(db[1], regions_csv=DEFAULT_CSV.read_bytes(), crosswalk_csv=walk, version="v")
