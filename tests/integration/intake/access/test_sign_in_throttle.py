"""Sign-in throttling on a real Redis: failed attempts slow down the (account, address)
pair and the address, never the account's owner elsewhere; unknown, disabled and
throttled accounts answer alike; two intake processes share the counts; forwarded headers
count only from named proxies. Accounts here serve Papua Selatan (93)."""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.access.client_address import client_address, parse_networks
from services.intake.app import create_app
from shared.accounts import users
from shared.config import Settings
from shared.db import UowFactory
from shared.models import AuditEntry
from tests.support.auth import headers_for

PASSWORD = "Rahasia-Sekali-2026"
WRONG = "salah-salah-salah"


def settings_for(database_url: str, redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "redis_url": redis_url,
        # Each module's counters apart from every other run's.
        "broker_key_prefix": f"test-throttle-{uuid.uuid4().hex[:8]}:",
        "login_pair_limits": "3/minute;5/hour",
        "login_address_limits": "12/minute",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="module")
def app(database_url: str, redis_url: str) -> Any:
    return create_app(settings_for(database_url, redis_url))


def client_at(app: Any, address: str, **kwargs: Any) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 40000), **kwargs)


@pytest.fixture
def address() -> str:
    """An address of this test's own, so tests do not share counts: an IPv6 documentation
    address with 64 random bits (250 IPv4 ones collided: two tests of one worker drew the
    same and the second found the first's failures counted)."""
    bits = uuid.uuid4().int
    return "2001:db8::" + ":".join(f"{(bits >> s) & 0xFFFF:x}" for s in (0, 16, 32, 48))


def account(uow_factory: UowFactory, *, active: bool = True) -> str:
    username = f"petugas.{uuid.uuid4().hex[:8]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session,
            username=username,
            name="Maria Gebze",
            role="case_worker",
            password=PASSWORD,
            jurisdiction="93",
        )
        if not active:
            users.set_active(uow.session, username=username, active=False)
        uow.commit()
    return username


def token(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def actions(uow_factory: UowFactory, username: str) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.client)
            .where(AuditEntry.object_id == username)
            .order_by(AuditEntry.id)
        ).all()
    return [(action, client) for action, client in rows]


def test_failures_slow_the_pair_and_not_the_owner_signing_in_from_elsewhere(
    app: Any, uow_factory: UowFactory, address: str
) -> None:
    username = account(uow_factory)
    with client_at(app, address) as guesser, client_at(app, "203.0.113.7") as owner:
        # A right password clears the pair's count.
        assert [token(guesser, username, WRONG).status_code for _ in range(2)] == [401, 401]
        assert token(guesser, username).status_code == 200
        statuses = [token(guesser, username, WRONG).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        throttled = token(guesser, username)  # even the right password waits now
        assert throttled.status_code == 429
        assert 0 < int(throttled.headers["Retry-After"]) <= 60
        assert throttled.json()["detail"][0]["type"] == "rate_limited"
        # The owner, elsewhere, is not locked out.
        assert token(owner, username).status_code == 200
        # The sign-in page says the same.
        page = guesser.post("/masuk", data={"username": username, "password": PASSWORD})
        assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    audited = actions(uow_factory, username)
    assert audited.count(("login_failed", address)) == 5
    assert ("throttled", address) in audited
    assert ("login", "203.0.113.7") in audited


def test_unknown_disabled_and_wrong_answer_alike_and_take_as_long(
    app: Any, uow_factory: UowFactory, address: str
) -> None:
    known, disabled = account(uow_factory), account(uow_factory, active=False)
    unknown = f"nobody.{uuid.uuid4().hex[:8]}"
    timings: dict[str, list[float]] = {known: [], disabled: [], unknown: []}
    with client_at(app, address) as c:
        answers = {}
        for _ in range(3):
            for username in timings:
                started = time.perf_counter()
                answer = token(c, username, WRONG)
                timings[username].append(time.perf_counter() - started)
                answers[username] = (answer.status_code, answer.json())
        # Throttled: alike as well, for the unknown name too.
        throttled = {u: token(c, u, WRONG) for u in timings}
    assert answers[known] == answers[disabled] == answers[unknown]
    assert answers[known][0] == 401
    assert [(r.status_code, r.json()["detail"][0]["type"]) for r in throttled.values()] == [
        (429, "rate_limited")
    ] * 3
    # Each runs one Argon2 verification: an unknown name is no quicker than a wrong password.
    wrong = statistics.median(timings[known])
    assert statistics.median(timings[unknown]) > wrong / 3
    assert statistics.median(timings[disabled]) > wrong / 3


def test_an_address_trying_many_accounts_is_slowed(app: Any, address: str) -> None:
    with client_at(app, address) as c:
        statuses = [
            token(c, f"guess.{i}.{uuid.uuid4().hex[:6]}", WRONG).status_code for i in range(13)
        ]
    assert statuses == [401] * 12 + [429]


def test_two_intake_processes_share_the_counts(
    database_url: str, redis_url: str, uow_factory: UowFactory, address: str
) -> None:
    settings = settings_for(database_url, redis_url, broker_key_prefix="test-shared-counts:")
    username = account(uow_factory)
    with (
        client_at(create_app(settings), address) as one,
        client_at(create_app(settings), address) as other,
    ):
        assert [token(one, username, WRONG).status_code for _ in range(3)] == [401] * 3
        assert token(other, username, WRONG).status_code == 429


def test_without_redis_sign_in_waits_rather_than_counting_nothing(
    database_url: str, uow_factory: UowFactory
) -> None:
    settings = settings_for(database_url, "redis://127.0.0.1:1/0")
    with client_at(create_app(settings), "192.0.2.1") as c:
        answer = token(c, account(uow_factory))
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "5")


