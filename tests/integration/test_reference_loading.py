from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from shared.db import UowFactory, uow_factory_for
from shared.migrate import upgrade
from shared.models import Category, Coordinator, Pillar, ReferenceVersion, Region
from shared.reference.catalogue import seed_catalogue
from shared.reference.demo import ReferenceDataMissing, load_demo_directory
from shared.reference.directory import DirectoryError, load_directory
from shared.reference.regions import DEFAULT_CSV, REGIONS_VERSION, load_regions
from tests.support import made_up_regions

HEADER = "external_ref,name,kind,pillar,region_code,email,phone,language,active,capacity\n"


def levels(uow_factory: UowFactory, *, within: str | None = None) -> dict[str, int]:
    """Regions by level; without `within`, the national list (not the made-up provinces
    some tests add villages to)."""
    query = select(Region.level, func.count()).group_by(Region.level)
    if within is not None:
        query = query.where(Region.code.like(f"{within}.%"))
    else:
        for province in made_up_regions.PROVINCES:
            query = query.where(~Region.code.like(f"{province}.%"))
    with uow_factory() as uow:
        return {level: count for level, count in uow.session.execute(query)}


def coordinators(uow_factory: UowFactory, prefix: str) -> dict[str, Coordinator]:
    with uow_factory() as uow:
        found = uow.session.scalars(
            select(Coordinator).where(Coordinator.external_ref.like(f"{prefix}%"))
        )
        return {c.external_ref: c for c in found}


def districts(uow_factory: UowFactory, *, within: str) -> set[str]:
    query = select(Region.code).where(Region.level == "district", Region.code.like(f"{within}.%"))
    with uow_factory() as uow:
        return set(uow.session.scalars(query))


@pytest.fixture
def forget(uow_factory: UowFactory) -> Iterator[Callable[[str], None]]:
    """Delete, after the test, the coordinators whose external_ref starts with a prefix."""
    prefixes: list[str] = []
    yield prefixes.append
    with uow_factory() as uow:
        for prefix in prefixes:
            uow.session.execute(
                delete(Coordinator).where(Coordinator.external_ref.like(f"{prefix}%"))
            )
        uow.commit()


def test_the_national_region_list_is_loaded_at_every_level(uow_factory: UowFactory) -> None:
    assert levels(uow_factory) == {
        "province": 38,
        "regency": 514,
        "district": 7_285,
        "village": 83_762,
    }


def test_east_java_has_38_kab_kota_666_kecamatan_and_8494_villages(
    uow_factory: UowFactory,
) -> None:
    assert levels(uow_factory, within="35") == {"regency": 38, "district": 666, "village": 8_494}


