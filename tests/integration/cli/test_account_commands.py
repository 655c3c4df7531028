"""Accounts from the command line, and the demo accounts `sekber up --demo` creates. The
coordinator behind accounts here is an inactive directory entry in Kab. Lumajang (routing
never picks it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sekber_cli.main import app
from shared.accounts import apikeys, audit, demo, users
from shared.db import UowFactory
from shared.models import AuditEntry, User
from shared.models.base import utcnow
from tests.integration.factories import add_coordinator

runner = CliRunner()
PASSWORD = "Kata-Sandi-Panjang-1"


pytestmark = pytest.mark.usefixtures("sekber_database")


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


def test_users_list_shows_role_jurisdiction_last_sign_in_and_state(
    uow_factory: UowFactory,
) -> None:
    tag = uuid.uuid4().hex[:6]
    signed_in, disabled, never = f"a.{tag}", f"b.{tag}", f"c.{tag}"
    for name, role, region in ((signed_in, "supervisor", "35"), (disabled, "admin", "")):
        created = runner.invoke(
            app, ["users", "create", name, "--role", role, "--name", "X", "--jurisdiction", region],
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )  # fmt: skip
        assert created.exit_code == 0, created.output
    runner.invoke(app, ["users", "create", never, "--role", "csr", "--name", "Y", "--no-password"])
    assert runner.invoke(app, ["users", "disable", disabled]).exit_code == 0
    with uow_factory() as uow:  # what a sign-in records (services/intake/access/signin.py)
        for minute in (1, 7):
            audit.security_event(
                uow.session,
                actor=f"user:{signed_in}",
                role="-",
                action="login",
                object_type="account",
                object_id=signed_in,
                now=datetime(2026, 3, 2, 8, minute, tzinfo=UTC),
            )
        uow.commit()

    result = runner.invoke(app, ["users", "list"])

    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()}
    assert " ".join(lines["USERNAME"]) == "USERNAME ROLE JURISDICTION LAST SIGN-IN (UTC) STATE"
    assert lines[signed_in][1:] == ["supervisor", "35", "2026-03-02", "08:07", "active"]
    assert lines[disabled][1:] == ["admin", "national", "never", "disabled"]
    assert lines[never][1:] == ["csr", "national", "never", "active"]
    only = runner.invoke(app, ["users", "list", "--role", "csr"]).output
    assert never in only and signed_in not in only


def test_keys_list_says_when_there_are_none() -> None:
    name = f"nokeys.{uuid.uuid4().hex[:6]}"
    runner.invoke(app, ["users", "create", name, "--role", "csr", "--name", "Z", "--no-password"])

    result = runner.invoke(app, ["keys", "list", name])

    assert result.exit_code == 0
    assert result.output.strip() == "Belum ada kunci API / No API keys"
