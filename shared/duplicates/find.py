"""The duplicate check every referral passes, whatever path it came by (the API, the web
form, and any later import, sync or SMS intake: they all store through
services/intake/referrals/service.py, which calls `record`).

A referral may be the same person as an open case (received or open, not merged):
- `nik`: the same NIK, found by its blind index (under every key of the ring);
- `name_birth_place`: a name scoring at least the threshold (shared/identity/names.py), in
  the same kecamatan (Sekber has no map of which villages touch, so the kecamatan stands
  for "the same or a neighbouring village"), when nothing else says they are two people
  (shared/domain/persons.py): the same birth date (a NIK's counts); with one unknown, the
  same age band; with no band either, the same village.
Two different NIKs, or two different birth dates, are two people whatever the names.

Candidates come from indexes only: the blind index, the birth date, and case_name_keys
(kecamatan, sound key of a name word). bench/duplicate_check.py times it at 1M cases.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Row,
    Select,
    String,
    Uuid,
    and_,
    bindparam,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from shared.domain import names, persons
from shared.domain.lifecycle import CaseStatus
from shared.identity import column, keyring
from shared.identity.names import similarity_of
from shared.models import Case, CaseNameKey, PossibleDuplicate
from shared.models.base import utcnow

DEFAULT_THRESHOLD = 0.85
OPEN = (CaseStatus.RECEIVED.value, CaseStatus.OPEN.value)
# At most this many flags on one referral, the best-scoring ones.
MAX_FOUND = 5
# At most this many candidates of each look-up are scored.
CANDIDATES = 200


Match = Literal["nik", "name_birth_place"]


@dataclass(frozen=True, slots=True)
class Probe:
    """The person a referral names, and where."""

    name: str
    village_code: str
    nik: str | None = None
    birth_date: date | None = None
    category: str | None = None
    exclude: uuid.UUID | None = None  # the referral's own case, once stored
    # Cases stored in the same batch after this one (an import's rows): not yet "there".
    later: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class Found:
    case_id: uuid.UUID
    tracking_code: str
    match: Match
    score: float


def _revealed(stored: str | None) -> str | None:
    return keyring.active().decrypt(stored) if stored else None


def area_of(village_code: str) -> str:
    """The kecamatan code PP.KK.CC of a village PP.KK.CC.DDDD."""
    return village_code[:8]


def find(
    session: Session, probe: Probe, *, threshold: float, today: date, write_keys: bool = False
) -> list[Found]:
    """Open cases that may be the person of `probe`, best first (one round trip; with
    `write_keys`, on PostgreSQL, the same statement writes the probe's case's name keys)."""
    indexes = column.lookup(probe.nik) if probe.nik else []
    mine = persons.seen(
        birth_date=probe.birth_date,
        nik_value=probe.nik,
        category=probe.category,
        village=probe.village_code,
        today=today,
    )
    rows = _candidates(session.connection(), probe, indexes, mine.birth, write_keys)
    found = {r.id: Found(r.id, r.tracking_code, "nik", 1.0) for r in rows if r.via == "nik"}
    wanted = names.parse(probe.name)
    if probe.later:
        rows = [r for r in rows if r.id not in probe.later]
        found = {i: f for i, f in found.items() if i not in probe.later}
    for row in rows:
        if row.id in found:
            continue
        if indexes and row.beneficiary_nik_index and row.beneficiary_nik_index not in indexes:
            continue  # two NIKs: two people
        theirs = persons.seen(
            birth_date=row.beneficiary_birth_date,
            # Decrypted only when its birth date is wanted: not for a candidate skipped
            # above nor for one with a birth date of its own.
            nik_value=None if row.beneficiary_birth_date else _revealed(row.beneficiary_nik),
            category=row.category_code,
            village=row.village_code,
            today=today,
        )
        if not persons.may_be_one(mine, theirs):
            continue
        score = similarity_of(wanted, names.parse(row.beneficiary_name))
        if score >= threshold:
            found[row.id] = Found(row.id, row.tracking_code, "name_birth_place", score)
    best = sorted(found.values(), key=lambda f: (-f.score, f.tracking_code))
    return best[:MAX_FOUND]


# The look-ups, built once as Core statements (no ORM row handling: they run on every
# referral, and the ORM's per-statement work cost more than the queries themselves).
_cases = Case.__table__.c
_keys = CaseNameKey.__table__.c
NOBODY = uuid.UUID(int=0)
_OPEN_ROWS = and_(
    _cases.status.in_(OPEN),
    _cases.merged_into_id.is_(None),
    _cases.id != bindparam("exclude", type_=Uuid()),
)
# One candidate row: id, tracking code, name, birth date, NIK (decrypted), its blind index,
# category, village; and which look-up found it (via: nik, day or name).
_CANDIDATE = (
    _cases.id,
    _cases.tracking_code,
    _cases.beneficiary_name,
    _cases.beneficiary_birth_date,
    # As stored (ciphertext): a look-up brings back up to CANDIDATES rows, most of them
    # set aside before their NIK is wanted.
    type_coerce(_cases.beneficiary_nik_enc, String()).label("beneficiary_nik"),
    _cases.beneficiary_nik_index,
    _cases.category_code,
    _cases.village_code,
)
Candidate = Row[uuid.UUID, str, str, date | None, str | None, str | None, str, str, str]
# Sharing two of the name's sound keys in the kecamatan (one, for a one-word name): a single
# common word (Siti, Muhammad) names half a kecamatan.
_SHARING = (
    select(_keys.case_id)
    .where(_keys.area == bindparam("area"), _keys.key.in_(bindparam("keys", expanding=True)))
    .group_by(_keys.case_id)
    .having(func.count() >= bindparam("need"))
)


@cache
def _look_up(
    by_nik: bool, dated: bool, named: bool, write_keys: bool
) -> Select[Any] | CompoundSelect[Any]:
    """One statement for the look-ups a probe needs (a UNION ALL: one round trip; an OR of
    them would let the planner scan the table), each row saying which found it ("via").
    `write_keys` (PostgreSQL only) adds the case's name keys in a data-modifying WITH: the
    look-up cannot see them (one snapshot), and no second round trip is needed."""
    members: list[Select[Any]] = []
    if by_nik:  # anywhere: the same NIK is the same person
        members.append(
            select(*_CANDIDATE, literal("nik").label("via")).where(
                _OPEN_ROWS, _cases.beneficiary_nik_index.in_(bindparam("indexes", expanding=True))
            )
        )
    if dated:  # born that day in the kecamatan (its villages: a range of the code)
        members.append(
            select(*_CANDIDATE, literal("day").label("via")).where(
                _OPEN_ROWS,
                _cases.beneficiary_birth_date == bindparam("birth"),
                _cases.village_code > bindparam("low"),
                _cases.village_code < bindparam("high"),
            )
        )
    if named:  # sharing the name's keys; with a birth date, only cases without one
        keyed = select(*_CANDIDATE, literal("name").label("via")).where(
            _cases.id.in_(_SHARING), _OPEN_ROWS
        )
        members.append(keyed.where(_cases.beneficiary_birth_date.is_(None)) if dated else keyed)
    if by_nik:
        # A probe with a NIK: a case with another NIK is another person, and one with the
        # same NIK is found by the first member; the others only bring cases without one.
        members[1:] = [m.where(_cases.beneficiary_nik_index.is_(None)) for m in members[1:]]
    statement = members[0] if len(members) == 1 else union_all(*members)
    statement = statement.limit(CANDIDATES)
    if write_keys:
        rows = select(
            bindparam("area", type_=String()),
            func.unnest(bindparam("new_keys", type_=postgresql.ARRAY(String()))),
            bindparam("exclude", type_=Uuid()),
        )
        written = insert(CaseNameKey).from_select(["area", "key", "case_id"], rows)
        statement = statement.add_cte(written.cte("written_keys"))
    return statement


def _candidates(
    connection: Connection,
    probe: Probe,
    indexes: list[str],
    birth: date | None,
    write_keys: bool,
) -> list[Candidate]:
    area = area_of(probe.village_code)
    keys = sorted(names.word_keys(probe.name))
    if not (indexes or birth or keys):
        return []
    params: dict[str, Any] = {"exclude": probe.exclude or NOBODY}
    if indexes:
        params["indexes"] = indexes
    if birth is not None:
        params |= {"birth": birth, "low": area + ".", "high": area + "/"}
    if keys:
        params |= {"area": area, "keys": keys, "need": min(2, len(keys))}
    write = write_keys and bool(keys)
    if write:
        params["new_keys"] = [k[:24] for k in keys]
    statement = _look_up(bool(indexes), birth is not None, bool(keys), write)
    return list(connection.execute(statement, params))


def index_name(session: Session, case: Case) -> None:
    """Write the sound keys of the case's beneficiary name (the case is flushed)."""
    area = area_of(case.village_code)
    rows = [{"area": area, "key": key[:24], "case_id": case.id}
            for key in sorted(names.word_keys(case.beneficiary_name))]  # fmt: skip
    if rows:
        session.connection().execute(insert(CaseNameKey), rows)


