"""A spreadsheet of referrals (bulk intake) and each of its rows' outcome
(services/intake/imports). A row's cells are kept encrypted, under the same key ring as
the NIK, only while they are needed: until the row is stored as a case, or, for a row
that failed, for its uploader to download, fix and send again."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.identity.column import EncryptedJson
from shared.models.base import Base, UTCDateTime, new_id, utcnow


class Import(Base):
    """One uploaded file. `status`: queued, running, done or failed (the whole file could
    not be worked, `problem` says why). The uploader is the reporter of every case."""

    __tablename__ = "imports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    file_hash: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the bytes
    filename: Mapped[str] = mapped_column(String(200))
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    # The file's header as written, in order: the failed rows go back in the same columns.
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[str] = mapped_column(String(160), index=True)  # actor label
    uploader_name: Mapped[str] = mapped_column(String(160))
    uploader_user: Mapped[str] = mapped_column(String(80), default="")
    jurisdiction: Mapped[str] = mapped_column(String(16), default="")
    correlation_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problem: Mapped[str | None] = mapped_column(String(400))


class ImportRow(Base):
    """One data row, numbered as a spreadsheet shows it (the header is row 1). `status`:
    pending, created (a new case), already_imported (this file's row was stored by an
    earlier upload) or failed (`errors`: [{"field", "column", "msg"}], nothing stored)."""

    __tablename__ = "import_rows"
    __table_args__ = (Index("ix_import_rows_import_id_status", "import_id", "status"),)

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id"), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    cells: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJson)
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    tracking_code: Mapped[str | None] = mapped_column(String(32))
    # The case was stored with possible duplicates (in this file or among open cases).
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
