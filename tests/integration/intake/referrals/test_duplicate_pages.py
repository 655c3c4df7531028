"""The referral form warns of possible duplicates before sending, naming only their tracking
codes; "Kirim juga" sends it anyway."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from tests.integration.intake.referrals.test_web_pages import WORKER, form, submit
from tests.support.auth import headers_for

OTHER_WORKER = headers_for("case_worker", "rina@puskesos.example", "Rina")


def test_the_form_warns_before_sending_a_person_already_reported(client: TestClient) -> None:
    nik = f"350801420348{random.randint(1000, 9999)}"
    person = {
        "beneficiary_name": "Mbah Sarminah",
        "beneficiary_nik": nik,
        "description": "Tinggal sendiri di gubuk dekat sawah",
        "duplicate_seen": "",
    }
    first = submit(client, form(**person), headers=OTHER_WORKER)
    assert first.status_code == 303
    first_page = client.get(first.headers["location"], headers=OTHER_WORKER).text
    code = first_page.split('<span class="code">')[1].split("<")[0]

    warned = submit(
        client,
        form(
            **{
                **person,
                "beneficiary_name": "Bu Sarminah",
                "description": "Lansia sakit, butuh obat",
            }
        ),
    )
    assert warned.status_code == 200
    assert f"Kemungkinan sudah dilaporkan: {code}" in warned.text
    assert "Kirim juga" in warned.text and 'name="duplicate_seen" value="1"' in warned.text
    # Nothing of the other case beyond its code: not its description, not its reporter.
    assert "gubuk dekat sawah" not in warned.text and "Rina" not in warned.text
    assert "Lansia sakit, butuh obat" in warned.text  # what the worker typed is kept

    sent = submit(
        client,
        form(
            **{
                **person,
                "beneficiary_name": "Bu Sarminah",
                "description": "Lansia sakit, butuh obat",
                "duplicate_seen": "1",
            }
        ),
    )
    assert sent.status_code == 303
    page = client.get(sent.headers["location"], headers=WORKER).text
    assert "Kemungkinan duplikat" in page and code in page


def test_a_person_nobody_reported_is_sent_at_once(client: TestClient) -> None:
    nik = f"350801420348{random.randint(1000, 9999)}"
    sent = submit(
        client,
        form(
            beneficiary_name="Sukardi Wibowo",
            beneficiary_nik=nik,
            beneficiary_sex="M",
            duplicate_seen="",
        ),
    )
    assert sent.status_code == 303
