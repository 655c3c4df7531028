"""GET /api/v1/cases: who sees which cases, newest first, by cursor. Coordinators of
these tests live in Jawa Barat (32)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.referrals import case_list
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.models import Region
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import ANONYMOUS, referral
from tests.support.auth import headers_for


def west_java_villages(uow_factory: UowFactory) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Region.code)
                .where(Region.level == "village", Region.code.like("32.%"))
                .order_by(Region.code)
            ).all()
        )


def send(client: TestClient, village: str, sender: dict[str, str], **extra: Any) -> str:
    body = referral(village_code=village, needs=[], **extra)
    response = client.post("/api/v1/referrals", json=body, headers=sender)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


def listed(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get("/api/v1/cases", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_case_worker_lists_the_cases_they_sent_newest_first_and_no_others(
    client: TestClient, uow_factory: UowFactory
) -> None:
    villages = west_java_villages(uow_factory)
    me = headers_for("case_worker", f"cw-{uuid.uuid4().hex[:6]}@example.id")
    other = headers_for("case_worker", f"cw-{uuid.uuid4().hex[:6]}@example.id")
    first, second = send(client, villages[0], me), send(client, villages[1], me)
    theirs = send(client, villages[2], other)

    page = listed(client, me)

    assert [item["id"] for item in page["items"]] == [second, first]
    assert page["next_cursor"] is None
    item = page["items"][0]
    assert set(item) == {
        "id", "tracking_code", "category", "urgency", "status", "village_code",
        "village_name", "received_at", "updated_at",
    }  # fmt: skip
    assert (item["category"], item["status"], item["village_code"]) == (
        "LUT",
        "received",
        villages[1],
    )
    assert item["village_name"]
    assert theirs not in {i["id"] for i in page["items"]}


def test_the_list_pages_by_cursor_and_filters_by_status(
    client: TestClient, uow_factory: UowFactory
) -> None:
    villages = west_java_villages(uow_factory)
    me = headers_for("case_worker", f"cw-{uuid.uuid4().hex[:6]}@example.id")
    sent = [send(client, villages[10 + i], me) for i in range(3)]

    one = listed(client, me, limit=2)
    two = listed(client, me, limit=2, cursor=one["next_cursor"])

    assert [i["id"] for i in one["items"] + two["items"]] == sent[::-1]
    assert two["next_cursor"] is None
    assert listed(client, me, status="closed")["items"] == []
    assert len(listed(client, me, status=["received", "open"])["items"]) == 3


def test_a_coordinator_sees_the_cases_with_a_task_of_theirs(
    client: TestClient, uow_factory: UowFactory
) -> None:
    villages = west_java_villages(uow_factory)
    village = villages[100]
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=village.rsplit(".", 1)[0])
    sender = headers_for("case_worker", f"cw-{uuid.uuid4().hex[:6]}@example.id")
    mine = send(client, village, sender)
    route(uow_factory, uuid.UUID(mine))
    elsewhere = send(client, villages[-1], sender)

    ids = {i["id"] for i in listed(client, headers_for("coordinator", str(tksk)))["items"]}

    assert mine in ids and elsewhere not in ids


def test_a_supervisor_sees_their_jurisdiction_a_national_one_all_and_a_csr_none(
    client: TestClient, uow_factory: UowFactory
) -> None:
    villages = west_java_villages(uow_factory)
    sender = headers_for("case_worker", f"cw-{uuid.uuid4().hex[:6]}@example.id")
    inside = send(client, villages[200], sender)
    regency = villages[200][:5]
    outside = send(client, next(v for v in villages if not v.startswith(regency)), sender)

    # Through the query, which the scoped session applies too.
    def seen(actor: Actor) -> set[str]:
        with uow_factory() as uow:
            page = case_list.list_cases(uow.session, actor=actor, limit=100)
        return {str(item.id) for item in page.items}

    regional = seen(Actor("supervisor", "kab", "", regency))
    assert inside in regional and outside not in regional
    assert {inside, outside} <= seen(Actor("admin", "all", "", ""))
    csr = client.get("/api/v1/cases", headers=headers_for("csr", "forum", jurisdiction="35"))
    assert csr.status_code == 403  # CSR partners see needs (GET /needs), never cases
    national = listed(client, headers_for("supervisor", "sekber-jatim"))
    assert {inside, outside} <= {i["id"] for i in national["items"]}


def test_a_list_without_credentials_or_with_a_bad_cursor_is_refused(client: TestClient) -> None:
    me = headers_for("case_worker", "someone@example.id")

    assert client.get("/api/v1/cases", headers=ANONYMOUS).status_code == 401
    bad = client.get("/api/v1/cases", params={"cursor": "!!nope"}, headers=me)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "cursor"
    assert client.get("/api/v1/cases", params={"limit": 101}, headers=me).status_code == 422


def test_the_case_list_page_shows_a_coordinator_their_own_cases_like_the_api(
    client: TestClient, uow_factory: UowFactory
) -> None:
    """The menu link "Daftar kasus" (/rujukan) answered 403 for a coordinator (issue 20)."""
    villages = west_java_villages(uow_factory)
    village = villages[110]
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=village.rsplit(".", 1)[0])
    sender = headers_for("case_worker", f"cw-{uuid.uuid4().hex[:6]}@example.id")
    mine = send(client, village, sender)
    route(uow_factory, uuid.UUID(mine))
    elsewhere = send(client, villages[-2], sender)

    response = client.get("/rujukan", headers=headers_for("coordinator", str(tksk)))

    assert response.status_code == 200, response.text
    assert f"/kasus/{mine}" in response.text
    assert f"/kasus/{elsewhere}" not in response.text
