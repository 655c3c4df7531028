"""How tests say who acts: every test builds its credentials here, so that the way the
API authenticates is known in one place."""

from __future__ import annotations

ACTOR_HEADER = "X-Sekber-Actor"
ACTOR_NAME_HEADER = "X-Sekber-Actor-Name"


def headers_for(kind: str, ident: str, name: str = "", *, jurisdiction: str = "") -> dict[str, str]:
    """Request headers that authenticate as `kind` (case_worker, coordinator, supervisor,
    admin, csr) with the given id; a supervisor's or admin's jurisdiction is national
    unless given (a region code: that region and below)."""
    headers = {ACTOR_HEADER: f"{kind}:{ident}"}
    if name:
        headers[ACTOR_NAME_HEADER] = name
    return headers
