"""The NIK column: encrypted when written, decrypted when read, its blind index kept
beside it (shared/identity/keyring.py). Every read path (the API, the pages and their
masking by role, the subject-access export, routing's facts) sees the plain NIK as
before; the database, its files and its backups hold only ciphertext and HMACs."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from shared.identity import keyring


class EncryptedNik(TypeDecorator[str]):
    impl = String(120)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring.active().encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring.active().decrypt(str(value))


class EncryptedJson(TypeDecorator[dict[str, Any]]):
    """A JSON object sealed as one value (a spreadsheet row's cells, NIK included)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return keyring.active().encrypt(plain)

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        parsed: dict[str, Any] = json.loads(keyring.active().decrypt(str(value)))
        return parsed


def blind_index(nik: str | None) -> str | None:
    return keyring.active().index(nik) if nik else None


def lookup(nik: str) -> list[str]:
    """The indexes a row holding `nik` may carry (one per key of the ring)."""
    return keyring.active().indexes(nik)