def record(
    session: Session,
    case: Case,
    *,
    threshold: float,
    today: date,
    later: frozenset[uuid.UUID] = frozenset(),
    locked: bool = False,
) -> list[Found]:
    """Check a case just stored (flushed) and write what it may duplicate, in the caller's
    transaction: its name keys and its flags, as Core inserts (the flags are read back by
    `standing`; the timelines stay for what people did: a dismissal, a merge). `later`:
    the cases of the same batch stored after this one, which it does not see; `locked`:
    the batch took its locks already (`lock_people`)."""
    probe = Probe(
        name=case.beneficiary_name,
        village_code=case.village_code,
        nik=case.beneficiary_nik,
        birth_date=case.beneficiary_birth_date,
        category=case.category_code,
        exclude=case.id,
        later=later,
    )
    # PostgreSQL writes the keys in the look-up's own statement; others after it.
    one_trip = session.connection().dialect.name == "postgresql"
    if one_trip and not locked:
        _wait_for_the_same_person(session, probe)
    found = find(session, probe, threshold=threshold, today=today, write_keys=one_trip)
    if not one_trip:
        index_name(session, case)
    if found:
        session.connection().execute(
            insert(PossibleDuplicate),
            [{"case_id": case.id, "other_id": f.case_id, "match": f.match, "score": f.score,
              "found_at": utcnow()} for f in found],
        )  # fmt: skip
    return found


