"""No secret that is public: without SEKBER_SECRET_KEY, `sekber up` generates a random key
once, keeps it in var/secret.key (mode 0600) and hands it to every service it starts; a
token signed with the old placeholder opens nothing."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from sekber_cli import up
from services.intake.app import create_app
from shared.accounts import tokens, users
from shared.config import PLACEHOLDER_SECRET, SettingsError, get_settings
from shared.db import UowFactory

PASSWORD = "Rahasia-Sekali-2026"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory to run `sekber up` from, with SEKBER_SECRET_KEY unset."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEKBER_SECRET_KEY")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_key_is_generated_once_kept_private_and_reused(workdir: Path) -> None:
    said: list[str] = []

    first = up.settings_for_up(said.append)
    second = up.settings_for_up(said.append)

    key_file = workdir / "var" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) >= 64
    assert said == [
        "SEKBER_SECRET_KEY is unset: generated a random key in var/secret.key (mode 0600)",
        "SEKBER_SECRET_KEY is unset: using the key kept in var/secret.key",
    ]
    assert first.secret_key not in " ".join(said)


def test_a_kept_key_readable_by_others_is_made_private_again(workdir: Path) -> None:
    key = up.settings_for_up(lambda _: None).secret_key
    key_file = workdir / "var" / "secret.key"
    key_file.chmod(0o644)

    assert up.settings_for_up(lambda _: None).secret_key == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_damaged_key_file_is_refused_naming_the_file(workdir: Path) -> None:
    (workdir / "var").mkdir()
    (workdir / "var" / "secret.key").write_text("short\n")

    with pytest.raises(SettingsError, match=r"var/secret.key does not hold a key") as refused:
        up.settings_for_up(lambda _: None)
    assert "short" not in str(refused.value).replace("shorter", "")


def test_a_key_given_in_env_file_is_used_and_nothing_is_generated(workdir: Path) -> None:
    key = "a-key-from-the-env-file-of-at-least-32-characters"
    (workdir / ".env").write_text(f"SEKBER_SECRET_KEY={key}\n")

    assert up.settings_for_up(lambda _: None).secret_key == key
    assert not (workdir / "var").exists()


@pytest.fixture
def up_client(
    workdir: Path, database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The intake as `sekber up` starts it: its settings only from the environment that
    `sekber up` gives its children."""
    monkeypatch.setenv("SEKBER_BROKER_KEY_PREFIX", f"sekber-up-key-{uuid.uuid4().hex[:8]}:")
    settings = up.settings_for_up(lambda _: None)
    env = up.child_environment(
        database_url=database_url,
        redis_url=redis_url,
        http_port=settings.http_port,
        secret_key=settings.secret_key,
    )
    for name in [n for n in os.environ if n.startswith("SEKBER_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    assert get_settings().secret_key == settings.secret_key != PLACEHOLDER_SECRET
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


def test_a_token_signed_with_the_old_placeholder_opens_nothing(
    up_client: TestClient, uow_factory: UowFactory
) -> None:
    username = f"admin.{uuid.uuid4().hex[:8]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session,
            username=username,
            name="Admin Nasional",
            role="admin",
            password=PASSWORD,
            jurisdiction="",
        )
        uow.commit()
    signed_in = up_client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert signed_in.status_code == 200, signed_in.text
    real = signed_in.json()["access_token"]
    # The same claims (a real national admin, unexpired), signed with the public
    # placeholder instead of the generated key.
    claims = jwt.decode(real, options={"verify_signature": False})
    forged = jwt.encode(claims, tokens._key(PLACEHOLDER_SECRET), algorithm=tokens.ALGORITHM)

    for path in ("/api/v1/admin/audit", "/api/v1/auth/me"):
        genuine = up_client.get(path, headers={"Authorization": f"Bearer {real}"})
        refused = up_client.get(path, headers={"Authorization": f"Bearer {forged}"})
        assert genuine.status_code == 200, (path, genuine.text)
        assert refused.status_code == 401, (path, refused.text)
