"""`sekber import FILE --as USERNAME`: the rows stored as the account's referrals, with a
progress bar and the failed rows named; the same file again creates nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sekber_cli.main import app
from shared.accounts import users
from shared.db import UowFactory
from shared.models import Case
from tests.integration.intake.imports.test_imports_api import HEADER, row

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("sekber_database")


def account(uow_factory: UowFactory, role: str) -> str:
    name = f"posko.{uuid.uuid4().hex[:6]}"
    with uow_factory() as uow:
        users.create_user(uow.session, username=name, name="Posko Tagana", role=role,
                          password=None, jurisdiction="35")  # fmt: skip
        uow.commit()
    return name


def test_a_file_imported_from_the_command_line(uow_factory: UowFactory, tmp_path: Path) -> None:
    village = "35.08.01.2001"
    tag = uuid.uuid4().hex[:6]
    file = tmp_path / "korban.csv"
    file.write_text("\n".join([
        HEADER, row(village, f"Korban Satu {tag}"), row(village, f"Korban Dua {tag}"),
        row("62.01.01.2001", f"Korban Luar {tag}"),  # outside the account's jurisdiction
    ]) + "\n")  # fmt: skip
    user = account(uow_factory, "case_worker")
    result = runner.invoke(app, ["import", str(file), "--as", user])
    assert result.exit_code == 1, result.output
    assert "created 2" in result.output and "failed 1" in result.output
    assert "row 4: kode_desa:" in result.output and "jurisdiction" in result.output
    with uow_factory() as uow:
        stored = uow.session.scalars(
            select(Case).where(Case.beneficiary_name.like(f"%{tag}"))
        ).all()
    assert len(stored) == 2 and {c.reported_by for c in stored} == {f"case_worker:{user}"}

    again = runner.invoke(app, ["import", str(file), "--as", user])
    assert "created 0" in again.output and "already imported 2" in again.output


def test_an_account_that_may_not_report_is_refused(uow_factory: UowFactory, tmp_path: Path) -> None:
    file = tmp_path / "korban.csv"
    file.write_text(HEADER + "\n" + row("35.08.01.2001", "Siti") + "\n")
    result = runner.invoke(app, ["import", str(file), "--as", account(uow_factory, "admin")])
    assert result.exit_code == 2 and "--as" in result.output
    missing = runner.invoke(app, ["import", str(tmp_path / "none.csv"), "--as", "x"])
    assert missing.exit_code == 2 and "file" in missing.output
