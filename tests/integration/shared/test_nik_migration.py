"""Migration 0007 encrypts the NIKs a database already holds and drops the plaintext."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from shared.db import make_engine, uow_factory_for
from shared.migrate import upgrade
from shared.models import Case
from tests.support.servers import database_url

NIK = "3508014207510003"


def test_stored_niks_are_encrypted_and_the_plaintext_column_is_gone(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with database_url(tmp_path_factory.mktemp("nik"), name="nik") as url:
        upgrade(url, "0006_region_upgrade")
        engine = make_engine(url)
        case_id = uuid.uuid4()
        now = datetime(2026, 11, 1, tzinfo=UTC)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO categories VALUES ('LUT', 'Lansia', 'Elderly', false)"))
            conn.execute(
                text(
                    "INSERT INTO regions (code, name, level)"
                    " VALUES ('35', 'Jawa Timur', 'province')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO cases (id, tracking_code, status, category_code, village_code,"
                    " urgency, description, needs, beneficiary_name, beneficiary_nik,"
                    " reporter_name, reported_by, legal_basis, correlation_id, created_at,"
                    " updated_at) VALUES (:id, 'SKB-OLD-1', 'received', 'LUT', '35', 'high',"
                    " 'x', '[]', 'Mbah Sarmi', :nik, 'Sri', 'sri', 'vital_interest', 'c',"
                    " :now, :now)"
                ),
                {"id": case_id.hex if engine.dialect.name == "sqlite" else case_id, "nik": NIK,
                 "now": now},
            )  # fmt: skip
        upgrade(url)
        with engine.connect() as conn:
            columns = list(conn.execute(text("SELECT * FROM cases")).keys())
            stored = str(conn.execute(text("SELECT * FROM cases")).one())
        engine.dispose()
        assert "beneficiary_nik" not in columns and "beneficiary_nik_enc" in columns
        assert NIK not in stored and "v1.t2." in stored
        with uow_factory_for(url)() as uow:
            assert uow.session.get(Case, case_id).beneficiary_nik == NIK
