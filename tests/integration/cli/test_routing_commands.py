"""`sekber rules-upload` and `sekber routing-replay` against the test database. Cases and
coordinators are in Kabupaten Landak (61.08), away from the demo directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sekber_cli.main import app
from shared.config import get_settings
from shared.db import UowFactory
from shared.models import Case
from shared.routing.rulestore import active_row
from tests.integration.factories import ELDERLY_TO_PSM, add_coordinator, draft_rules, submit

pytestmark = pytest.mark.usefixtures("default_rules_afterwards")

runner = CliRunner()


@pytest.fixture(autouse=True)
def sekber_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SEKBER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def active_version(uow_factory: UowFactory) -> str | None:
    with uow_factory() as uow:
        row = active_row(uow.session)
        return row.version if row else None


def test_rules_upload_stores_and_activates_the_rules_with_their_author(
    tmp_path: Path, uow_factory: UowFactory
) -> None:
    path = rules_file(tmp_path, draft_rules("cli-upload"))

    result = runner.invoke(app, ["rules-upload", str(path), "--actor", "Pak Admin"])

    assert result.exit_code == 0, result.output
    assert "cli-upload" in result.output
    with uow_factory() as uow:
        row = active_row(uow.session)
        assert row is not None
        assert (row.version, row.created_by) == ("cli-upload", "Pak Admin")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (draft_rules(extra=ELDERLY_TO_PSM.replace('"PSM"', '"NOBODY"')), "unknown pillar NOBODY"),
        ('version = "x"\n[[rule]\n', "line 2"),
    ],
    ids=["unknown pillar", "not TOML"],
)
def test_rules_upload_of_invalid_rules_exits_2_with_the_reason_and_changes_nothing(
    tmp_path: Path, uow_factory: UowFactory, text: str, message: str
) -> None:
    assert runner.invoke(app, ["rules-upload", str(rules_file(tmp_path, draft_rules("cli-ok")))])
    before = active_version(uow_factory)

    result = runner.invoke(app, ["rules-upload", str(rules_file(tmp_path, text))])

    assert result.exit_code == 2
    assert message in result.output
    assert "unchanged" in result.output
    assert active_version(uow_factory) == before == "cli-ok"


def test_rules_upload_of_a_taken_version_with_other_rules_exits_2(
    tmp_path: Path, uow_factory: UowFactory
) -> None:
    runner.invoke(app, ["rules-upload", str(rules_file(tmp_path, draft_rules("cli-taken")))])
    other = draft_rules("cli-taken", extra=ELDERLY_TO_PSM)

    result = runner.invoke(app, ["rules-upload", str(rules_file(tmp_path, other))])

    assert result.exit_code == 2
    assert "already exists" in result.output


def test_routing_replay_counts_the_changes_and_shows_examples(
    tmp_path: Path, uow_factory: UowFactory
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region="61.08.01", name="Pak Anton")
    elderly = [submit(uow_factory, category="LUT", village="61.08.01.2001") for _ in range(2)]
    path = rules_file(tmp_path, draft_rules("cli-replay", extra=ELDERLY_TO_PSM))

    result = runner.invoke(app, ["routing-replay", str(path), "--limit", "2", "--examples", "1"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Replayed 2 recent case(s): active rules ")
    assert lines[0].endswith("-> draft cli-replay")
    assert lines[1].split() == ["set", "of", "pillars", "would", "change:", "2"]
    assert lines[2].split()[-1] == "0"
    with uow_factory() as uow:
        newest = uow.session.get_one(Case, elderly[-1]).tracking_code
    assert lines[-1].strip() == f"{newest}: TKSK Pak Anton -> PSM (unassigned)"
    assert active_version(uow_factory) is None


def test_routing_replay_of_a_malformed_draft_exits_2(tmp_path: Path) -> None:
    path = rules_file(tmp_path, 'version = "x"\n')

    result = runner.invoke(app, ["routing-replay", str(path)])

    assert result.exit_code == 2
    assert "no [[rule]]" in result.output
