"""The NIK at rest (issue 21, part 1): what the database holds is ciphertext and an HMAC,
never the NIK or its bare SHA-256; every reader sees it as before; the key rotates."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url, text

from shared.db import UowFactory
from shared.identity import keyring, rotation
from shared.models import Case
from tests.integration.intake.conftest import ADMIN, referral
from tests.support.auth import DATA_KEY

NIK = "3508014207510003"


def _raw_rows(uow_factory: UowFactory, case_id: str) -> str:
    with uow_factory() as uow:
        bind = uow.session.get_bind()
        if bind.dialect.name == "postgresql":
            row = uow.session.execute(
                text("SELECT c::text FROM cases c WHERE id = :id"), {"id": case_id}
            ).scalar_one()
        else:
            row = uow.session.execute(
                text("SELECT * FROM cases WHERE id = :id"), {"id": case_id.replace("-", "")}
            ).one()
        return str(row)


@pytest.fixture
def submitted(client: TestClient) -> str:
    body = referral()
    body["beneficiary"]["nik"] = NIK
    response = client.post("/api/v1/referrals", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


def test_the_database_holds_neither_the_nik_nor_its_bare_hash(
    client: TestClient, uow_factory: UowFactory, database_url: str, submitted: str
) -> None:
    digest = hashlib.sha256(NIK.encode()).hexdigest()
    stored = _raw_rows(uow_factory, submitted)
    assert "v1.t2." in stored  # AES-GCM under the current key
    assert NIK not in stored and digest not in stored and digest.upper() not in stored
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":  # the file and its write-ahead log, byte by byte
        for path in Path(url.database or "").parent.glob(Path(url.database or "").name + "*"):
            raw = path.read_bytes()
            assert NIK.encode() not in raw and digest.encode() not in raw, path

    # Every reader still gets it as its role allows: the reporting case worker masked as
    # before; the subject-access export finds the case by NIK and gives it in full.
    seen = client.get(f"/api/v1/cases/{submitted}").json()["beneficiary"]
    assert seen["nik_masked"] == "350801******0003"
    export = client.post(
        "/api/v1/admin/subject-access", json={"nik": NIK, "reference": "SAR-NIK"}, headers=ADMIN
    ).json()
    [case] = [c for c in export["cases"] if c["id"] == submitted]
    assert case["beneficiary"]["nik"] == NIK


@pytest.fixture
def ring_restored() -> Iterator[None]:
    yield
    keyring.configure(DATA_KEY)


@pytest.mark.usefixtures("ring_restored")
def test_a_new_key_takes_over_and_the_old_one_reads_until_the_rotation_is_done(
    client: TestClient, uow_factory: UowFactory, submitted: str
) -> None:
    new = keyring.new_entry("t3")
    keyring.configure(f"{new},{DATA_KEY}")
    with uow_factory() as uow:  # written under t2, read with t3 first in the ring
        assert uow.session.get(Case, uuid.UUID(submitted)).beneficiary_nik == NIK

    done = rotation.rotate(uow_factory)

    assert done.key_id == "t3" and done.rotated >= 1 and done.left == 0
    assert "v1.t3." in _raw_rows(uow_factory, submitted)
    assert rotation.rotate(uow_factory).rotated == 0  # again: nothing left to do
    keyring.configure(new)  # the old keys removed: still readable, and found by NIK
    export = client.post(
        "/api/v1/admin/subject-access", json={"nik": NIK, "reference": "SAR-ROT"}, headers=ADMIN
    ).json()
    assert submitted in [c["id"] for c in export["cases"]]
    # Back under the tests' key for the other tests of this database.
    keyring.configure(DATA_KEY)
    with pytest.raises(keyring.KeyRingError, match="t3"), uow_factory() as uow:
        uow.session.get(Case, uuid.UUID(submitted))
    keyring.configure(f"{DATA_KEY},{new}")
    assert rotation.rotate(uow_factory).key_id == "t2"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "not set"),
        ("change-me-in-production", "placeholder"),
        ("k1", "not ID:KEY"),
        ("k1:abc", "not 32 bytes"),
        ("k1:" + "A" * 43 + ",k1:" + "B" * 43, "twice"),
    ],
)
def test_a_key_ring_that_cannot_be_used_is_refused(value: str, problem: str) -> None:
    with pytest.raises(keyring.KeyRingError, match=problem):
        keyring.parse(value)
