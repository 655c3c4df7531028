"""Clients for the Redis a URL names. With Sentinel, each client asks the sentinels where
the group's primary is and asks again when a connection to it fails, so a failover costs
a process one failed command per connection, not a restart."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import redis
import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.sentinel import Sentinel

from shared.redisconn.address import RedisAddress, parse

__all__ = ["async_client", "client", "kombu_broker", "limits_storage", "parse"]


def _credentials(address: RedisAddress) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if address.username:
        found["username"] = address.username
    if address.password:
        found["password"] = address.password
    return found


def _sentinel_options(options: dict[str, Any]) -> dict[str, Any]:
    """The sentinels are asked with the same timeouts as the servers."""
    return {key: value for key, value in options.items() if key.startswith("socket_")}


def client(url: str, **options: Any) -> redis.Redis:
    """A client of the Redis primary `url` names; `options` as redis.Redis takes them."""
    found: redis.Redis = _client(url, options, redis.Redis, Sentinel)
    return found


def async_client(url: str, **options: Any) -> aioredis.Redis:
    """The asyncio twin of client()."""
    found: aioredis.Redis = _client(url, options, aioredis.Redis, AsyncSentinel)
    return found


def _client(url: str, options: dict[str, Any], plain: Any, sentinel_class: Any) -> Any:
    """`plain` on the URL of one server; with Sentinel, a `sentinel_class` client of the
    group's primary (it asks the sentinels again when its connection fails)."""
    address = parse(url)
    if not address.sentinel:
        return plain.from_url(url, **options)
    sentinel = sentinel_class(
        list(address.sentinels), sentinel_kwargs=_sentinel_options(options), **options
    )
    return sentinel.master_for(address.service, db=address.db, **_credentials(address))


def kombu_broker(url: str) -> tuple[str, dict[str, Any]]:
    """The broker URL and transport options kombu wants for `url`: itself, or with
    Sentinel the sentinels as `sentinel://...;sentinel://...` and the group as
    `master_name`."""
    address = parse(url)
    if not address.sentinel:
        return url, {}
    userinfo = ""
    if address.username or address.password:
        userinfo = (
            f"{quote(address.username or '', safe='')}:{quote(address.password or '', safe='')}@"
        )
    hosts = [
        f"sentinel://{userinfo}{_host(host)}:{port}/{address.db}"
        for host, port in address.sentinels
    ]
    return ";".join(hosts), {"master_name": address.service}


def limits_storage(url: str, **options: Any) -> Any:
    """A `limits` storage on the primary (counters are read where they are written: a
    replica's copy may lag and let attempts through)."""
    from limits.storage import RedisSentinelStorage, RedisStorage

    address = parse(url)
    if not address.sentinel:
        return RedisStorage(url, **options)
    hosts = ",".join(f"{_host(host)}:{port}" for host, port in address.sentinels)
    return RedisSentinelStorage(
        f"redis+sentinel://{hosts}/{address.service}",
        use_replicas=False,
        sentinel_kwargs=_sentinel_options(options),
        db=address.db,
        **_credentials(address),
        **options,
    )


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
