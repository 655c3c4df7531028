"""The real intake (uvicorn, as `sekber intake` runs it) believes no forwarded header
unless SEKBER_TRUSTED_PROXIES names the peer: uvicorn's own handling, which trusts
127.0.0.1, is off."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import AuditEntry
from tests.e2e.stack import Stack


def test_a_forwarded_for_from_loopback_is_not_the_client(
    stack: Stack, uow_factory: UowFactory
) -> None:
    username = f"nobody.{uuid.uuid4().hex[:8]}"
    response = httpx.post(
        f"{stack.base_url}/api/v1/auth/token",
        data={"username": username, "password": "salah-salah-salah"},
        headers={"X-Forwarded-For": "203.0.113.50"},
        timeout=10,
    )
    assert response.status_code == 401, response.text
    with uow_factory() as uow:
        clients = uow.session.scalars(
            select(AuditEntry.client).where(AuditEntry.object_id == username)
        ).all()
    assert clients == ["127.0.0.1"]
