"""Cheat-sheet scenarios through the real processes and the East Java demo directory."""

from __future__ import annotations

import uuid
from collections import Counter
from email.message import Message
from typing import Any

from sqlalchemy import select

from shared.db import UowFactory
from shared.domain import regions
from shared.domain.tracking import initials
from shared.models import Coordinator, Referral, Region
from tests.e2e.stack import SmtpServer, Stack, wait_until

NAME = "Siti Aminah Rahayu"
NIK = "3508014203480001"
TIMEOUT = 60


def referral(category: str, village: str, **extra: Any) -> dict[str, Any]:
    return {
        "category": category,
        "village_code": village,
        "urgency": "high",
        "description": "Perlu asesmen dan pendampingan segera",
        "beneficiary": {"name": NAME, "nik": NIK, "sex": "F"},
        "reporter": {"name": "Sri Wahyuni", "organisation": "Puskesos Desa"},
        **extra,
    }


def villages_under(uow_factory: UowFactory, area: str) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Region.code)
                .where(Region.level == "village", Region.code.like(f"{area}.%"))
                .order_by(Region.code)
            )
        )


def coordinators_above(uow_factory: UowFactory, village: str, pillar: str) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Coordinator.name).where(
                    Coordinator.pillar_code == pillar,
                    Coordinator.region_code.in_(regions.ancestors(village)),
                )
            )
        )


def routed(stack: Stack, case_id: str, *, sent: dict[str, int]) -> dict[str, Any] | None:
    """The case once routed and its notifications sent, `sent` many per channel."""
    case = stack.case(case_id)
    if case["status"] != "open":
        return None
    counts = Counter(n["channel"] for n in case["notifications"] if n["state"] == "sent")
    return case if all(counts[ch] >= n for ch, n in sent.items()) else None


def text_of(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes), "a single-part text message"
    return payload.decode()


def by_pillar(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {r["pillar"]: r for r in case["referrals"]}
    assert len(found) == len(case["referrals"]), "a pillar is asked once per case"
    return found


def test_a_disaster_in_lumajang_reaches_the_lumajang_tagana(
    stack: Stack, uow_factory: UowFactory
) -> None:
    lumajang = villages_under(uow_factory, "35.08")
    village = lumajang[len(lumajang) // 2]
    submitted = stack.post_referral(referral("KBA", village, urgency="emergency"))

    case = wait_until(
        lambda: routed(stack, submitted["case_id"], sent={"inapp": 1, "email": 1}),
        timeout=TIMEOUT,
        what="the disaster case routed and notified",
    )
    [tagana] = case["referrals"]
    assert (tagana["pillar"], tagana["status"], tagana["matched_level"]) == (
        "TAGANA",
        "requested",
        "regency",
    )
    assert tagana["coordinator"]["name"] == "Tagana Kabupaten Lumajang"
    assert tagana["coordinator"]["region_code"] == "35.08"


def test_an_elderly_person_needing_a_panti_goes_to_the_provincial_elderly_unit(
    stack: Stack, uow_factory: UowFactory
) -> None:
    village = villages_under(uow_factory, "35.73")[0]  # Kota Malang
    body = referral("LUT", village, needs=["residential_care"])
    body["beneficiary"]["birth_date"] = "1948-03-02"
    submitted = stack.post_referral(body)

    case = wait_until(
        lambda: routed(stack, submitted["case_id"], sent={"inapp": 2}),
        timeout=TIMEOUT,
        what="the elderly case routed to two pillars",
    )
    referrals = by_pillar(case)
    assert set(referrals) == {"TKSK", "LKS"}
    tksk, lks = referrals["TKSK"], referrals["LKS"]
    assert (tksk["matched_level"], tksk["coordinator"]["region_code"]) == (
        "district",
        regions.parent(village),
    )
    assert lks["coordinator"]["name"] == "UPT Rehabilitasi Sosial Lanjut Usia Dinsos Jatim"
    assert (lks["matched_level"], lks["coordinator"]["region_code"]) == ("province", "35")

    with uow_factory() as uow:
        stored = uow.session.get_one(Referral, uuid.UUID(lks["id"]))
        assert (stored.care, stored.start_level) == ("residential", "province")
        assert uow.session.get_one(Referral, uuid.UUID(tksk["id"])).care == "community"


def test_a_case_nobody_serves_waits_for_the_supervisors(
    stack: Stack, uow_factory: UowFactory
) -> None:
    # The demo directory covers East Java only; a remote community in Bali has no PSM.
    village = next(
        v
        for v in villages_under(uow_factory, "51")
        if not coordinators_above(uow_factory, v, "PSM")
    )
    submitted = stack.post_referral(referral("KAT", village, urgency="normal"))

    case = wait_until(
        lambda: routed(stack, submitted["case_id"], sent={"inapp": 1}),
        timeout=TIMEOUT,
        what="the supervisors' notification",
    )
    [waiting] = case["referrals"]
    assert (waiting["pillar"], waiting["status"]) == ("PSM", "unassigned")
    assert waiting["coordinator"] is None and waiting["matched_level"] is None
    [note] = case["notifications"]
    assert (note["channel"], note["kind"], note["state"]) == (
        "inapp",
        "referral_unroutable",
        "sent",
    )
    kinds = [e["kind"] for e in case["timeline"]]
    assert "referral_unroutable" in kinds


def test_a_sick_destitute_person_gets_a_tksk_and_a_csr_that_never_sees_who_it_is(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory
) -> None:
    village = villages_under(uow_factory, "35.09")[3]  # Jember
    submitted = stack.post_referral(referral("FM", village, needs=["medical_costs"]))

    case = wait_until(
        lambda: routed(stack, submitted["case_id"], sent={"inapp": 2, "email": 2}),
        timeout=TIMEOUT,
        what="both referrals notified by e-mail",
    )
    referrals = by_pillar(case)
    assert set(referrals) == {"TKSK", "CSR"}
    assert all(r["status"] == "requested" for r in referrals.values())

    with uow_factory() as uow:
        addresses = {
            pillar: uow.session.get_one(Coordinator, uuid.UUID(r["coordinator"]["id"])).email
            for pillar, r in referrals.items()
        }
    mails = {m["To"]: m for m in smtp.mailbox.for_tracking_code(submitted["tracking_code"])}
    assert set(mails) == {addresses["TKSK"], addresses["CSR"]}
    body = {pillar: text_of(mails[address]) for pillar, address in addresses.items()}

    assert initials(NAME) == "S.A.R."
    assert "S.A.R." in body["TKSK"], "the TKSK sees the beneficiary by initials"
    for hidden in ("S.A.R.", NAME, "Aminah", NIK):
        assert hidden not in body["CSR"], f"the CSR mail shows {hidden!r}"
    assert case["place"]["village"] in body["CSR"], "the CSR still learns where the need is"
