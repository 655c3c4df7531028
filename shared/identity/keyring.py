"""The data key ring that protects the NIK at rest (UU 27/2022: the most sensitive
identifier Sekber holds).

SEKBER_DATA_KEY is a comma-separated list of `ID:KEY` entries, KEY the URL-safe base64 of
32 random bytes; the first entry encrypts, every entry decrypts (so a key can be rotated:
put the new one first on every process, run `sekber keys rotate-data-key`, then drop the
old one). Each NIK is encrypted with AES-256-GCM under the current key, with a fresh
96-bit nonce, as `v1.ID.BASE64(nonce + ciphertext + tag)`. Look-ups use a blind index:
HMAC-SHA256 of the normalised NIK under a key derived from each entry (never a bare hash:
the 16-digit NIK space is small enough to enumerate); a look-up asks for the index under
every key of the ring, so it finds rows not yet rotated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VARIABLE = "SEKBER_DATA_KEY"
PLACEHOLDER = "change-me-in-production"
VERSION = "v1"
_AAD = b"sekber.nik.v1"
_INDEX_INFO = b"sekber.nik.index.v1"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
HOWTO = (
    "ID:KEY entries, comma-separated, KEY 32 random bytes in URL-safe base64: "
    "`sekber keys new-data-key` prints one; `sekber up` keeps one in var/data.key"
)


class KeyRingError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    secret: bytes

    @property
    def index_key(self) -> bytes:
        return hmac.new(self.secret, _INDEX_INFO, hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class KeyRing:
    keys: tuple[Key, ...]

    @property
    def current(self) -> Key:
        return self.keys[0]

    def encrypt(self, plain: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.current.secret).encrypt(nonce, plain.encode("utf-8"), _AAD)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{VERSION}.{self.current.id}.{body}"

    def decrypt(self, stored: str) -> str:
        try:
            version, key_id, body = stored.split(".", 2)
        except ValueError:
            raise KeyRingError("not an encrypted value") from None
        key = next((k for k in self.keys if k.id == key_id), None)
        if version != VERSION or key is None:
            raise KeyRingError(f"encrypted under key {key_id!r}, which {VARIABLE} lacks")
        raw = base64.urlsafe_b64decode(body)
        try:
            return AESGCM(key.secret).decrypt(raw[:12], raw[12:], _AAD).decode("utf-8")
        except InvalidTag:
            raise KeyRingError(f"a value under key {key_id!r} was altered") from None

    def key_id_of(self, stored: str) -> str:
        return stored.split(".", 2)[1]

    def index(self, nik: str, key: Key | None = None) -> str:
        """The blind index of a NIK under `key` (the current one by default)."""
        key = key or self.current
        return hmac.new(key.index_key, normalise(nik).encode(), hashlib.sha256).hexdigest()

    def indexes(self, nik: str) -> list[str]:
        """The NIK's index under every key: what a look-up asks for."""
        return [self.index(nik, k) for k in self.keys]


def normalise(nik: str) -> str:
    return re.sub(r"\D", "", nik)


def parse(text: str) -> KeyRing:
    text = text.strip()
    if not text:
        raise KeyRingError(f"{VARIABLE} is not set: it must be {HOWTO}")
    if text == PLACEHOLDER:
        raise KeyRingError(f"{VARIABLE} is the public placeholder: it must be {HOWTO}")
    keys = []
    for n, entry in enumerate(text.split(","), start=1):
        key_id, _, encoded = entry.strip().partition(":")
        if not _ID.match(key_id) or not encoded:
            raise KeyRingError(f"{VARIABLE} entry {n} is not ID:KEY: it must be {HOWTO}")
        try:
            secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise KeyRingError(f"{VARIABLE} entry {n} ({key_id}) is not base64") from None
        if len(secret) != 32:
            raise KeyRingError(f"{VARIABLE} entry {n} ({key_id}) is not 32 bytes")
        keys.append(Key(key_id, secret))
    if len({k.id for k in keys}) != len(keys):
        raise KeyRingError(f"{VARIABLE} names a key id twice")
    return KeyRing(tuple(keys))


def new_entry(key_id: str) -> str:
    return f"{key_id}:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


_configured: KeyRing | None = None


def configure(text: str) -> None:
    """Use this ring in this process (a process passes its settings' key at start)."""
    global _configured
    _configured = parse(text) if text else None


def active() -> KeyRing:
    """The ring this process configured, else the one in the environment."""
    if _configured is not None:
        return _configured
    return parse(os.environ.get(VARIABLE, ""))
