"""The shape of the settings that are URLs, lists of origins, levels and the secret key,
checked when the settings load (shared/config.py).

A refusal says what the setting expects and never repeats the value: a URL may carry a
password or a token, and the secret is a secret.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import AfterValidator, BeforeValidator
from pydantic_settings import NoDecode

from shared.redisconn import address as redisconn_address

PLACEHOLDER_SECRET = "change-me-in-production"
MIN_SECRET_LENGTH = 32
SECRET_HOWTO = (
    "a random secret of at least 32 characters, the same for every process: "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(48))', "
    "or the one `sekber up` keeps in var/secret.key"
)

# The bare and the Heroku-style PostgreSQL schemes mean the installed driver, psycopg 3.
_POSTGRES_ALIASES = ("postgresql://", "postgres://")
_DATABASE_SCHEMES = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})
DATABASE_EXAMPLE = "sqlite:///var/sekber.db or postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME"
REDIS_EXAMPLE = redisconn_address.EXAMPLE


def _split(value: str) -> SplitResult | None:
    """The parts of a URL, or None when it does not parse (a port that is no number)."""
    try:
        parts = urlsplit(value.strip())
        _ = parts.port
    except ValueError:
        return None
    return parts


def check_secret_key(value: str) -> str:
    if not value:
        raise ValueError(f"SEKBER_SECRET_KEY is not set: it must be {SECRET_HOWTO}")
    if value == PLACEHOLDER_SECRET:
        raise ValueError(
            f"SEKBER_SECRET_KEY is the public placeholder {PLACEHOLDER_SECRET}, which anyone "
            f"can sign tokens with: it must be {SECRET_HOWTO}"
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"SEKBER_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters: it must be "
            f"{SECRET_HOWTO}"
        )
    return value


def check_database_url(value: str) -> str:
    for alias in _POSTGRES_ALIASES:
        if value.startswith(alias):
            value = "postgresql+psycopg://" + value.removeprefix(alias)
    parts = _split(value)
    if parts is None or parts.scheme not in _DATABASE_SCHEMES:
        raise ValueError(f"expected a database URL, {DATABASE_EXAMPLE}")
    return value


def check_redis_url(value: str) -> str:
    redisconn_address.parse(value)  # ValueError says what is wrong
    return value


def check_http_url(value: str) -> str:
    parts = _split(value)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("expected an http:// or https:// URL with a host")
    return value


def check_optional_http_url(value: str) -> str:
    """Empty (the channel is off) or an http(s) URL."""
    return check_http_url(value) if value else value


def _origin_list(value: Any) -> Any:
    """Origins as a JSON list or separated by commas."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text.startswith("["):
        return [part.strip() for part in text.split(",") if part.strip()]
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise ValueError(
            "SEKBER_CORS_ORIGINS must list origins separated by commas, or as a JSON list"
        )
    return parsed


def check_origins(origins: list[str]) -> list[str]:
    checked = []
    for origin in origins:
        if origin.strip() == "*":
            raise ValueError("SEKBER_CORS_ORIGINS must list origins; '*' is not allowed")
        parts = _split(origin)
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.username is not None
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise ValueError(
                "SEKBER_CORS_ORIGINS must list origins such as https://app.example.org or "
                "http://127.0.0.1:3000 (scheme, host and port only)"
            )
        checked.append(origin.strip().rstrip("/"))
    return checked


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


SecretKey = Annotated[str, AfterValidator(check_secret_key)]
DatabaseUrl = Annotated[str, AfterValidator(check_database_url)]
RedisUrl = Annotated[str, AfterValidator(check_redis_url)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]
OptionalHttpUrl = Annotated[str, AfterValidator(check_optional_http_url)]
Origins = Annotated[
    list[str], NoDecode, BeforeValidator(_origin_list), AfterValidator(check_origins)
]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper)
]
