"""A Redis URL read into its parts; no client is made here (the settings check URLs with
it before anything connects)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

PLAIN_SCHEMES = ("redis", "rediss")
SENTINEL_SCHEME = "redis+sentinel"
SENTINEL_PORT = 26379
EXAMPLE = (
    "such as redis://127.0.0.1:6379/0, or with Sentinel "
    "redis+sentinel://host1:26379,host2:26379,host3:26379/sekber/0"
)


@dataclass(frozen=True)
class RedisAddress:
    url: str
    sentinels: tuple[tuple[str, int], ...] = ()
    service: str = ""
    db: int = 0
    username: str | None = None
    password: str | None = None

    @property
    def sentinel(self) -> bool:
        return bool(self.sentinels)


def parse(url: str) -> RedisAddress:
    """The parts of `url`; ValueError saying what is wrong, with an example."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ValueError(f"expected a Redis URL, {EXAMPLE}") from None
    if parts.scheme in PLAIN_SCHEMES:
        try:
            _ = parts.port  # a port that is no number
        except ValueError:
            raise ValueError(f"expected a Redis URL, {EXAMPLE}") from None
        return _plain(url, parts.hostname, parts.path)
    if parts.scheme == SENTINEL_SCHEME:
        return _sentinel(url, parts.netloc, parts.path)
    raise ValueError(f"expected a Redis URL, {EXAMPLE}")


def _plain(url: str, host: str | None, path: str) -> RedisAddress:
    database = path.removeprefix("/")
    if not host or not (database == "" or database.isdigit()):
        raise ValueError(f"expected a Redis URL, {EXAMPLE}")
    return RedisAddress(url=url, db=int(database or 0))


def _sentinel(url: str, netloc: str, path: str) -> RedisAddress:
    userinfo, _, hosts = netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    sentinels = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":") if ":" in item else (item.strip(), "", "")
        if not host or not (port == "" or port.isdigit()):
            raise ValueError(f"a Sentinel URL lists its sentinels as host:port, {EXAMPLE}")
        sentinels.append((host.strip("[]"), int(port or SENTINEL_PORT)))
    service, _, database = path.removeprefix("/").partition("/")
    if not service:
        raise ValueError(f"a Sentinel URL names the Redis group after its sentinels, {EXAMPLE}")
    if not (database == "" or database.isdigit()):
        raise ValueError(f"a Sentinel URL ends with the database number, {EXAMPLE}")
    return RedisAddress(
        url=url,
        sentinels=tuple(sentinels),
        service=service,
        db=int(database or 0),
        username=unquote(username) or None,
        password=unquote(password) or None,
    )
