"""Signed action links from a coordinator's message: look (GET), then act (POST).

Answers are HTML pages at /aksi/{token}, since a person follows the link in a browser:
400 for a link Sekber did not issue, 410 for one used or expired, 409 when the task moved
on. /api/v1/act/{token}, where earlier messages pointed, redirects there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, RedirectResponse

from services.intake.casework import action_links, action_pages
from services.intake.deps import BodyDep, DeadlinePolicyDep, NowDep, SettingsDep, UowFactoryDep
from services.intake.edge.textguard import GuardedRoute
from shared.casework import action_links as actionlinks
from shared.casework import workflow
from shared.domain.lifecycle import Reason

# The pages a person opens from a message: outside /api/v1, which answers JSON only.
router = APIRouter(route_class=GuardedRoute, prefix="/aksi", include_in_schema=False)
# Links sent before the pages moved to /aksi keep working until they expire.
legacy = APIRouter(route_class=GuardedRoute, prefix="/act", include_in_schema=False)

Token = Annotated[str, Path(max_length=200, description="The signed token from the message")]
# The token is a credential: never in a Referer header, a cache or a search index.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
_REFUSAL_STATUS: dict[type[Exception], int] = {
    actionlinks.ForgedLink: 400,
    actionlinks.ExpiredLink: 410,
    actionlinks.SpentLink: 410,
    action_links.TaskChanged: 409,
    workflow.NotFound: 404,
}


def form_reason(body: BodyDep) -> str | None:
    """The optional `reason` field of a form post (urlencoded, checked by the guard)."""
    values = parse_qs(body.decode("ascii", "replace")).get("reason")
    return values[0] if values and values[0] else None


def _decline_reason(value: str | None) -> Reason | None:
    if value is None:
        return None
    reason = next((r for r in action_pages.DECLINE_REASONS if r.value == value), None)
    if reason is None:
        raise ValueError(value)
    return reason


def _page(status: int, html: str) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def _answer(build: Callable[[], str]) -> HTMLResponse:
    try:
        return _page(200, build())
    except tuple(_REFUSAL_STATUS) as exc:
        status = _REFUSAL_STATUS[type(exc)]
        return _page(status, action_pages.refusal(status))


_PAGES: dict[int | str, dict[str, Any]] = {
    status: {"description": title, "content": {"text/html": {}}}
    for status, (title, _) in action_pages.REFUSALS.items()
}


@legacy.get("/{token}")
@legacy.post("/{token}")
def moved(token: Token) -> RedirectResponse:
    """An action link of the earlier form: the same page, at its new address (307 keeps
    the method and the form)."""
    return RedirectResponse(f"/aksi/{token}", status_code=307, headers=_HEADERS)


@router.get("/{token}", response_class=HTMLResponse, responses=_PAGES)
def look(
    token: Token, uow_factory: UowFactoryDep, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """A page asking to confirm; following the link changes nothing."""
    return _answer(
        lambda: action_pages.confirm(
            action_links.look(
                uow_factory=uow_factory, secret=settings.secret_key, token=token, now=now
            )
        )
    )


@router.post("/{token}", response_class=HTMLResponse, responses=_PAGES)
def perform(
    token: Token,
    uow_factory: UowFactoryDep,
    settings: SettingsDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
    reason_field: Annotated[str | None, Depends(form_reason)],
) -> HTMLResponse:
    """Accept or decline the task as the coordinator the link was sent to; once."""
    try:
        reason = _decline_reason(reason_field)
    except ValueError:
        return _page(422, action_pages.refusal(422))
    return _answer(
        lambda: action_pages.done(
            action_links.perform(
                uow_factory=uow_factory,
                secret=settings.secret_key,
                token=token,
                reason=reason,
                now=now,
                policy=policy,
            )
        )
    )
