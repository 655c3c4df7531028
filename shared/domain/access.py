"""Roles, and what each may see of a case: least privilege as data (UU 27/2022).

A person's identity (name, full NIK, birth date, contact) is shown only to whom the
service needs it: all of it to the coordinator who holds the task, the name and the
reporter's contact to the case worker who reported it. Supervisors track how cases are
resolved, so they see initials and a masked NIK. CSR partners see needs with no identity
at all. The table in docs/security.md says the same, and test_privacy.py holds the two
together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CASE_WORKER = "case_worker"
    COORDINATOR = "coordinator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    CSR = "csr"


ROLES = tuple(r.value for r in Role)


class Relation(StrEnum):
    """How the actor stands to one case; decides what of it they may see."""

    ASSIGNEE = "assignee"  # holds (or is offered) a task of the case, or its unit does
    REPORTER = "reporter"  # sent the referral
    OVERSIGHT = "oversight"  # the case lies in their jurisdiction
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Disclosure:
    full_name: bool
    full_nik: bool
    birth_date: bool
    contact: bool
    description: bool


FULL = Disclosure(True, True, True, True, True)
_NOTHING = Disclosure(False, False, False, False, False)
_SERVICE = Disclosure(True, True, True, True, True)
_REPORTED = Disclosure(True, False, False, True, True)
_TRACKING = Disclosure(False, False, False, False, True)


def disclosure(role: str, relation: Relation, *, pillar_sees_identity: bool = True) -> Disclosure:
    """What of a person `role` sees on a case it stands to as `relation`; an assignee of a
    pillar that works without identities (CSR) sees what a supervisor sees."""
    if relation is Relation.ASSIGNEE and role == Role.COORDINATOR:
        return _SERVICE if pillar_sees_identity else _TRACKING
    if relation is Relation.REPORTER and role == Role.CASE_WORKER:
        return _REPORTED
    if relation is Relation.OVERSIGHT and role in (Role.SUPERVISOR, Role.ADMIN):
        return _TRACKING
    return _NOTHING