def test_forwarded_for_counts_only_from_a_named_proxy(
    database_url: str, redis_url: str, uow_factory: UowFactory
) -> None:
    username = account(uow_factory)
    plain = create_app(settings_for(database_url, redis_url))
    proxied = create_app(settings_for(database_url, redis_url, trusted_proxies=["10.0.0.0/8"]))
    with client_at(plain, "127.0.0.1") as local:
        # Rotating X-Forwarded-For from loopback buys nothing: the peer is the client.
        statuses = [token_from(local, username, f"192.0.2.{i}").status_code for i in range(4)]
    with client_at(proxied, "10.1.2.3") as proxy:
        token_from(proxy, username, "203.0.113.9, 10.4.4.4")
    assert statuses == [401, 401, 401, 429]
    clients = [client for action, client in actions(uow_factory, username)]
    assert clients == ["127.0.0.1"] * 4 + ["203.0.113.9"]
    with client_at(plain, "127.0.0.1") as local:
        trail = local.get(
            "/api/v1/admin/audit", params={"object_id": username}, headers=headers_for("admin", "a")
        ).json()
    assert sorted(entry["client"] for entry in trail) == sorted(clients)


def token_from(client: TestClient, username: str, forwarded_for: str) -> Any:
    return client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": WRONG},
        headers={"X-Forwarded-For": forwarded_for},
    )


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("10.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        # The leftmost entries are whatever the client wrote.
        ("10.0.0.1", ["1.1.1.1, 203.0.113.9, 10.0.0.2"], "203.0.113.9"),
        ("10.0.0.1", ["1.1.1.1", "203.0.113.9"], "203.0.113.9"),
        ("10.0.0.1", ["not-an-address"], "10.0.0.1"),
        ("10.0.0.1", [], "10.0.0.1"),
        ("192.0.2.1", ["203.0.113.9"], "192.0.2.1"),  # not a named proxy
        ("10.0.0.1", ["::ffff:203.0.113.9"], "203.0.113.9"),
    ],
)
def test_the_client_is_the_first_address_not_a_named_proxy(
    peer: str, forwarded: list[str], expected: str
) -> None:
    assert client_address(peer, forwarded, parse_networks(["10.0.0.0/8"])) == expected
    assert client_address(peer, forwarded, ()) == peer
