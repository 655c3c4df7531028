"""No route blocks the event loop: a route or dependency written `async def` runs on the
loop itself, where database work, Argon2 or file I/O would hold every other request
behind it. Only these, which await and never block, may be coroutines; a new one fails
here until it is made a plain `def` (FastAPI runs those in its thread pool) or shown to be
really asynchronous and added below. bench/signin_burst.py measures what is at stake."""

from __future__ import annotations

import inspect

from fastapi.dependencies.models import Dependant

from services.intake.access import policy
from services.intake.app import create_app
from shared.config import Settings

REALLY_ASYNC = {
    # The live inbox: awaits Redis pub/sub with redis.asyncio.
    "services.intake.casework.stream.inbox_stream",
    # Read the request body (awaiting the ASGI receive channel) and nothing else.
    "services.intake.deps.read_body",
    "services.intake.routing_admin.rules_routes.read_rules_text",
    "services.intake.access.signin.form_fields",
}


def calls_of(dependant: Dependant) -> list[object]:
    """The dependant's own function and those of every dependency beneath it."""
    found: list[object] = [dependant.call] if dependant.call else []
    for sub in dependant.dependencies:
        found += calls_of(sub)
    return found


def name_of(call: object) -> str:
    return f"{getattr(call, '__module__', '?')}.{getattr(call, '__qualname__', repr(call))}"


def test_only_known_non_blocking_coroutines_run_on_the_event_loop(database_url: str) -> None:
    app = create_app(Settings(environment="test", database_url=database_url))
    coroutines: set[str] = set()
    routes = [route for route, _ in policy.api_routes(app)]
    assert len(routes) > 40
    for route in routes:
        calls = calls_of(route.dependant)
        coroutines |= {
            name_of(c)
            for c in calls
            if inspect.iscoroutinefunction(c)
            or (not inspect.isroutine(c) and inspect.iscoroutinefunction(type(c).__call__))
        }
    assert coroutines - REALLY_ASYNC == set(), "make these plain def, or prove them async"