_LOCK = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")


def _wait_for_the_same_person(session: Session, probe: Probe) -> None:
    """Two referrals of one person stored at once would not see each other (each looks
    before the other commits). On PostgreSQL each takes a transaction lock on its kecamatan
    and on its NIK (in one order: no deadlock), so the later one waits for the earlier to
    commit and its look-up, a new statement with a new snapshot, sees it. SQLite needs
    none: its one writer at a time holds the database from the case's insert on."""
    session.connection().execute(_LOCK, {"keys": _lock_keys([probe])})


def lock_people(session: Session, cases: list[Case]) -> None:
    """The locks of `record` for a batch of cases at once (one statement, one order);
    then `record(..., locked=True)` for each."""
    if session.connection().dialect.name != "postgresql" or not cases:
        return
    probes = [Probe(name="", village_code=c.village_code, nik=c.beneficiary_nik) for c in cases]
    session.connection().execute(_LOCK, {"keys": _lock_keys(probes)})


def _lock_keys(probes: list[Probe]) -> list[int]:
    names_: set[str] = set()
    for probe in probes:
        names_.add(f"sekber.duplicates.area:{area_of(probe.village_code)}")
        if probe.nik:
            names_.add(f"sekber.duplicates.nik:{column.blind_index(probe.nik)}")
    return sorted(
        int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "big", signed=True)
        for n in names_
    )


def standing(session: Session, case_id: uuid.UUID) -> list[Found]:
    """The flags on a case still standing (neither dismissed nor merged), both ways."""
    pairs = (
        session.execute(
            select(PossibleDuplicate).where(
                or_(PossibleDuplicate.case_id == case_id, PossibleDuplicate.other_id == case_id),
                PossibleDuplicate.resolution.is_(None),
            )
        )
        .scalars()
        .all()
    )
    others = {p.other_id if p.case_id == case_id else p.case_id: p for p in pairs}
    if not others:
        return []
    codes = tracking_codes(session, others)
    flags = [Found(o, codes[o], _match(p.match), p.score) for o, p in others.items()]
    return sorted(flags, key=lambda f: (-f.score, f.tracking_code))


def tracking_codes(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The tracking codes of these cases, whoever reads: a code is no personal data, and a
    reader restricted to some cases (services/intake/access/scope.py filters ORM reads of
    Case) still learns which case theirs may duplicate or was merged with."""
    table = Case.__table__
    rows = session.execute(
        select(table.c.id, table.c.tracking_code).where(table.c.id.in_(list(ids)))
    )
    return {case_id: code for case_id, code in rows}


def _match(stored: str) -> Match:
    return "nik" if stored == "nik" else "name_birth_place"