def test_the_loaded_code_list_version_is_recorded(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        loaded = uow.session.get(ReferenceVersion, "regions")

    assert loaded is not None
    assert (loaded.version, loaded.row_count) == (REGIONS_VERSION, 91_599)
    assert len(loaded.checksum) == 64


def test_loading_the_same_file_again_is_skipped_and_changes_nothing(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        before = uow.session.get(ReferenceVersion, "regions")
    calls: list[tuple[int, int]] = []

    report = load_regions(uow_factory=uow_factory, progress=lambda *a: calls.append(a))

    with uow_factory() as uow:
        after = uow.session.get(ReferenceVersion, "regions")
    assert report.skipped
    assert report.rows == 91_599
    assert calls == []
    assert before is not None and after is not None
    assert (after.checksum, after.loaded_at) == (before.checksum, before.loaded_at)
    assert sum(levels(uow_factory).values()) == 91_599


def test_a_changed_file_updates_names_adds_codes_and_deletes_none(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    changed = tmp_path / "wilayah.csv"
    changed.write_text(
        "code,name,level,parent_code\n"
        "35.08.01.2001,Kaliuling Baru,village,35.08.01\n"
        "35.08.01.2999,Desa Percobaan,village,35.08.01\n",
        encoding="utf-8",
    )
    calls: list[tuple[int, int]] = []
    try:
        report = load_regions(
            uow_factory=uow_factory, csv_path=changed, progress=lambda *a: calls.append(a)
        )

        with uow_factory() as uow:
            renamed = uow.session.get(Region, "35.08.01.2001")
            added = uow.session.get(Region, "35.08.01.2999")
        assert (report.skipped, report.inserted, report.updated) == (False, 1, 1)
        assert calls == [(2, 2)]
        assert renamed is not None and renamed.name == "Kaliuling Baru"
        assert added is not None and added.parent_code == "35.08.01"
        assert sum(levels(uow_factory).values()) == 91_600
    finally:
        restored = load_regions(uow_factory=uow_factory, csv_path=DEFAULT_CSV)
        with uow_factory() as uow:
            uow.session.execute(delete(Region).where(Region.code == "35.08.01.2999"))
            uow.commit()
    assert (restored.skipped, restored.updated) == (False, 1)
    with uow_factory() as uow:
        original = uow.session.get(Region, "35.08.01.2001")
    assert original is not None and original.name == "Tegalrejo"
    assert sum(levels(uow_factory).values()) == 91_599


def test_seeding_the_catalogue_again_writes_nothing(uow_factory: UowFactory) -> None:
    assert seed_catalogue(uow_factory=uow_factory) == 0
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Category)) == 26
        assert uow.session.scalar(select(func.count()).select_from(Pillar)) == 13


def test_a_directory_file_with_a_bad_row_is_refused_whole_naming_line_and_field(
    uow_factory: UowFactory, tmp_path: Path, forget: Callable[[str], None]
) -> None:
    prefix = f"it-{uuid.uuid4().hex[:8]}-"
    forget(prefix)
    path = tmp_path / "directory.csv"
    path.write_text(
        HEADER
        + f"{prefix}1,Agus Santoso,person,TKSK,35.08.01,,,,,\n"
        + f"{prefix}2,Tagana Lumajang,unit,TAGANA,35.08.99,,,,,\n",
        encoding="utf-8",
    )

    with pytest.raises(DirectoryError) as refused:
        load_directory(uow_factory=uow_factory, path=path)

    assert refused.value.problems == ["line 3: region_code: '35.08.99' is not a loaded region code"]
    assert coordinators(uow_factory, prefix) == {}


def test_a_good_directory_file_is_stored_and_a_second_load_updates_it(
    uow_factory: UowFactory, tmp_path: Path, forget: Callable[[str], None]
) -> None:
    prefix = f"it-{uuid.uuid4().hex[:8]}-"
    forget(prefix)
    path = tmp_path / "directory.csv"
    first = f"{prefix}1,Agus Santoso,person,TKSK,35.08.01,agus@example.org,,,,\n"
    second = f"{prefix}2,Tagana Kabupaten Lumajang,unit,TAGANA,35.08,,,en,false,60\n"
    path.write_text(HEADER + first + second, encoding="utf-8")

    created = load_directory(uow_factory=uow_factory, path=path)
    stored = coordinators(uow_factory, prefix)
    path.write_text(HEADER + first.replace("Agus Santoso", "Agus Santosa") + second)
    again = load_directory(uow_factory=uow_factory, path=path)
    updated = coordinators(uow_factory, prefix)

    assert (created.created, created.updated) == (2, 0)
    tagana = stored[f"{prefix}2"]
    assert (tagana.kind, tagana.language, tagana.active, tagana.capacity) == (
        "unit",
        "en",
        False,
        60,
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert updated[f"{prefix}1"].name == "Agus Santosa"
    assert updated[f"{prefix}1"].id == stored[f"{prefix}1"].id


def test_the_demo_directory_has_one_tksk_per_kecamatan_and_loads_idempotently(
    uow_factory: UowFactory, forget: Callable[[str], None]
) -> None:
    if not coordinators(uow_factory, "demo-"):
        forget("demo-")

    first = load_demo_directory(uow_factory=uow_factory)
    again = load_demo_directory(uow_factory=uow_factory)

    tksk = list(coordinators(uow_factory, "demo-TKSK-").values())
    assert len(tksk) == 666
    assert {c.region_code for c in tksk} == districts(uow_factory, within="35")
    assert first.created + first.unchanged == again.unchanged
    assert (again.created, again.updated) == (0, 0)


def test_the_demo_directory_is_refused_before_the_reference_data_is_loaded(
    tmp_path: Path,
) -> None:
    # A database of its own: the session database already holds the reference data.
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    empty = uow_factory_for(url)

    with pytest.raises(ReferenceDataMissing, match="pillars"):
        load_demo_directory(uow_factory=empty)
    seed_catalogue(uow_factory=empty)
    with pytest.raises(ReferenceDataMissing, match="regions are not loaded"):
        load_demo_directory(uow_factory=empty)


def test_a_directory_file_may_give_a_telegram_chat_and_a_bad_one_is_refused(
    uow_factory: UowFactory, tmp_path: Path, forget: Callable[[str], None]
) -> None:
    prefix = f"it-{uuid.uuid4().hex[:8]}-"
    forget(prefix)
    path = tmp_path / "directory.csv"
    header = "external_ref,name,kind,pillar,region_code,telegram_chat_id\n"
    path.write_text(header + f"{prefix}1,Agus,person,TKSK,35.08.01,bukan chat\n")
    with pytest.raises(DirectoryError) as refused:
        load_directory(uow_factory=uow_factory, path=path)
    assert refused.value.problems == [
        "line 2: telegram_chat_id: 'bukan chat' is not a chat id or @name"
    ]

    path.write_text(header + f"{prefix}1,Agus,person,TKSK,35.08.01,-1001234567890\n")
    load_directory(uow_factory=uow_factory, path=path)
    assert coordinators(uow_factory, prefix)[f"{prefix}1"].telegram_chat_id == "-1001234567890"
