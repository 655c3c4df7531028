"""Signing in: passwords (Argon2), short-lived tokens, the session cookie of the pages, API
keys and their revocation. Throttling: test_sign_in_throttle.py; sessions that end:
test_sessions.py. Accounts here serve Papua Pegunungan (95)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.app import create_app
from shared.accounts import apikeys, users
from shared.config import Settings
from shared.db import UowFactory
from shared.models import User
from shared.models.base import utcnow
from tests.integration.factories import add_coordinator

PASSWORD = "Rahasia-Sekali-2026"


@pytest.fixture(scope="module")
def client(database_url: str, redis_url: str) -> Iterator[TestClient]:
    settings = Settings(
        environment="test",
        database_url=database_url,
        redis_url=redis_url,
        broker_key_prefix=f"test-sign-in-{uuid.uuid4().hex[:8]}:",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def account(uow_factory: UowFactory, role: str = "supervisor", **kwargs: object) -> str:
    username = f"{role}.{uuid.uuid4().hex[:8]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session,
            username=username,
            name="Yosefina Wenda",
            role=role,
            password=PASSWORD,
            jurisdiction=str(kwargs.pop("jurisdiction", "95")),
            **kwargs,  # type: ignore[arg-type]
        )
        uow.commit()
    return username


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> object:
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_password_gives_a_short_lived_token_that_says_who_you_are(
    client: TestClient, uow_factory: UowFactory
) -> None:
    username = account(uow_factory)

    response = sign_in(client, username)

    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["token_type"], body["expires_in"]) == ("bearer", 15 * 60)
    me = client.get("/api/v1/auth/me", headers=bearer(body["access_token"])).json()
    assert (me["username"], me["role"], me["jurisdiction"]) == (username, "supervisor", "95")
    with uow_factory() as uow:
        stored = uow.session.scalars(select(User).where(User.username == username)).one()
        assert stored.password_hash and stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash


def test_a_coordinator_account_acts_as_its_directory_entry(
    client: TestClient, uow_factory: UowFactory
) -> None:
    entry = add_coordinator(uow_factory, pillar="TKSK", region="95.01.01")
    username = account(uow_factory, "coordinator", coordinator_ref=str(entry), jurisdiction="")

    token = sign_in(client, username).json()["access_token"]  # type: ignore[attr-defined]

    me = client.get("/api/v1/auth/me", headers=bearer(token)).json()
    assert (me["coordinator_id"], me["jurisdiction"]) == (str(entry), "95.01.01")
    assert client.get("/api/v1/inbox", headers=bearer(token)).status_code == 200


def test_an_expired_token_is_refused(client: TestClient, uow_factory: UowFactory) -> None:
    token = sign_in(client, account(uow_factory)).json()["access_token"]  # type: ignore[attr-defined]
    state = client.app.state  # type: ignore[attr-defined]
    later = utcnow() + timedelta(minutes=16)
    state.clock = lambda: later
    try:
        response = client.get("/api/v1/auth/me", headers=bearer(token))
    finally:
        state.clock = utcnow
    assert response.status_code == 401
    assert "expired" in response.json()["detail"][0]["msg"]


def test_a_wrong_password_is_refused_the_same_way_as_an_unknown_user(
    client: TestClient, uow_factory: UowFactory
) -> None:
    wrong = sign_in(client, account(uow_factory), "salah-salah-salah")
    unknown = sign_in(client, "nobody.here")
    for response in (wrong, unknown):
        assert response.status_code == 401  # type: ignore[attr-defined]
        assert response.json()["detail"][0]["msg"] == "wrong username or password"  # type: ignore[attr-defined]


def test_an_api_key_acts_as_its_account_until_revoked(
    client: TestClient, uow_factory: UowFactory
) -> None:
    username = account(uow_factory)
    with uow_factory() as uow:
        user = users.find(uow.session, username)
        issued = apikeys.issue(uow.session, user=user, name="SIKS desa", now=utcnow())
        uow.commit()

    for headers in (bearer(issued.key), {"X-API-Key": issued.key}):
        me = client.get("/api/v1/auth/me", headers=headers)
        assert (me.status_code, me.json()["username"]) == (200, username)

    with uow_factory() as uow:
        apikeys.revoke(uow.session, prefix=issued.prefix, now=utcnow())
        uow.commit()
    refused = client.get("/api/v1/auth/me", headers={"X-API-Key": issued.key})
    assert refused.status_code == 401
    tampered = issued.key[:-2] + ("AA" if not issued.key.endswith("AA") else "BB")
    assert client.get("/api/v1/auth/me", headers=bearer(tampered)).status_code == 401


def test_a_disabled_account_s_keys_stop_working_at_once(
    client: TestClient, uow_factory: UowFactory
) -> None:
    username = account(uow_factory)
    with uow_factory() as uow:
        issued = apikeys.issue(
            uow.session, user=users.find(uow.session, username), name="x", now=utcnow()
        )
        uow.commit()
    with uow_factory() as uow:
        users.set_active(uow.session, username=username, active=False)
        uow.commit()
    assert client.get("/api/v1/auth/me", headers=bearer(issued.key)).status_code == 401
    assert sign_in(client, username).status_code == 401  # type: ignore[attr-defined]


def test_the_sign_in_page_sets_a_session_cookie_for_the_pages(
    client: TestClient, uow_factory: UowFactory
) -> None:
    username = account(uow_factory)
    page = client.get("/masuk")
    assert page.status_code == 200 and 'name="password"' in page.text

    wrong = client.post(
        "/masuk", data={"username": username, "password": "salah", "next": "/rujukan"}
    )
    assert wrong.status_code == 401 and "salah" in wrong.text
    assert f'value="{username}"' in wrong.text  # what was typed is kept (not the password)

    done = client.post(
        "/masuk",
        data={"username": username, "password": PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/")
    cookie = done.cookies.get("sekber_session")
    assert cookie and "httponly" in done.headers["set-cookie"].lower()
    assert "samesite=lax" in done.headers["set-cookie"].lower()

    client.cookies.set("sekber_session", cookie)
    try:
        assert client.get("/api/v1/auth/me").json()["username"] == username
        # A change riding on the cookie from another site is refused.
        forged = client.post(
            "/api/v1/notifications/00000000-0000-0000-0000-000000000000/replay",
            headers={"Origin": "https://evil.example"},
        )
        assert (forged.status_code, forged.json()["detail"][0]["type"]) == (403, "csrf")
    finally:
        client.cookies.clear()


def test_answers_carry_the_security_headers(client: TestClient) -> None:
    response = client.get("/api/v1/categories")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "access-control-allow-origin" not in response.headers


def test_a_placeholder_or_short_secret_refuses_to_start_in_production() -> None:
    for secret in ("change-me-in-production", "short"):
        with pytest.raises(ValueError, match="SEKBER_SECRET_KEY"):
            Settings(environment="production", secret_key=secret)
    with pytest.raises(ValueError, match="CORS"):
        Settings(cors_origins=["*"])
    Settings(environment="production", secret_key="s" * 40)
