"""Redis URLs, one server or a Sentinel group, read into what the clients need."""

from __future__ import annotations

import pytest

from shared.config import Settings
from shared.redisconn.address import parse
from shared.redisconn.clients import kombu_broker


def test_a_sentinel_url_names_its_sentinels_group_and_database() -> None:
    address = parse("redis+sentinel://:s%40cret@10.0.0.1:26379,10.0.0.2,[::1]:26380/sekber/2")
    assert address.sentinel
    assert address.sentinels == (("10.0.0.1", 26379), ("10.0.0.2", 26379), ("::1", 26380))
    assert (address.service, address.db, address.password) == ("sekber", 2, "s@cret")


def test_a_plain_url_is_one_server() -> None:
    address = parse("rediss://:pw@cache.example.org:6380/3")
    assert not address.sentinel
    assert address.db == 3


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis+sentinel://10.0.0.1:26379", "names the Redis group"),
        ("redis+sentinel://10.0.0.1:26379/sekber/x", "database number"),
        ("redis+sentinel://10.0.0.1:port/sekber", "host:port"),
        ("redis://cache/zero", "expected a Redis URL"),
        ("redis://cache:port/0", "expected a Redis URL"),
        ("http://cache:6379/0", "expected a Redis URL"),
    ],
)
def test_a_bad_url_says_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse(url)


def test_kombu_gets_each_sentinel_and_the_group_as_master_name() -> None:
    url, options = kombu_broker("redis+sentinel://:pw@a:26379,b:26380/sekber/1")
    assert url == "sentinel://:pw@a:26379/1;sentinel://:pw@b:26380/1"
    assert options == {"master_name": "sekber"}
    assert kombu_broker("redis://a:6379/0") == ("redis://a:6379/0", {})


def test_the_settings_take_a_sentinel_url_and_refuse_a_broken_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = "redis+sentinel://s1:26379,s2:26379,s3:26379/sekber/0"
    assert Settings(environment="test", secret_key="k" * 40, redis_url=good).redis_url == good
    with pytest.raises(ValueError, match="names the Redis group"):
        Settings(environment="test", secret_key="k" * 40, redis_url="redis+sentinel://s1:26379")
