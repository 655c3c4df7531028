"""A coordinator accepts or declines a task from the links in their message, without
logging in: once, before the link expires, and only while the task is as it was."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from shared.casework import action_links as actionlinks
from shared.db import UowFactory
from shared.domain.lifecycle import Action
from shared.models import CaseEvent, Referral
from shared.models.base import utcnow
from tests.integration.notify import scenes
from tests.support.auth import SECRET  # the intake test app runs with the tests' secret

# Coordinators and cases in Nabire, Central Papua (94), where no other test routes.
DISTRICT = "94.01.01"
VILLAGE = "94.01.01.1001"  # Wonorejo


def link(
    uow_factory: UowFactory,
    scene: scenes.Scene,
    coordinator_id: uuid.UUID,
    action: str,
    *,
    expires_in: timedelta = timedelta(hours=72),
    secret: str = SECRET,
) -> str:
    with uow_factory() as uow:
        version = uow.session.get_one(Referral, scene.referral_id).version
    token = actionlinks.issue(
        secret,
        referral_id=scene.referral_id,
        coordinator_id=coordinator_id,
        action=action,
        version=version,
        expires_at=utcnow() + expires_in,
    )
    return f"/aksi/{token}"


def assigned_case(uow_factory: UowFactory) -> tuple[scenes.Scene, uuid.UUID]:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region=DISTRICT)
    return scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk), tksk


def referral(uow_factory: UowFactory, scene: scenes.Scene) -> Referral:
    with uow_factory() as uow:
        return uow.session.get_one(Referral, scene.referral_id)


def test_an_accept_link_shows_a_page_then_accepts_exactly_once(
    client: TestClient, uow_factory: UowFactory
) -> None:
    scene, tksk = assigned_case(uow_factory)
    url = link(uow_factory, scene, tksk, "accept")

    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert scene.tracking_code in page.text and "Wonorejo" in page.text
    assert "Terima tugas ini" in page.text
    assert scenes.BENEFICIARY not in page.text and scenes.NIK not in page.text
    assert referral(uow_factory, scene).status == "requested"  # looking changes nothing

    done = client.post(url)
    assert done.status_code == 200 and "telah diterima" in done.text
    task = referral(uow_factory, scene)
    assert (task.status, task.version, task.coordinator_id) == ("accepted", 2, tksk)
    accepted = [e for e in scenes.timeline(uow_factory, scene) if e.kind == "referral_accept"]
    assert [e.actor for e in accepted] == [scenes.name_of(uow_factory, tksk)]

    assert client.post(url).status_code == 410
    assert client.get(url).status_code == 410
    assert referral(uow_factory, scene).version == 2


def test_a_decline_link_rejects_with_reason_other_unless_one_is_chosen(
    client: TestClient, uow_factory: UowFactory
) -> None:
    plain, tksk = assigned_case(uow_factory)
    chosen, other = assigned_case(uow_factory)

    page = client.get(link(uow_factory, plain, tksk, "reject"))
    assert 'name="reason"' in page.text and "Tolak tugas ini" in page.text
    assert client.post(link(uow_factory, plain, tksk, "reject")).status_code == 200
    response = client.post(
        link(uow_factory, chosen, other, "reject"), data={"reason": "no_capacity"}
    )
    assert response.status_code == 200 and "telah ditolak" in response.text

    assert (referral(uow_factory, plain).status, referral(uow_factory, plain).reason_code) == (
        "rejected",
        "other",
    )
    assert referral(uow_factory, chosen).reason_code == "no_capacity"


def test_a_decline_with_an_unknown_reason_changes_nothing(
    client: TestClient, uow_factory: UowFactory
) -> None:
    scene, tksk = assigned_case(uow_factory)
    url = link(uow_factory, scene, tksk, "reject")
    assert client.post(url, data={"reason": "no_response"}).status_code == 422
    assert referral(uow_factory, scene).status == "requested"
    assert client.post(url).status_code == 200  # the link was not spent


def test_an_expired_link_is_refused_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory
) -> None:
    scene, tksk = assigned_case(uow_factory)
    url = link(uow_factory, scene, tksk, "accept", expires_in=timedelta(seconds=-1))
    assert client.get(url).status_code == 410
    refused = client.post(url)
    assert refused.status_code == 410 and "kedaluwarsa" in refused.text
    assert referral(uow_factory, scene).status == "requested"


def test_a_forged_or_tampered_link_is_refused_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory
) -> None:
    scene, tksk = assigned_case(uow_factory)
    forged = link(uow_factory, scene, tksk, "accept", secret="not-the-deployment-secret")
    genuine = link(uow_factory, scene, tksk, "accept")
    tampered = genuine[:-5] + ("A" if genuine[-5] != "A" else "B") + genuine[-4:]
    for url in (forged, tampered, "/aksi/not-a-token"):
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    assert referral(uow_factory, scene).status == "requested"


def test_a_link_to_a_task_that_changed_is_refused_and_stays_unspent(
    client: TestClient, uow_factory: UowFactory
) -> None:
    scene, tksk = assigned_case(uow_factory)
    decline = link(uow_factory, scene, tksk, "reject")
    scenes.act(uow_factory, scene.referral_id, by=tksk, action=Action.ACCEPT)

    assert client.get(decline).status_code == 409
    refused = client.post(decline)
    assert refused.status_code == 409 and "sudah berubah" in refused.text
    assert referral(uow_factory, scene).status == "accepted"
    with uow_factory() as uow:
        assert not actionlinks.is_spent(uow.session, decline.rsplit("/", 1)[1])


def test_an_offer_stays_answerable_by_link_after_another_offeree_declines(
    client: TestClient, uow_factory: UowFactory
) -> None:
    first = scenes.coordinator(uow_factory, pillar="TAGANA", region=DISTRICT)
    second = scenes.coordinator(uow_factory, pillar="TAGANA", region="94.01")
    scene = scenes.open_case(
        uow_factory,
        village=VILLAGE,
        pillar="TAGANA",
        category="KBA",
        urgency="emergency",
        offered_to=(first, second),
    )
    accept = link(uow_factory, scene, second, "accept")
    assert client.post(link(uow_factory, scene, first, "reject")).status_code == 200

    assert client.post(accept).status_code == 200
    task = referral(uow_factory, scene)
    assert (task.status, task.coordinator_id) == ("accepted", second)
    with uow_factory() as uow:
        kinds = [
            e.kind for e in uow.session.query(CaseEvent).filter(CaseEvent.case_id == scene.case_id)
        ]
    assert "offer_declined" in kinds and "referral_accept" in kinds


def test_a_link_of_the_earlier_form_under_the_api_still_works_at_its_new_address(
    client: TestClient, uow_factory: UowFactory
) -> None:
    scene, tksk = assigned_case(uow_factory)
    old = link(uow_factory, scene, tksk, "accept").replace("/aksi/", "/api/v1/act/")

    moved = client.get(old, follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == old.replace("/api/v1/act/", "/aksi/")
    done = client.post(old)  # the redirect keeps the method
    assert done.status_code == 200 and "telah diterima" in done.text
    assert referral(uow_factory, scene).status == "accepted"
