"""The case worker who sent the case hears, by e-mail, when a pillar takes a task and when
the case is resolved; never a coordinator's contact, never the NIK or the full name."""

from __future__ import annotations

from shared.db import UowFactory
from shared.domain.lifecycle import Action, Outcome, Reason
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import Notify

VILLAGE = "75.01.01.1001"  # Kayubulan, Kabupaten Gorontalo


def test_the_reporter_hears_that_a_unit_accepted_by_the_units_name(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    unit = scenes.coordinator(
        uow_factory, pillar="LKS", region="75.01", kind="unit", name="UPT Panti Werdha Gorontalo"
    )
    scene = scenes.open_case(uow_factory, village=VILLAGE, pillar="LKS", assigned_to=unit)
    scenes.act(uow_factory, scene.referral_id, by=unit, action=Action.ACCEPT)
    [envelope] = scenes.events(uow_factory, scene, "ReferralStatusChanged")

    notify(envelope)
    notify(envelope)

    [note] = scenes.notifications(uow_factory, envelope)
    assert (note.kind, note.channel, note.address, note.coordinator_id, note.state) == (
        "case_accepted",
        "email",
        scenes.REPORTER_EMAIL,
        None,
        "sent",
    )
    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    text = scenes.text_of(mail)
    assert "Lembaga Kesejahteraan Sosial (UPT Panti Werdha Gorontalo)" in text
    assert mail["Content-Language"] == "id"
    for hidden in (scenes.NIK, scenes.BENEFICIARY, scenes.REPORTER, "+62"):
        assert hidden not in text


def test_a_declined_task_is_not_news_to_the_reporter(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="75.01.01")
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    scenes.act(
        uow_factory, scene.referral_id, by=tksk, action=Action.REJECT, reason=Reason.NO_CAPACITY
    )
    [envelope] = scenes.events(uow_factory, scene, "ReferralStatusChanged")

    notify(envelope)

    assert scenes.notifications(uow_factory, envelope) == []
    assert smtp.mailbox.for_tracking_code(scene.tracking_code) == []


def test_a_reporter_without_an_email_address_is_not_told(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="75.01.01")
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk, reporter_email=None)
    scenes.act(uow_factory, scene.referral_id, by=tksk, action=Action.ACCEPT)
    [envelope] = scenes.events(uow_factory, scene, "ReferralStatusChanged")

    notify(envelope)

    assert scenes.notifications(uow_factory, envelope) == []
    assert smtp.mailbox.for_tracking_code(scene.tracking_code) == []


def test_a_resolved_case_tells_the_reporter_its_outcome_in_words_once(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="75.01.01")
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    scenes.act(uow_factory, scene.referral_id, by=tksk, action=Action.ACCEPT)
    scenes.act(
        uow_factory,
        scene.referral_id,
        by=tksk,
        action=Action.COMPLETE,
        outcome=Outcome.ENROLLED_IN_PROGRAMME,
    )
    [envelope] = scenes.events(uow_factory, scene, "CaseClosed")

    notify(envelope)
    notify(envelope)

    [note] = scenes.notifications(uow_factory, envelope)
    assert (note.kind, note.channel, note.referral_id, note.state) == (
        "case_resolved",
        "email",
        None,
        "sent",
    )
    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    assert mail["To"] == scenes.REPORTER_EMAIL
    assert scenes.subject_of(mail) == f"[Sekber] Kasus {scene.tracking_code} selesai"
    text = scenes.text_of(mail)
    assert "  - terdaftar dalam program bantuan\n" in text
    assert "S.A.R." in text, "the reporter may see the initials of the person they reported"
    for hidden in (scenes.NIK, scenes.BENEFICIARY, scenes.email_of(uow_factory, tksk)):
        assert hidden not in text

    sent = [e for e in scenes.timeline(uow_factory, scene) if e.data.get("kind") == "case_resolved"]
    assert [(e.kind, e.data["channel"]) for e in sent] == [("notification_sent", "email")]
