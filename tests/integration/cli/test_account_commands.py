"""Accounts from the command line, and the demo accounts `sekber up --demo` creates. The
coordinator behind accounts here is an inactive directory entry in Kab. Lumajang (routing
never picks it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sekber_cli.main import app
from shared.accounts import apikeys, demo, users
from shared.config import get_settings
from shared.db import UowFactory
from shared.models import AuditEntry, User
from shared.models.base import utcnow
from tests.integration.factories import add_coordinator

runner = CliRunner()
PASSWORD = "Kata-Sandi-Panjang-1"


@pytest.fixture(autouse=True)
def sekber_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SEKBER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_an_account_is_created_with_a_prompted_password_and_signs_in(
    uow_factory: UowFactory,
) -> None:
    name = f"sri.{uuid.uuid4().hex[:6]}"
    result = runner.invoke(
        app,
        ["users", "create", name, "--role", "case_worker", "--name", "Sri", "--jurisdiction", "35"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with uow_factory() as uow:
        user = users.authenticate(uow.session, username=name, password=PASSWORD)
        assert (user.role, user.jurisdiction) == ("case_worker", "35")


def test_a_bad_account_is_refused_naming_the_problem(uow_factory: UowFactory) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "x y", "--role", "boss", "--name", "X", "--no-password"],
    )
    assert result.exit_code == 2
    assert "username" in result.output
    with uow_factory() as uow:
        assert uow.session.scalar(select(User).where(User.username == "x y")) is None


def test_a_key_is_shown_once_works_and_is_revoked(uow_factory: UowFactory) -> None:
    name = f"siks.{uuid.uuid4().hex[:6]}"
    created = runner.invoke(
        app, ["users", "create", name, "--role", "case_worker", "--name", "SIKS", "--no-password"]
    )
    assert created.exit_code == 0, created.output

    issued = runner.invoke(app, ["keys", "issue", name, "--name", "SIKS-NG", "--days", "30"])
    assert issued.exit_code == 0, issued.output
    key = issued.output.strip().splitlines()[-1]
    prefix = key.removeprefix(apikeys.PREFIX).split("_")[0]
    with uow_factory() as uow:
        found = apikeys.resolve(uow.session, key, now=utcnow())
        assert found is not None and found.username == name
    listed = runner.invoke(app, ["keys", "list", name])
    assert prefix in listed.output and key not in listed.output

    assert runner.invoke(app, ["keys", "revoke", prefix]).exit_code == 0
    with uow_factory() as uow:
        assert apikeys.resolve(uow.session, key, now=utcnow()) is None
        events = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id.in_([name, prefix]))
        ).all()
    assert {"user_created", "key_issued", "key_revoked"} <= set(events)


def test_the_demo_accounts_are_created_once_one_per_role(uow_factory: UowFactory) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region="35.08.01", active=False)
    with uow_factory() as uow:
        demo.create(uow.session)
        uow.commit()
    with uow_factory() as uow:
        again = demo.create(uow.session)
        roles = uow.session.scalars(
            select(User.role).where(User.username.in_([a.username for a in demo.ACCOUNTS]))
        ).all()
        coordinator = users.authenticate(
            uow.session, username="koordinator.demo", password=demo.PASSWORD
        )
    assert again == []
    assert sorted(roles) == sorted(a.role for a in demo.ACCOUNTS)
    assert coordinator.coordinator_id is not None
