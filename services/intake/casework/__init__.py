"""Working a task: the coordinator's inbox (API, page and live stream), the actions, notes
and onward referrals, the case page, and the signed action links from messages."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, CO, CW, PUBLIC, SV, allow
from services.intake.casework import (
    act_routes,
    case_page,
    errors,
    inbox_page,
    inbox_routes,
    merge_pages,
    routes,
    stream,
)

RULES = {
    f"GET {API}/inbox": allow(CO, audit="referral"),
    f"GET {API}/inbox/stream": allow(CO, SV),
    f"POST {API}/referrals/{{referral_id}}/actions/{{action}}": allow(CW, CO, SV, audit="referral"),
    f"POST {API}/referrals/{{referral_id}}/notes": allow(CW, CO, SV, audit="referral"),
    f"POST {API}/referrals/{{referral_id}}/onward": allow(CO, audit="referral"),
    # The signed link in a coordinator's message is its own credential.
    "GET /aksi/{token}": PUBLIC,
    "POST /aksi/{token}": PUBLIC,
    f"GET {API}/act/{{token}}": PUBLIC,
    f"POST {API}/act/{{token}}": PUBLIC,
    "GET /kasus/{case_id}": allow(CW, CO, SV, AD, page=True, audit="case"),
    "POST /kasus/{case_id}/tugas/{referral_id}/{action}": allow(
        CW, CO, SV, page=True, audit="referral"
    ),
    # A supervisor's duplicate forms on the case page.
    "POST /kasus/{case_id}/gabung": allow(SV, page=True, audit="case"),
    "POST /kasus/{case_id}/gabung/batal": allow(SV, page=True, audit="case"),
    "POST /kasus/{case_id}/duplikat/bukan": allow(SV, page=True, audit="case"),
    "GET /kotak-masuk": allow(CO, page=True, audit="referral"),
    "GET /kotak-masuk/daftar": allow(CO, page=True, audit="referral"),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules and the answers to its refusals."""
    for router in (inbox_routes.router, routes.router, act_routes.legacy, stream.router):
        policy.include(app, router, prefix=API, rules=RULES)
    for router in (case_page.router, merge_pages.router, inbox_page.router, act_routes.router):
        policy.include(app, router, rules=RULES)
    errors.install(app)
