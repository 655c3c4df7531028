"""The secret key of `sekber up` when SEKBER_SECRET_KEY is unset: generated once, kept in a
file only its owner may read (mode 0600) under var/, and used again by later runs, so that
sessions and action links outlive a restart."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic_settings import BaseSettings

from shared.config import Settings
from shared.config_checks import MIN_SECRET_LENGTH
from shared.config_errors import SettingsError

KEY_BYTES = 48  # 64 characters once encoded


class _SecretOnly(BaseSettings):
    """SEKBER_SECRET_KEY and SEKBER_DATA_KEY read the way Settings reads them
    (environment, then .env)."""

    model_config = Settings.model_config
    secret_key: str = ""
    data_key: str = ""


def configured() -> bool:
    """Whether SEKBER_SECRET_KEY is given (an empty value counts as unset)."""
    return bool(_SecretOnly().secret_key)


def data_key_configured() -> bool:
    return bool(_SecretOnly().data_key)


def kept_data_key(path: Path) -> tuple[str, bool]:
    """The NIK key ring kept at `path` (generated, one key, when missing)."""
    from shared.identity import keyring

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        text = path.read_text().strip()
        try:
            keyring.parse(text)
        except keyring.KeyRingError as exc:
            raise SettingsError([f"{path}: {exc}"]) from None
        return text, False
    text = keyring.new_entry("k1")
    with os.fdopen(fd, "w") as out:
        out.write(text + "\n")
    return text, True


def kept(path: Path) -> tuple[str, bool]:
    """The key kept at `path`, and whether it was generated just now (when it was missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path), False
    key = secrets.token_urlsafe(KEY_BYTES)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return key, True


def _read(path: Path) -> str:
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            [
                f"{path} does not hold a key of at least {MIN_SECRET_LENGTH} characters: "
                "remove it to generate a new one (signed-in sessions then end), "
                "or set SEKBER_SECRET_KEY"
            ]
        )
    return key
