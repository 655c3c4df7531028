"""Password hashes: Argon2id through pwdlib, with its recommended parameters."""

from __future__ import annotations

import threading
from functools import lru_cache

from pwdlib import PasswordHash

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


# One Argon2 computation at a time in a process: each already runs on several lanes
# (threads), and eight at once on two cores starve every other request of the process
# (bench/signin_burst.py). Sign-ins queue a little; the rest of the API keeps answering.
_ONE_AT_A_TIME = threading.Lock()


def hash_password(password: str) -> str:
    with _ONE_AT_A_TIME:
        return _hasher().hash(password)


def verify(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one is outdated.

    Without a stored hash a dummy hash is still checked, so that an unknown user takes
    as long to refuse as a wrong password (no user enumeration by timing)."""
    dummy = _dummy_hash() if password_hash is None else None
    with _ONE_AT_A_TIME:
        if dummy is not None:
            _hasher().verify(password, dummy)
            return False, None
        assert password_hash is not None
        return _hasher().verify_and_update(password, password_hash)


# A hash of nothing anyone types, made with pwdlib's recommended parameters: checking an
# unknown user costs one Argon2 verification from the first request on (a hash made on
# first use would make that one request slower, and tell).
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$4pjWrV6WcCRWc36nA+/Nog"
    "$acYzKtb3psXMLmQReSwgbUCZvuV49+W1egoL9afcfQo"
)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    if _hasher().current_hasher.check_needs_rehash(_DUMMY_HASH):  # pwdlib's parameters moved
        return _hasher().hash("no such user: timing only")
    return _DUMMY_HASH


def weakness(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters"
    if len(set(password)) < 4:
        return "too few different characters"
    return None
