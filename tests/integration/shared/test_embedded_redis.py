from __future__ import annotations

import time
from pathlib import Path

import redis

from sekber_cli.embedded import EmbeddedRedis


def test_the_embedded_redis_keeps_queued_messages_through_a_kill(tmp_path: Path) -> None:
    server = EmbeddedRedis(data_dir=tmp_path).start()
    client = redis.Redis.from_url(server.url)
    client.rpush("sekber.routing", *[f"m{i}" for i in range(100)])
    time.sleep(1.5)  # appendfsync everysec
    server.kill()
    restarted = EmbeddedRedis(data_dir=tmp_path, port=server.port).start()
    try:
        assert redis.Redis.from_url(restarted.url).llen("sekber.routing") == 100
    finally:
        restarted.stop()
