"""Deadline reminders go to whoever holds the task, in Western Indonesian Time; escalations
go to the supervisors of the region in their inbox and to the reporter by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from shared.db import UowFactory
from shared.events import ReferralDeadlineApproaching, ReferralEscalated
from shared.models import ReferralOffer
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import Notify

VILLAGE = "74.01.01.1002"  # Wundulako, Kabupaten Kolaka
DUE = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def reminder(scene: scenes.Scene, step: str = "accept") -> ReferralDeadlineApproaching:
    return ReferralDeadlineApproaching(
        case_id=scene.case_id, referral_id=scene.referral_id, step=step, due_at=DUE
    )


def test_a_reminder_tells_the_assigned_coordinator_the_due_time_in_their_language(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="74.01.01", language="en")
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    envelope = scenes.wrap(scene, reminder(scene, step="first_contact"))

    notify(envelope)
    notify(envelope)

    notes = scenes.notifications(uow_factory, envelope)
    assert sorted((n.kind, n.coordinator_id, n.channel, n.language) for n in notes) == [
        ("deadline_reminder", tksk, "email", "en"),
        ("deadline_reminder", tksk, "inapp", "en"),
    ]
    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    text = scenes.text_of(mail)
    assert f"Deadline reminder {scene.tracking_code}: first contact with the person" in text
    assert "is near: Friday, 27 Nov 2026 17:00 WIB." in text
    assert "S.A.R." in text and scenes.BENEFICIARY not in text and scenes.NIK not in text


def test_a_reminder_of_an_unanswered_offer_goes_to_everyone_it_is_still_offered_to(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    waiting, withdrawn = (
        scenes.coordinator(uow_factory, pillar="TAGANA", region="74.01") for _ in range(2)
    )
    scene = scenes.open_case(
        uow_factory,
        village=VILLAGE,
        pillar="TAGANA",
        category="KBA",
        urgency="emergency",
        offered_to=(waiting, withdrawn),
    )
    with uow_factory() as uow:
        uow.session.execute(
            update(ReferralOffer)
            .where(ReferralOffer.coordinator_id == withdrawn)
            .values(state="withdrawn")
        )
        uow.commit()
    envelope = scenes.wrap(scene, reminder(scene))

    notify(envelope)

    notes = scenes.notifications(uow_factory, envelope)
    assert {n.coordinator_id for n in notes} == {waiting}
    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    assert mail["To"] == scenes.email_of(uow_factory, waiting)
    assert "segera berakhir: Jumat, 27 Nov 2026 17:00 WIB." in scenes.text_of(mail)


def test_a_csr_partner_is_reminded_without_even_the_persons_initials(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    csr = scenes.coordinator(uow_factory, pillar="CSR", region="74")
    scene = scenes.open_case(uow_factory, village=VILLAGE, pillar="CSR", assigned_to=csr)

    notify(scenes.wrap(scene, reminder(scene, step="resolve")))

    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    text = scenes.text_of(mail)
    assert "Penerima   : -\n" in text
    for hidden in ("S.A.R.", scenes.BENEFICIARY, "Aminah", scenes.NIK):
        assert hidden not in text
    assert "Wundulako" in text, "the partner still learns where the need is"


def test_an_escalation_reaches_the_regions_supervisors_in_app_and_the_reporter_by_email(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="74.01.01")
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    envelope = scenes.wrap(
        scene,
        ReferralEscalated(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            step="accept",
            level=1,
            region_code="74.01",
        ),
    )

    notify(envelope)
    notify(envelope)

    notes = scenes.notifications(uow_factory, envelope)
    assert sorted((n.kind, n.channel, n.address, n.coordinator_id) for n in notes) == [
        ("referral_escalated", "email", scenes.REPORTER_EMAIL, None),
        ("referral_escalated", "inapp", "supervisors:74.01", None),
    ]
    inbox = next(n for n in notes if n.channel == "inapp")
    assert inbox.subject == (
        f"[Sekber] Eskalasi tingkat 1: kasus {scene.tracking_code} "
        "(Tenaga Kesejahteraan Sosial Kecamatan)"
    )
    assert "dieskalasikan ke Sekber Kabupaten Kolaka" in inbox.body
    [mail] = smtp.mailbox.for_tracking_code(scene.tracking_code)
    text = scenes.text_of(mail)
    assert f"Kasus {scene.tracking_code} kini dipantau Sekber Kabupaten Kolaka" in text
    for hidden in (scenes.NIK, scenes.BENEFICIARY, scenes.email_of(uow_factory, tksk), "+62"):
        assert hidden not in text

    kinds = [
        (e.kind, e.data["channel"])
        for e in scenes.timeline(uow_factory, scene)
        if e.data.get("kind") == "referral_escalated"
    ]
    assert sorted(kinds) == [("notification_delivered", "inapp"), ("notification_sent", "email")]


def test_a_second_escalation_goes_to_the_province(
    uow_factory: UowFactory, smtp: SmtpServer, notify: Notify
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="74.01.01")
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk, reporter_email=None)
    envelope = scenes.wrap(
        scene,
        ReferralEscalated(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            step="resolve",
            level=2,
            region_code="74",
        ),
    )

    notify(envelope)

    [note] = scenes.notifications(uow_factory, envelope)
    assert (note.channel, note.address) == ("inapp", "supervisors:74")
    assert "dieskalasikan ke Sekber Provinsi Sulawesi Tenggara" in note.body
    assert smtp.mailbox.for_tracking_code(scene.tracking_code) == []
