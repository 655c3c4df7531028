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
as the broker transport.
"""

from __future__ import annotations

import logging
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis

log = logging.getLogger(__name__)

NAME = "sekber-redis"


def register() -> str:
    """Make the transport known to kombu by NAME (again is harmless); return NAME."""
    TRANSPORT_ALIASES[NAME] = f"{__name__}:Transport"
    return NAME


class Channel(kombu_redis.Channel):
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


class Transport(kombu_redis.Transport):
    Channel = Channel
