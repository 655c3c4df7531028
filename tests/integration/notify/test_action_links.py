"""A coordinator's message about a task to answer carries signed accept and decline links
that work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from services.intake.app import create_app
from services.notify.channels.base import Channel
from shared.casework.action_links import Issuer
from shared.config import Settings
from shared.db import UowFactory
from shared.events import Envelope, ReferralAssigned, ReferralOffered
from shared.models import Referral
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import BASE_URL, deliver

SECRET = "notify-action-link-test-secret-of-32-chars"
DISTRICT = "94.01.01"
VILLAGE = "94.01.01.1002"  # Kali Bobo, Nabire
LINK = re.compile(re.escape(BASE_URL) + r"(/aksi/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def intake(database_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", database_url=database_url, secret_key=SECRET)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def notify_with_links(
    uow_factory: UowFactory, channels: dict[str, Channel], envelope: Envelope
) -> None:
    deliver(
        uow_factory,
        envelope,
        channels,
        action_links=Issuer(SECRET, timedelta(hours=72)),
    )


def test_an_assignment_mail_carries_accept_and_decline_links_that_work(
    uow_factory: UowFactory, smtp: SmtpServer, channels: dict[str, Channel], intake: TestClient
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region=DISTRICT)
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    envelope = scenes.wrap(
        scene,
        ReferralAssigned(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            pillar_code="TKSK",
            coordinator_id=tksk,
        ),
    )

    notify_with_links(uow_factory, channels, envelope)

    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    text = scenes.text_of(mail)
    assert "Terima : " + BASE_URL in text and "Tolak  : " + BASE_URL in text
    accept, decline = LINK.findall(text)
    assert accept != decline
    inbox = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "inapp"]
    assert [LINK.findall(n.body) for n in inbox] == [[accept, decline]]

    assert intake.post(accept).status_code == 200
    assert intake.post(decline).status_code == 409  # the task moved on
    with uow_factory() as uow:
        assert uow.session.get_one(Referral, scene.referral_id).status == "accepted"


def test_each_offeree_gets_accept_and_decline_links_of_their_own(
    uow_factory: UowFactory, smtp: SmtpServer, channels: dict[str, Channel]
) -> None:
    first = scenes.coordinator(uow_factory, pillar="TAGANA", region=DISTRICT)
    english = scenes.coordinator(uow_factory, pillar="TAGANA", region="94.01", language="en")
    scene = scenes.open_case(
        uow_factory,
        village=VILLAGE,
        pillar="TAGANA",
        category="KBA",
        urgency="emergency",
        offered_to=(first, english),
    )
    envelope = scenes.wrap(
        scene,
        ReferralOffered(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            pillar_code="TAGANA",
            coordinator_ids=[first, english],
        ),
    )

    notify_with_links(uow_factory, channels, envelope)

    mails = {
        m["To"]: scenes.text_of(m) for m in smtp.mailbox.for_tracking_code(scene.tracking_code)
    }
    in_english = mails[scenes.email_of(uow_factory, english)]
    assert "Accept  : " in in_english and "Decline : " in in_english
    links = [LINK.findall(text) for text in mails.values()]
    assert [len(found) for found in links] == [2, 2]
    assert not set(links[0]) & set(links[1])
