"""The message bus: Celery app factory, queue names, and who consumes which event.

Settings follow docs/reliability.md: late acks that survive a killed worker, one message
reserved per process, a visibility timeout longer than any task may hold its message
(Settings refuses timings that break this), a fast sweep that restores messages left by a
dead worker, and no result backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery import Celery
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from shared.bus import transport as broker_transport
from shared.config import Settings
from shared.events import Envelope
from shared.redisconn import clients as redisconn

QUEUE_ROUTING = "sekber.routing"
QUEUE_NOTIFY = "sekber.notify"
# Bulk intake: the import worker stores a spreadsheet's rows as cases, a batch a message.
QUEUE_IMPORTS = "sekber.imports"

TASK_ROUTING = "sekber.routing.on_event"
TASK_NOTIFY = "sekber.notify.on_event"
# The relay's usual message: a list of events for one consumer, handled as one unit of
# work (docs/reliability.md, "Batches"). The one-event tasks above stay for messages sent
# before batches, and for whoever sends a single event by hand.
TASK_ROUTING_BATCH = "sekber.routing.on_batch"
TASK_NOTIFY_BATCH = "sekber.notify.on_batch"
# Periodic: the scheduler (Celery beat) sends it, the routing worker runs it.
TASK_SCAN_DEADLINES = "sekber.routing.scan_deadlines"
# Periodic, run by the notify worker: send what is due (retries, quiet hours ended, rows
# a dead sender held), and the daily digests.
TASK_NOTIFY_SWEEP = "sekber.notify.sweep"
TASK_NOTIFY_DIGESTS = "sekber.notify.send_digests"
# Notifications an event task recorded but could not send within its budget (ids).
TASK_NOTIFY_DELIVER = "sekber.notify.deliver"
NOTIFY_DIGEST_CHECK_SECONDS = 300.0
# The import worker: an uploaded file's first batch (from ImportReceived), the next batch
# of a file (sent by the batch before it), and the periodic sweep that sends a batch for
# a file whose work stopped (a lost message, a worker killed between two batches).
TASK_IMPORTS = "sekber.imports.on_event"
TASK_IMPORTS_BATCH = "sekber.imports.batch"
TASK_IMPORTS_SWEEP = "sekber.imports.sweep"
# Two-way messages (docs/messaging.md): the import worker, which already stores referrals
# off the request through intake's own rules, reads each inbound message and acts on it
# (on its queue, sekber.imports); notify sends the reply.
TASK_MESSAGES = "sekber.imports.on_message"
TASK_NOTIFY_REPLY = "sekber.notify.reply"
# The lock each worker's restore sweep takes in Redis expires after this (kombu: 300 s). A
# sweep holds it for milliseconds, but one that Redis dies in the middle of stays in the
# append-only file, and no sweep ran until it expired: messages a crash left unacknowledged
# came back after five minutes, not 13 s. Two sweeps at once are harmless: each restore
# is a transaction that moves a message only if it is still unacknowledged.
UNACKED_MUTEX_EXPIRE_SECONDS = 5
# A send that fails is tried once more at once; then the caller (the relay) backs off.
_SEND_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


@dataclass(frozen=True, slots=True)
class Subscriber:
    consumer: str
    task: str
    queue: str
    # The task taking a list of events, for consumers that handle them in batches.
    batch_task: str | None = None


ROUTING = Subscriber("routing", TASK_ROUTING, QUEUE_ROUTING, TASK_ROUTING_BATCH)
NOTIFY = Subscriber("notify", TASK_NOTIFY, QUEUE_NOTIFY, TASK_NOTIFY_BATCH)
IMPORTS = Subscriber("imports", TASK_IMPORTS, QUEUE_IMPORTS)
MESSAGES = Subscriber("messages", TASK_MESSAGES, QUEUE_IMPORTS)
REPLIES = Subscriber("replies", TASK_NOTIFY_REPLY, QUEUE_NOTIFY)

SUBSCRIPTIONS: dict[str, tuple[Subscriber, ...]] = {
    "CaseReceived": (ROUTING,),
    "ReferralRouteRequested": (ROUTING,),
    "ReferralAssigned": (NOTIFY,),
    "ReferralUnroutable": (NOTIFY,),
    "ReferralOffered": (NOTIFY,),
    "ReferralStatusChanged": (NOTIFY,),
    "ReferralDeadlineApproaching": (NOTIFY,),
    "ReferralEscalated": (NOTIFY,),
    "CaseClosed": (NOTIFY,),
    "NotificationReplayRequested": (NOTIFY,),
    "ImportReceived": (IMPORTS,),
    "MessageReceived": (MESSAGES,),
    "MessageAnswered": (REPLIES,),
}


@dataclass(frozen=True, slots=True)
class TaskLimits:
    """What keeps each task inside the visibility timeout, for the tasks' own code: the
    longest countdown of an automatic retry, and how long the periodic tasks start new
    work before leaving the rest to their next run. The defaults are those of the default
    Settings."""

    retry_backoff_max: int = 1
    notify_periodic_budget_seconds: float = 3.0
    deadline_scan_budget_seconds: float = 4.0
    import_batch_budget_seconds: float = 4.0


def task_limits(settings: Settings) -> TaskLimits:
    return TaskLimits(
        retry_backoff_max=settings.task_retry_backoff_max_seconds,
        notify_periodic_budget_seconds=settings.notify_periodic_budget_seconds,
        deadline_scan_budget_seconds=settings.deadline_scan_budget_seconds,
        import_batch_budget_seconds=settings.deadline_scan_budget_seconds,
    )


def make_celery(settings: Settings, *, name: str) -> Celery:
    broker_url, sentinel_options = redisconn.kombu_broker(settings.redis_url)
    app = Celery(name, broker=broker_url, set_as_current=False)
    vt = settings.visibility_timeout_seconds
    transport: dict[str, object] = {
        "visibility_timeout": vt,
        "unacked_restore_interval": settings.unacked_restore_interval_seconds,
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": UNACKED_MUTEX_EXPIRE_SECONDS,
        "socket_keepalive": True,
        "health_check_interval": 25,
    }
    if settings.broker_key_prefix:
        transport["global_keyprefix"] = settings.broker_key_prefix
    transport.update(sentinel_options)
    scheme = settings.redis_url.partition("://")[0]
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.task_time_limit_seconds,
        task_soft_time_limit=settings.task_soft_time_limit_seconds,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        worker_soft_shutdown_timeout=10.0,
        worker_enable_soft_shutdown_on_idle=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_transport_options=transport,
        broker_transport=broker_transport.register(sentinel=bool(sentinel_options))
        if scheme in ("redis", "rediss", "redis+sentinel")
        else None,
        visibility_timeout=vt,
        result_backend_transport_options={"visibility_timeout": vt},
        task_default_queue=QUEUE_ROUTING,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        enable_utc=True,
    )
    return app


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The scheduler's entries: ask the routing worker to scan deadlines, and the notify
    worker to sweep for due notifications and to send the daily digests.

    A scan that waited longer than one period is dropped (`expires`): the next one
    does the same work, so a worker that was down does not face a pile of scans.
    """
    every = settings.deadline_scan_seconds
    return {
        "scan-deadlines": {
            "task": TASK_SCAN_DEADLINES,
            "schedule": every,
            "options": {"queue": QUEUE_ROUTING, "expires": every},
        },
        "notify-sweep": {
            "task": TASK_NOTIFY_SWEEP,
            "schedule": settings.notify_sweep_seconds,
            "options": {"queue": QUEUE_NOTIFY, "expires": settings.notify_sweep_seconds},
        },
        "imports-sweep": {
            "task": TASK_IMPORTS_SWEEP,
            "schedule": settings.import_sweep_seconds,
            "options": {"queue": QUEUE_IMPORTS, "expires": settings.import_sweep_seconds},
        },
        "notify-digests": {
            "task": TASK_NOTIFY_DIGESTS,
            "schedule": NOTIFY_DIGEST_CHECK_SECONDS,
            "options": {"queue": QUEUE_NOTIFY, "expires": NOTIFY_DIGEST_CHECK_SECONDS},
        },
    }


