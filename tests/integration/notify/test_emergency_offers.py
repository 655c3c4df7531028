"""An emergency task offered to several coordinators: each hears once, the ones left out
hear that the offer was withdrawn, and the reporter hears that a pillar took it."""

from __future__ import annotations

from shared.db import UowFactory
from shared.domain.lifecycle import Action
from shared.events import ReferralOffered
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import Notify

VILLAGE = "73.01.01.1001"  # Benteng Utara, Kepulauan Selayar


def test_an_emergency_task_is_offered_to_each_coordinator_once_even_when_handled_twice(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    first = scenes.coordinator(uow_factory, pillar="TAGANA", region="73.01.01")
    english = scenes.coordinator(uow_factory, pillar="TAGANA", region="73.01", language="en")
    no_mail = scenes.coordinator(uow_factory, pillar="TAGANA", region="73", email=False)
    offered = (first, english, no_mail)
    scene = scenes.open_case(
        uow_factory,
        village=VILLAGE,
        pillar="TAGANA",
        category="KBA",
        urgency="emergency",
        offered_to=offered,
    )
    envelope = scenes.wrap(
        scene,
        ReferralOffered(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            pillar_code="TAGANA",
            coordinator_ids=list(offered),
        ),
    )

    notify(envelope)
    notify(envelope)

    notes = scenes.notifications(uow_factory, envelope)
    assert sorted((n.coordinator_id, n.channel) for n in notes) == sorted(
        [(c, "inapp") for c in offered] + [(first, "email"), (english, "email")]
    )
    assert {(n.kind, n.state) for n in notes} == {("referral_offered", "sent")}
    mails = {m["To"]: m for m in smtp.mailbox.for_tracking_code(scene.tracking_code)}
    assert len(smtp.mailbox.for_tracking_code(scene.tracking_code)) == 2
    assert set(mails) == {scenes.email_of(uow_factory, c) for c in (first, english)}
    in_english = mails[scenes.email_of(uow_factory, english)]
    assert scenes.subject_of(in_english).startswith("[Sekber] EMERGENCY task offered")
    assert "The first to accept takes the case" in scenes.text_of(in_english)
    assert "kepada 3 koordinator" in scenes.text_of(mails[scenes.email_of(uow_factory, first)])


def test_when_one_accepts_the_others_hear_the_offer_is_withdrawn_and_the_reporter_who_took_it(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    taker, second, third = (
        scenes.coordinator(uow_factory, pillar="TAGANA", region="73.01.01", name=name)
        for name in ("Andi Mappatoba", "Besse Daeng", "Ciko Lamba")
    )
    scene = scenes.open_case(
        uow_factory,
        village=VILLAGE,
        pillar="TAGANA",
        category="KBA",
        urgency="emergency",
        offered_to=(taker, second, third),
    )
    scenes.act(uow_factory, scene.referral_id, by=taker, action=Action.ACCEPT)
    [envelope] = scenes.events(uow_factory, scene, "ReferralStatusChanged")

    notify(envelope)
    notify(envelope)

    notes = scenes.notifications(uow_factory, envelope)
    assert sorted((n.kind, n.coordinator_id, n.channel, n.address) for n in notes) == sorted(
        [
            ("case_accepted", None, "email", scenes.REPORTER_EMAIL),
            *(
                ("offer_withdrawn", c, channel, address)
                for c in (second, third)
                for channel, address in (
                    ("inapp", scenes.name_of(uow_factory, c)),
                    ("email", scenes.email_of(uow_factory, c)),
                )
            ),
        ]
    )
    assert all(n.state == "sent" for n in notes)
    mails = smtp.mailbox.for_tracking_code(scene.tracking_code)
    assert sorted(m["To"] for m in mails) == sorted(
        [scenes.REPORTER_EMAIL, *(scenes.email_of(uow_factory, c) for c in (second, third))]
    ), "the coordinator who took the task is not told what they did"

    [to_reporter] = [m for m in mails if m["To"] == scenes.REPORTER_EMAIL]
    text = scenes.text_of(to_reporter)
    assert "diterima oleh Taruna Siaga Bencana." in text
    assert scene.tracking_code in text
    for hidden in (
        scenes.NIK,
        scenes.BENEFICIARY,
        "Aminah",
        "Andi Mappatoba",
        scenes.email_of(uow_factory, taker),
        "+6281234567890",
    ):
        assert hidden not in text, f"the reporter's mail shows {hidden!r}"
