"""Settings shared by every Sekber process, read from SEKBER_* environment variables."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import Any, Literal

import pydantic_settings
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import config_errors
from shared.config_checks import (
    MIN_SECRET_LENGTH,
    PLACEHOLDER_SECRET,
    DatabaseUrl,
    HttpUrl,
    LogLevel,
    OptionalHttpUrl,
    Origins,
    RedisUrl,
    SecretKey,
)
from shared.config_errors import SettingsError

__all__ = ["MIN_SECRET_LENGTH", "PLACEHOLDER_SECRET", "Settings", "SettingsError"]

WEBHOOK_SECRET_PREFIX = "whsec_"
# The gateway secret printed in docs/messaging.md: fine on a laptop, refused elsewhere.
EXAMPLE_INBOUND_SECRET = "whsec_c2VrYmVyLWV4YW1wbGUtZ2F0ZXdheS1zZWNyZXQ="
SOFT_LIMIT_MARGIN_SECONDS = 2
# A task's automatic retries wait at most this long (less when the visibility timeout
# leaves less room, see task_retry_backoff_max_seconds).
MAX_RETRY_BACKOFF_SECONDS = 20
# A worker that takes nothing this long while messages wait stops itself (unless set).
DEFAULT_CONSUMER_STALL_SECONDS = 60.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEKBER_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: DatabaseUrl = "sqlite:///var/sekber.db"
    redis_url: RedisUrl = "redis://127.0.0.1:6379/0"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    public_base_url: HttpUrl = "http://127.0.0.1:8000"
    # Signs tokens, session cookies and action links; required in every environment, and
    # never the placeholder (shared/config_checks.py). `sekber up` generates one when unset.
    secret_key: SecretKey = Field(default="", validate_default=True, repr=False)
    # Encrypts the NIK at rest; a key ring, the first entry current (shared/identity).
    # Required outside development; `sekber up` generates one in var/data.key.
    data_key: str = Field(default="", repr=False)

    # Broker reliability (see docs/reliability.md). A message taken by a worker that died
    # returns to the queue this long after it was taken, plus at most one restore interval:
    # 12 + 1 s, so a killed worker's work is done again within 15 s. Every task (with any
    # retry countdown) must end inside it, or Redis hands it to a second worker while the
    # first still runs; the checks below refuse settings that allow that.
    visibility_timeout_seconds: int = Field(default=12, ge=2)
    # The hard limit of a task; the soft limit, which lets it stop cleanly, comes
    # SOFT_LIMIT_MARGIN_SECONDS earlier.
    task_time_limit_seconds: int = Field(default=10, ge=SOFT_LIMIT_MARGIN_SECONDS + 1)
    unacked_restore_interval_seconds: float = Field(default=1.0, gt=0)
    # A worker that took no message this long while messages waited in its queue (for at
    # least two task time limits) stops itself, so that a fresh one starts
    # (shared/runtime/consumer_watch.py). Unset: 60 s, or two time limits when that is longer.
    consumer_stall_seconds: float | None = Field(default=None, gt=0)
    # Prefix for every broker key, so several deployments (or test runs) can share a Redis.
    broker_key_prefix: str = ""

    # Outbox relay and reconciliation sweep.
    relay_poll_seconds: float = 0.1
    relay_batch_size: int = 200
    # Events of one consumer in one message at most (docs/reliability.md, "Batches"), and
    # how many messages may wait untaken in a consumer's queue before the relay keeps its
    # events back to send them together (0: never keep them back).
    relay_events_per_message: int = Field(default=50, ge=1, le=500)
    relay_hold_at: int = Field(default=1, ge=0)
    # The relay folds the dashboard's appended rollup deltas into their sums this often.
    rollup_fold_seconds: float = Field(default=5.0, gt=0)
    reconcile_every_seconds: float = 30.0
    reconcile_after_seconds: float = 120.0
    # After each round the relay waits (Redis WAIT) until this many Redis replicas hold
    # what it published, at most the given time; unset: 1 with a Sentinel URL, else 0.
    # A failover then loses no message (docs/operations.md, "High availability").
    redis_replicas_to_confirm: int | None = Field(default=None, ge=0)
    redis_replica_confirm_ms: int = Field(default=1000, gt=0)

    # Intake limits.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Bulk intake (POST /api/v1/imports): the largest file and the most data rows one
    # upload may hold (refused with 413 above them; split the file).
    import_max_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=20_000, ge=1)
    # The scheduler asks the import worker this often to resume files whose work stopped,
    # those untouched for `import_stale_seconds`.
    import_sweep_seconds: float = Field(default=30.0, gt=0)
    import_stale_seconds: float = Field(default=60.0, gt=0)

    # How often a process checks whether the coordinator directory changed and reloads its
    # routing snapshot; 0 checks before every decision.
    directory_check_seconds: float = Field(default=5.0, ge=0)
    # Deadlines per urgency and step (TOML); empty: the defaults in shared/data/deadlines.toml.
    deadlines_file: str = ""
    # An emergency task is offered to this many of the best candidates at once.
    broadcast_size: int = Field(default=3, ge=1, le=10)
    # How often the scheduler scans deadlines.
    deadline_scan_seconds: float = Field(default=60.0, gt=0)
    # A referral is flagged as a possible duplicate of an open case in the same kecamatan
    # whose name scores at least this (0-1, shared/identity/names.py) with a compatible birth
    # date. 0.85: recall 0.92, 0.6 % of other-named neighbours flagged on the generated set
    # (bench/name_variants.py, docs/duplicates.md); lower finds more and flags more.
    duplicate_name_threshold: float = Field(default=0.85, ge=0.5, le=1.0)
    # How long the accept and decline links in a coordinator's message stay usable.
    action_link_hours: int = Field(default=72, ge=1, le=24 * 14)

    # E-mail over SMTP; empty host means e-mail is off and only the in-app inbox is used.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_sender: str = "Sekber Jatim <noreply@sekber.local>"
    smtp_timeout_seconds: float = Field(default=5.0, gt=0)

    # A system-wide webhook feed (Standard Webhooks) of every notification; empty URL: off.
    webhook_url: OptionalHttpUrl = ""
    # "whsec_" and the base64 of at least 24 random bytes; required when the URL is set,
    # and refused when malformed even without it.
    webhook_secret: str = ""
    webhook_language: Literal["id", "en"] = "id"
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)

    # A WhatsApp/SMS gateway for coordinators with a phone; empty URL: off.
    gateway_url: OptionalHttpUrl = ""
    gateway_token: str = ""
    gateway_timeout_seconds: float = Field(default=5.0, gt=0)
    # Two-way messages (docs/messaging.md): the gateway signs what it posts to
    # /api/v1/gateway/inbound as Standard Webhooks with this secret ("whsec_" and the
    # base64 of at least 24 bytes); empty: the endpoint is off. Required in production
    # with the gateway; the documented example secret is refused outside development.
    gateway_inbound_secret: str = Field(default="", repr=False)
    # An inbound message signed longer ago (or further ahead) than this is refused.
    gateway_inbound_tolerance_seconds: int = Field(default=300, ge=30, le=3600)
    # Messages acted on per sender, in tiers; the rest are kept and audited, not acted on.
    gateway_sender_limits: str = "10/minute;60/hour;200/day"

    # Notify (docs/reliability.md): how long a sender holds a row while sending (longer
    # than any channel's timeout), how often the sweep sends what is due (retries, rows
    # released from quiet hours, rows a killed worker held), how many retries the task
    # makes at once (seconds apart), then the delays of the slower retries, after which a
    # notification is dead.
    notify_lease_seconds: float = Field(default=60.0, gt=0, le=3600)
    notify_sweep_seconds: float = Field(default=30.0, gt=0, le=3600)
    notify_fast_attempts: int = Field(default=3, ge=1, le=10)
    notify_retry_schedule_seconds: list[float] = Field(
        default=[60, 300, 1800, 3600, 3 * 3600, 6 * 3600], max_length=12
    )
    # Low-urgency alerts held for the digest go out once a day at this hour (WIB).
    digest_hour_wib: int = Field(default=7, ge=0, le=23)
    # Telegram Bot API; an empty token means Telegram is off.
    telegram_bot_token: str = ""
    telegram_api_base: HttpUrl = "https://api.telegram.org"
    telegram_timeout_seconds: float = Field(default=5.0, gt=0)

    # Prometheus /metrics of a worker, the relay or the scheduler; 0: off. Each process
    # needs its own port (the intake serves /metrics on its HTTP port instead).
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"

    # Sign-in (see docs/security.md). Access tokens for API clients are short-lived; a
    # browser session lasts a working day.
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    session_hours: float = Field(default=10.0, gt=0, le=7 * 24)
    # Failed sign-ins allowed per (account, client address), in tiers: each tier reached
    # makes the next attempt wait longer. A right password clears the pair. Counted in
    # Redis, across intake processes (services/intake/access/ratelimit.py).
    login_pair_limits: str = "5/minute;10/15 minutes;20/hour;50/day"
    # Failed sign-ins allowed per client address, whatever the account.
    login_address_limits: str = "30/minute;200/hour"
    # Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or CIDR
    # blocks (a JSON list); empty: none, the peer's address is the client's.
    trusted_proxies: list[str] = []
    # Signing out, disabling an account or changing its password ends its sessions and
    # tokens; each intake process may serve a session for this long after (its cache).
    session_check_seconds: float = Field(default=5.0, ge=0, le=60)
    # Open child tasks one task may have referred onward at once.
    onward_max_open_children: int = Field(default=5, ge=1, le=50)
    # Origins allowed to call the API from a browser, separated by commas (or a JSON
    # list); empty: same origin only. No "*".
    cors_origins: Origins = []

    # Liveness heartbeats of routing, notify, relay and scheduler (`sekber probe SERVICE`):
    # each touches DIR/SERVICE.heartbeat every interval; empty: off. One directory per
    # host or container (two replicas of a service must not share it).
    heartbeat_dir: str = ""
    heartbeat_interval_seconds: float = Field(default=5.0, gt=0)
    # The probe fails when the heartbeat is older than this.
    heartbeat_max_age_seconds: float = Field(default=60.0, gt=0)

    log_level: LogLevel = "INFO"
    # json for a log collector, text for a terminal; unset: json in production only.
    log_format: Literal["json", "text"] | None = None

    @field_validator("login_pair_limits", "login_address_limits", "gateway_sender_limits")
    @classmethod
    def _rate_limits(cls, value: str, info: ValidationInfo) -> str:
        from limits import parse_many

        try:
            if not parse_many(value):
                raise ValueError(value)
        except ValueError:
            raise ValueError(
                f"SEKBER_{str(info.field_name).upper()} must be limits such as '5/minute;20/hour'"
            ) from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(
                    "SEKBER_TRUSTED_PROXIES must list IP addresses or CIDR blocks, "
                    f'such as ["10.0.0.0/8"]; {entry[:45]!r} is neither'
                ) from None
        return value

    @model_validator(mode="after")
    def _require_data_key(self) -> Settings:
        """The NIK is encrypted at rest: a key ring that parses, and outside development
        one that is set (development without one cannot store a NIK)."""
        from shared.identity import keyring

        if self.data_key or self.environment != "development":
            try:
                keyring.parse(self.data_key)
            except keyring.KeyRingError as exc:
                raise ValueError(str(exc)) from None
        return self

    @model_validator(mode="after")
    def _require_channel_secrets(self) -> Settings:
        if (self.webhook_url or self.webhook_secret) and not _is_webhook_secret(
            self.webhook_secret
        ):
            raise ValueError(
                "SEKBER_WEBHOOK_SECRET must be whsec_ and the base64 of at least 24 bytes"
            )
        if len(self.webhook_url) > 254:  # it is stored as each notification's address
            raise ValueError("SEKBER_WEBHOOK_URL must be at most 254 characters")
        if self.gateway_url and not self.gateway_token:
            raise ValueError("SEKBER_GATEWAY_TOKEN must be set with SEKBER_GATEWAY_URL")
        inbound = self.gateway_inbound_secret
        if inbound and not _is_webhook_secret(inbound):
            raise ValueError(
                "SEKBER_GATEWAY_INBOUND_SECRET must be whsec_ and the base64 of at least 24 bytes"
            )
        if inbound == EXAMPLE_INBOUND_SECRET and self.environment != "development":
            raise ValueError(
                "SEKBER_GATEWAY_INBOUND_SECRET is the example from docs/messaging.md, which "
                "anyone can read; make your own (docs/messaging.md says how)"
            )
        if self.environment == "production" and self.gateway_url and not inbound:
            raise ValueError(
                "SEKBER_GATEWAY_INBOUND_SECRET must be set with SEKBER_GATEWAY_URL in production"
            )
        return self

    @model_validator(mode="after")
    def _bound_every_task(self) -> Settings:
        """Refuse timings that let a task hold its message past the visibility timeout
        (Redis would hand it to a second worker while the first still runs) or let one
        send use up a task's time."""
        vt, limit, soft = (
            self.visibility_timeout_seconds,
            self.task_time_limit_seconds,
            self.task_soft_time_limit_seconds,
        )
        if limit >= vt:
            raise ValueError(
                f"SEKBER_TASK_TIME_LIMIT_SECONDS ({limit}) must be below "
                f"SEKBER_VISIBILITY_TIMEOUT_SECONDS ({vt}): a task still running when the "
                "visibility timeout ends is handed to a second worker"
            )
        if self.consumer_stall_seconds is not None and self.consumer_stall_seconds < 2 * limit:
            raise ValueError(
                f"SEKBER_CONSUMER_STALL_SECONDS ({self.consumer_stall_seconds:g}) must be at "
                f"least twice SEKBER_TASK_TIME_LIMIT_SECONDS ({limit}): a worker whose pool "
                "is busy takes no message for up to one time limit"
            )
        for name, seconds in self.channel_timeouts.items():
            if seconds >= soft:
                raise ValueError(
                    f"SEKBER_{name.upper()} ({seconds:g}) must be below the soft time limit "
                    f"of a task ({soft} s: SEKBER_TASK_TIME_LIMIT_SECONDS - "
                    f"{SOFT_LIMIT_MARGIN_SECONDS}), so that one send cannot use up the task"
                )
            if seconds >= self.notify_lease_seconds:
                raise ValueError(
                    f"SEKBER_NOTIFY_LEASE_SECONDS ({self.notify_lease_seconds:g}) must be "
                    f"above SEKBER_{name.upper()} ({seconds:g}): a row's lease must outlast "
                    "its send, or a second sender takes it meanwhile"
                )
        return self

    @property
    def consumer_stall_after_seconds(self) -> float:
        """When a worker taking no message while messages wait counts as stalled."""
        if self.consumer_stall_seconds is not None:
            return self.consumer_stall_seconds
        return max(DEFAULT_CONSUMER_STALL_SECONDS, 2.0 * self.task_time_limit_seconds)

    @property
    def task_soft_time_limit_seconds(self) -> int:
        return self.task_time_limit_seconds - SOFT_LIMIT_MARGIN_SECONDS

    @property
    def task_retry_backoff_max_seconds(self) -> int:
        """The longest countdown of a task's automatic retry. A worker takes a retry's
        message at once and holds it through the countdown and the run, all inside the
        visibility timeout: countdown + time limit < visibility timeout."""
        room = self.visibility_timeout_seconds - self.task_time_limit_seconds - 1
        return max(0, min(MAX_RETRY_BACKOFF_SECONDS, room))

    @property
    def channel_timeouts(self) -> dict[str, float]:
        """The timeout of one send, by setting."""
        return {
            "smtp_timeout_seconds": self.smtp_timeout_seconds,
            "webhook_timeout_seconds": self.webhook_timeout_seconds,
            "gateway_timeout_seconds": self.gateway_timeout_seconds,
            "telegram_timeout_seconds": self.telegram_timeout_seconds,
        }

    @property
    def notify_periodic_budget_seconds(self) -> float:
        """How long the notify sweep and the digests start new sends; the rest waits for
        their next run. A send started at the end still ends before the soft limit."""
        return self.task_soft_time_limit_seconds - max(self.channel_timeouts.values())

    @property
    def deadline_scan_budget_seconds(self) -> float:
        """How long a deadline scan starts handling new tasks (each one is a short
        database transaction); the rest waits for the next scan."""
        return self.task_soft_time_limit_seconds / 2

    @property
    def effective_log_format(self) -> Literal["json", "text"]:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.environment == "production" else "text"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _is_webhook_secret(secret: str) -> bool:
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        return False
    try:
        key = base64.b64decode(secret.removeprefix(WEBHOOK_SECRET_PREFIX), validate=True)
    except binascii.Error:
        return False
    return len(key) >= 24


def load_settings(**overrides: Any) -> Settings:
    """The settings from SEKBER_* variables and .env (`overrides` first). A mistake raises
    SettingsError: one line per problem, naming the variable, never the value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise config_errors.from_validation(exc) from None
    except pydantic_settings.SettingsError as exc:
        raise config_errors.from_source(exc) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
