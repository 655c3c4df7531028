"""Sessions that end: signing out ends the session on the server, /keluar refuses another
site, and disabling an account, changing its password or ending its sessions stops its
tokens at once. Accounts here serve Papua Barat Daya (96)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.intake.app import create_app
from shared.accounts import users
from shared.config import Settings
from shared.db import UowFactory

PASSWORD = "Rahasia-Sekali-2026"


@pytest.fixture(scope="module")
def client(database_url: str, redis_url: str) -> Iterator[TestClient]:
    settings = Settings(
        environment="test",
        database_url=database_url,
        redis_url=redis_url,
        broker_key_prefix=f"test-sessions-{uuid.uuid4().hex[:8]}:",
        # Judged afresh on every request: the changes below come from outside the app.
        session_check_seconds=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def account(uow_factory: UowFactory) -> str:
    username = f"petugas.{uuid.uuid4().hex[:8]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session,
            username=username,
            name="Agus Kambu",
            role="case_worker",
            password=PASSWORD,
            jurisdiction="96",
        )
        uow.commit()
    return username


def session_cookie(client: TestClient, username: str) -> str:
    done = client.post(
        "/masuk", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    client.cookies.clear()
    return str(done.cookies["sekber_session"])


def me(client: TestClient, *, cookie: str = "", headers: dict[str, str] | None = None) -> int:
    return with_cookie(client, cookie, "GET", "/api/v1/auth/me", headers=headers).status_code


def with_cookie(client: TestClient, cookie: str, method: str, url: str, **kwargs: Any) -> Any:
    """A request carrying this session cookie only."""
    client.cookies.clear()
    if cookie:
        client.cookies.set("sekber_session", cookie)
    try:
        return client.request(method, url, follow_redirects=False, **kwargs)
    finally:
        client.cookies.clear()


def test_signing_out_ends_the_session_even_for_a_kept_cookie(
    client: TestClient, uow_factory: UowFactory
) -> None:
    username = account(uow_factory)
    cookie = session_cookie(client, username)
    other_cookie = session_cookie(client, username)  # the same person on another device

    # From another site's page, sign-out is refused and the session goes on.
    forged = with_cookie(
        client, cookie, "POST", "/keluar", headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    assert me(client, cookie=cookie) == 200

    out = with_cookie(client, cookie, "POST", "/keluar", headers={"Origin": "http://testserver"})
    assert (out.status_code, out.headers["location"]) == (303, "/masuk")
    assert me(client, cookie=cookie) == 401
    page = with_cookie(client, cookie, "GET", "/rujukan")
    assert page.status_code == 303 and page.headers["location"].startswith("/masuk")
    # Only that session: the other device stays signed in.
    assert me(client, cookie=other_cookie) == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda s, u: users.set_active(s, username=u, active=False),
        lambda s, u: users.set_password(s, username=u, password=PASSWORD + "!"),
        lambda s, u: users.end_sessions(s, username=u),
    ],
    ids=["disabled", "password changed", "signed out everywhere"],
)
def test_an_account_change_ends_its_tokens_and_sessions_at_once(
    client: TestClient, uow_factory: UowFactory, change: Callable[[Session, str], object]
) -> None:
    username = account(uow_factory)
    token = client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    cookie = session_cookie(client, username)
    assert (me(client, headers=bearer), me(client, cookie=cookie)) == (200, 200)

    with uow_factory() as uow:
        change(uow.session, username)
        uow.commit()

    refused = client.get("/api/v1/auth/me", headers=bearer)
    assert refused.status_code == 401
    assert "session has ended" in refused.json()["detail"][0]["msg"]
    assert me(client, cookie=cookie) == 401