def publish(app: Celery, envelope: Envelope, *, producer: Any = None) -> int:
    """Send an envelope to every subscriber of its type, one message each; return how many
    got it.

    The task id is the event id and consumer, which makes redeliveries easy to follow
    in logs; deduplication itself happens in the consumer (processed_events). A caller
    sending many passes one `producer` (app.producer_or_acquire()) for all of them.
    """
    subscribers = SUBSCRIPTIONS.get(envelope.type, ())
    for sub in subscribers:
        publish_to(app, sub, envelope, producer=producer)
    return len(subscribers)


def publish_to(app: Celery, subscriber: Subscriber, envelope: Envelope, *, producer: Any) -> None:
    """Send one event to one subscriber's one-event task."""
    app.send_task(
        subscriber.task,
        args=[envelope.model_dump(mode="json")],
        queue=subscriber.queue,
        task_id=f"{envelope.id}:{subscriber.consumer}",
        retry=True,
        retry_policy=_SEND_RETRY,
        producer=producer,
    )


def publish_batch(
    app: Celery, subscriber: Subscriber, envelopes: list[Envelope], *, producer: Any
) -> None:
    """Send several events to one batch-taking subscriber in one message, in their order.

    The task id names the first event, the consumer and the count, for the logs; each
    event is still claimed on its own by the consumer."""
    assert subscriber.batch_task is not None
    app.send_task(
        subscriber.batch_task,
        args=[[envelope.model_dump(mode="json") for envelope in envelopes]],
        queue=subscriber.queue,
        task_id=f"{envelopes[0].id}:{subscriber.consumer}:{len(envelopes)}",
        retry=True,
        retry_policy=_SEND_RETRY,
        producer=producer,
    )


