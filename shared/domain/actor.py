"""Who acts: a person in a role, a coordinator's directory entry, or the system itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.domain import regions


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts. `kind` is the role: case_worker, coordinator, supervisor, admin, csr or
    system. `jurisdiction` is a region code (the actor sees that region and below; empty
    means national). A coordinator's `id` is its directory entry; `unit` is the directory
    unit it also acts for. `user` is the account's username (empty for the system)."""

    kind: str
    id: str
    name: str
    jurisdiction: str = ""
    unit: str = ""
    user: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def coordinator_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.id) if self.kind == "coordinator" else None

    @property
    def unit_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.unit) if self.kind == "coordinator" and self.unit else None

    def acts_for(self, coordinator_id: uuid.UUID | None) -> bool:
        """Whether a task held by this directory entry is this coordinator's own or their
        unit's."""
        return coordinator_id is not None and coordinator_id in (
            self.coordinator_id,
            self.unit_id,
        )

    def oversees(self, village_code: str) -> bool:
        """Whether a place lies within this actor's jurisdiction."""
        return not self.jurisdiction or regions.is_within(village_code, self.jurisdiction)


SYSTEM = Actor("system", "sekber", "Sekber")
