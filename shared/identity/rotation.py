"""Re-encrypt every stored NIK under the key ring's current key, and its blind index with
it (`sekber keys rotate-data-key`), and the cells an import still keeps, in batches of
short transactions; rows already under the current key are left alone, so it can be
stopped and run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, bindparam, column, func, select, table

from shared.db import UowFactory
from shared.identity import keyring

# The raw columns, past the model's transparent encryption.
_cases = table(
    "cases",
    column("id"),
    column("beneficiary_nik_enc", String),
    column("beneficiary_nik_index", String),
)

_import_rows = table("import_rows", column("import_id"), column("row"), column("cells", String))


@dataclass(frozen=True, slots=True)
class Rotated:
    rotated: int
    key_id: str
    left: int


def rotate(uow_factory: UowFactory, *, batch: int = 500) -> Rotated:
    ring = keyring.active()
    current = f"{keyring.VERSION}.{ring.current.id}.%"
    stale = select(_cases.c.id, _cases.c.beneficiary_nik_enc).where(
        _cases.c.beneficiary_nik_enc.is_not(None), ~_cases.c.beneficiary_nik_enc.like(current)
    )
    done = 0
    while True:
        with uow_factory() as uow:
            rows = uow.session.execute(stale.limit(batch)).all()
            if not rows:
                break
            changes = []
            for row_id, stored in rows:
                nik = ring.decrypt(stored)
                changes.append({"row_id": row_id, "enc": ring.encrypt(nik), "idx": ring.index(nik)})
            uow.session.execute(
                _cases.update()
                .where(_cases.c.id == bindparam("row_id"))
                .values(
                    beneficiary_nik_enc=bindparam("enc"), beneficiary_nik_index=bindparam("idx")
                ),
                changes,
            )
            uow.commit()
            done += len(rows)
    done += _rotate_cells(uow_factory, ring, current, batch)
    stale_cells = select(_import_rows.c.row).where(
        _import_rows.c.cells.is_not(None), ~_import_rows.c.cells.like(current)
    )
    with uow_factory() as uow:
        left = uow.session.scalar(select(func.count()).select_from(stale.subquery())) or 0
        left += uow.session.scalar(select(func.count()).select_from(stale_cells.subquery())) or 0
    return Rotated(done, ring.current.id, left)


def _rotate_cells(uow_factory: UowFactory, ring: keyring.KeyRing, current: str, batch: int) -> int:
    """The cells of import rows not yet stored as cases (or failed, kept for the uploader)."""
    t = _import_rows.c
    stale = select(t.import_id, t.row, t.cells).where(t.cells.is_not(None), ~t.cells.like(current))
    done = 0
    while True:
        with uow_factory() as uow:
            rows = uow.session.execute(stale.limit(batch)).all()
            if not rows:
                return done
            uow.session.execute(
                _import_rows.update()
                .where(t.import_id == bindparam("iid"), t.row == bindparam("rno"))
                .values(cells=bindparam("enc")),
                [
                    {"iid": iid, "rno": rno, "enc": ring.encrypt(ring.decrypt(stored))}
                    for iid, rno, stored in rows
                ],
            )
            uow.commit()
            done += len(rows)