def waiting(producer: Any, queues: set[str]) -> dict[str, int]:
    """How many messages wait in each queue, not yet taken by a worker (Redis only;
    another transport, or a broker that does not answer, reports none waiting: the
    caller's next send meets the broker's error the usual way)."""
    size = getattr(producer.channel, "waiting", None)
    if size is None:
        return dict.fromkeys(queues, 0)
    try:
        return {queue: int(size(queue)) for queue in queues}
    except (OSError, RedisError, KombuError):
        return dict.fromkeys(queues, 0)


@dataclass(frozen=True)
class Replication:
    """How many Redis replicas must confirm the relay's messages, and how long to wait."""

    replicas: int = 0
    timeout_ms: int = 1000


def replication(settings: Settings) -> Replication:
    replicas = settings.redis_replicas_to_confirm
    if replicas is None:
        replicas = 1 if redisconn.parse(settings.redis_url).sentinel else 0
    return Replication(replicas=replicas, timeout_ms=settings.redis_replica_confirm_ms)


def replicated(producer: Any, replication: Replication) -> bool:
    """Whether the Redis replicas confirmed every message sent so far (always, when none
    are asked for or the broker is no Redis). A broker that does not answer counts as
    not confirmed: the caller's next send meets its error the usual way."""
    confirm = getattr(producer.channel, "replicated", None)
    if replication.replicas <= 0 or confirm is None:
        return True
    try:
        return bool(confirm(replication.replicas, replication.timeout_ms))
    except (OSError, RedisError, KombuError):
        return False


def run_worker(
    app: Celery, *, queue: str, name: str, pool: str, concurrency: int, loglevel: str
) -> int:
    """Run `celery worker` with the arguments every Sekber worker uses, until it stops;
    return its exit code.

    Celery's worker_main drops the code (a worker that stopped on an error would exit 0
    and look like a clean stop to its orchestrator): it is read from the worker as it
    shuts down.
    """
    from celery import signals

    codes: list[int] = []

    def remember(sender: Any, **_: Any) -> None:
        codes.append(int(getattr(sender, "exitcode", None) or 0))

    signals.worker_shutdown.connect(remember, weak=False)
    try:
        app.worker_main([
            "worker",
            "--queues", queue,
            "--hostname", f"{name}@%h",
            "--pool", pool,
            "--concurrency", str(concurrency),
            "--loglevel", loglevel,
            "--without-gossip",
            "--without-mingle",
        ])  # fmt: skip
    finally:
        signals.worker_shutdown.disconnect(remember)
    return codes[-1] if codes else 0
