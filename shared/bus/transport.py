"""kombu's Redis transport, with a channel that closes cleanly when Redis has gone away.

Why (kombu 5.7.0): a worker holding a message when Redis dies closes its channel
on the way to reconnecting. The channel first reads the reply of its pending BRPOP; with
Redis gone that read raises, so the channel stays open and skips its clean-up. Celery then
closes the connection (detaching the transport) and closes the channel a second time, and
that close needs connection details the transport no longer has: an AttributeError that is
no connection error, so the worker stops with "Unrecoverable error". In
tests/integration/shared/test_broker_faults.py both of Sekber's pools (prefork, threads)
stopped so at every kill without this class, and at none with it.

Here a failed read of the pending BRPOP counts as what it is, a reply that will never come,
and the close goes on as kombu's own does when no BRPOP is pending: consumers cancelled,
the messages the channel held given back if Redis answers, else left in Redis's unacked
index for the visibility-timeout sweep (as after any crash), the channel marked closed,
so the second close does nothing.

Used for `redis://` and `rediss://` broker URLs: bus.make_celery registers it under the
name `sekber-redis` (how kombu names it in the worker's "Connected to" line) and sets it
as the broker transport. Its Sentinel twin, `sekber-sentinel`, carries the same close to
kombu's Sentinel transport (a failover is Redis going away under the channel, followed by
a new primary the sentinels name) for `redis+sentinel://` URLs.
"""

from __future__ import annotations

import logging
import time
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis

log = logging.getLogger(__name__)

NAME = "sekber-redis"
SENTINEL_NAME = "sekber-sentinel"
FENCE_KEY = "sekber.replication.fence"
# How often the relay asks the Redis primary how many replicas it has.
REPLICAS_CHECK_SECONDS = 5.0


def register(*, sentinel: bool = False) -> str:
    """Make the transport known to kombu by its name (again is harmless); return the name."""
    TRANSPORT_ALIASES[NAME] = f"{__name__}:Transport"
    TRANSPORT_ALIASES[SENTINEL_NAME] = f"{__name__}:SentinelTransport"
    # kombu moves to the next sentinel's URL when one fails, and takes that URL's scheme
    # as the transport: in Sekber's processes `sentinel://` must mean this one too.
    TRANSPORT_ALIASES["sentinel"] = f"{__name__}:SentinelTransport"
    return SENTINEL_NAME if sentinel else NAME


class _CleanClose(kombu_redis.Channel):
    _replicas_connected = 0
    _replicas_checked_at = float("-inf")

    def close(self) -> None:
        if self._in_poll:
            try:
                self._brpop_read()
            except Empty:
                pass
            except self.connection_errors as exc:  # Redis is gone: no reply will come
                log.info("broker channel closing without its pending reply: %r", exc)
        # _brpop_read reset _in_poll whatever happened: the close below reads nothing.
        super().close()

    def waiting(self, queue: str) -> int:
        """Messages in `queue` not yet taken by a worker (every priority's list)."""
        return int(self._size(queue))

    def replicated(self, replicas: int, timeout_ms: int) -> bool:
        """Do `replicas` replicas hold every write made so far? WAIT counts the replicas
        that have a connection's last write; Redis replicates one stream in order, so a
        write of this connection's own (a counter) stands for all writes before it.

        Only replicas the primary has are waited for (INFO, at most every few seconds): a
        primary whose replica is gone (the old primary after a failover, until it returns
        as a replica) is not waited on at every round. False when fewer confirm in time."""
        with self.conn_or_acquire() as client:
            now = time.monotonic()
            if now >= self._replicas_checked_at + REPLICAS_CHECK_SECONDS:
                connected = int(client.info("replication").get("connected_slaves", 0))
                if connected < replicas and connected != self._replicas_connected:
                    log.warning(
                        "the Redis primary has %d replica(s) of the %d to confirm messages: "
                        "until one returns, a failover may leave messages to the sweep",
                        connected,
                        replicas,
                    )
                self._replicas_connected, self._replicas_checked_at = connected, now
            wanted = min(replicas, self._replicas_connected)
            if wanted <= 0:
                return True  # nothing to wait for; said once above
            pipe = client.pipeline(transaction=False)
            pipe.incr(FENCE_KEY)
            pipe.execute_command("WAIT", wanted, timeout_ms)
            _count, confirmed = pipe.execute()
        return int(confirmed) >= wanted


class Channel(_CleanClose):
    pass


class SentinelChannel(_CleanClose, kombu_redis.SentinelChannel):
    pass


class Transport(kombu_redis.Transport):
    Channel = Channel


class SentinelTransport(kombu_redis.SentinelTransport):
    Channel = SentinelChannel
