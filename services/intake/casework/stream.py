"""The live inbox: `GET /api/v1/inbox/stream`, Server-Sent Events of the actor's new
in-app notifications (`event: notification`) and a keep-alive (`event: ping`) every 15 s.

Why Redis pub/sub and not polling the database: the notify worker publishes each in-app
entry on the recipient's channel right after committing it (shared/notifications/inbox_feed.py),
so it reaches every intake process at once, whichever one holds the connection, without
each open stream querying the notifications table every few seconds. Pub/sub keeps
nothing for a subscriber who is away: the stream is a hint, the inbox API is the record,
and a page that (re)connects reloads its inbox list, then listens.

A coordinator hears their own entries; a supervisor those of the province-wide queue and
of the regional supervisors' groups within their jurisdiction. Other roles get 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from services.intake.deps import ActorDep, SettingsDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from shared.domain.actor import Actor
from shared.notifications.inbox_feed import SUPERVISORS, InboxItem, channel_name
from shared.redisconn import clients as redisconn

log = logging.getLogger(__name__)
router = APIRouter(route_class=GuardedRoute, prefix="/inbox", tags=["casework"])
PING_SECONDS = 15.0
# How often a quiet stream checks whether the client went away.
POLL_SECONDS = 1.0


def _subscriptions(actor: Actor, prefix: str) -> tuple[list[str], list[str]]:
    """(channels, patterns) the actor listens to."""
    if actor.coordinator_id is not None:
        return [channel_name(prefix, str(actor.coordinator_id))], []
    if actor.kind == "supervisor":
        regional = channel_name(prefix, f"supervisors:{actor.jurisdiction}") + "*"
        return [channel_name(prefix, SUPERVISORS)], [regional]
    raise refused(
        403,
        ["header", "Authorization"],
        "the live inbox is a coordinator's or a supervisor's",
        "forbidden",
    )


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "An endless event stream"},
        401: {},
        403: {},
        503: {"description": "The message broker is unreachable"},
    },
)
async def inbox_stream(
    request: Request, actor: ActorDep, settings: SettingsDep
) -> StreamingResponse:
    """`event: notification` with JSON `{id, event_type, case_id, tracking_code, urgency,
    created_at, title_id, title_en}` for each new in-app notification, `event: ping`
    every 15 s. Reload the inbox after (re)connecting: nothing is replayed."""
    channels, patterns = _subscriptions(actor, settings.broker_key_prefix)
    client = redisconn.async_client(settings.redis_url, socket_connect_timeout=5)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(*channels)
        if patterns:
            await pubsub.psubscribe(*patterns)
    except (RedisError, OSError) as exc:
        await pubsub.aclose()
        await client.aclose()
        log.warning("inbox stream: Redis unreachable: %s", exc)
        raise refused(
            503, ["inbox", "stream"], "live updates are unavailable", "unavailable"
        ) from None
    ping = float(getattr(request.app.state, "inbox_ping_seconds", PING_SECONDS))
    return StreamingResponse(
        _events(request, client, pubsub, ping),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(
    request: Request, client: aioredis.Redis, pubsub: PubSub, ping: float
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    next_ping = loop.time() + ping
    try:
        yield "retry: 5000\n\n"
        while not await request.is_disconnected():
            wait = max(0.0, min(POLL_SECONDS, next_ping - loop.time()))
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=wait)
            if message is not None and message["type"] in ("message", "pmessage"):
                item = InboxItem.from_json(message["data"])
                yield f"event: notification\nid: {item.id}\ndata: {item.to_json()}\n\n"
            if loop.time() >= next_ping:
                yield "event: ping\ndata: {}\n\n"
                next_ping = loop.time() + ping
    except (RedisError, OSError) as exc:
        log.warning("inbox stream ended: %s", exc)
    finally:
        await pubsub.aclose()
        await client.aclose()
