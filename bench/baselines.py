"""The two baselines bench/pipeline.py compares Sekber with, as processes of their own.

    python bench/baselines.py hop1 REDIS_URL   # worker: takes bench.hop1, sends bench.hop2
    python bench/baselines.py hop2 REDIS_URL   # worker: takes bench.hop2, counts in Redis
    python bench/baselines.py api PORT         # a bare FastAPI POST under uvicorn

The chain uses shared.bus.make_celery, so it runs with exactly the broker settings of the
real workers (late acks, prefetch 1, no results), and the same pools: prefork with 2
processes for the first hop (like routing), 4 threads for the second (like notify). The
tasks do nothing but hand on a message and count it: what is left is Celery and Redis.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

import redis

from shared import bus
from shared.config import Settings

HOP1, HOP2 = "bench.hop1", "bench.hop2"
DONE_KEY = "bench:hop2:done"
PREFIX = "bench-bare:"


def chain_app(redis_url: str) -> Any:
    # Nothing here is signed, but every Settings needs a secret key.
    settings = Settings(
        redis_url=redis_url, broker_key_prefix=PREFIX, secret_key=secrets.token_urlsafe(48)
    )
    app = bus.make_celery(settings, name="bench-bare-chain")

    @app.task(name=HOP1, queue=HOP1)
    def hop1(n: int) -> None:
        app.send_task(HOP2, args=[n], queue=HOP2)

    counter = redis.Redis.from_url(redis_url)

    @app.task(name=HOP2, queue=HOP2)
    def hop2(n: int) -> None:
        counter.incr(DONE_KEY)

    return app


def bare_api() -> Any:
    from fastapi import FastAPI

    api = FastAPI()

    # A sync endpoint like the intake's: the same thread pool hop, no database.
    @api.post("/bare", status_code=201)
    def bare(body: dict[str, Any]) -> dict[str, str]:
        return {"status": "received"}

    return api


def main(argv: list[str]) -> None:
    what, arg = argv[1], argv[2]
    if what == "api":
        import uvicorn

        uvicorn.run(
            bare_api(), host="127.0.0.1", port=int(arg), access_log=False, log_level="warning"
        )
        return
    app = chain_app(arg)
    queue, pool, concurrency = (HOP1, "prefork", 2) if what == "hop1" else (HOP2, "threads", 4)
    bus.run_worker(
        app, queue=queue, name=what, pool=pool, concurrency=concurrency, loglevel="WARNING"
    )


if __name__ == "__main__":
    main(sys.argv)
