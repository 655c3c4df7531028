"""The live inbox across the real processes: the notify worker publishes an in-app entry
on Redis after committing it, and the intake process streams it (SSE) to the coordinator
it is for, and to nobody else."""

from __future__ import annotations

import json
import queue

from shared.db import UowFactory
from tests.e2e.stack import Stack, wait_until
from tests.e2e.test_referral_flow import delivered, east_java_villages, referral
from tests.integration.notify.sse import Listener, Sse
from tests.support.auth import headers_for

STREAM = "/api/v1/inbox/stream"
TRIES = 4


def assigned_to(stack: Stack, case_id: str) -> str:
    case = wait_until(lambda: delivered(stack, case_id), timeout=60, what="delivery")
    [task] = case["referrals"]
    return str(task["coordinator"]["id"])


def test_the_coordinator_a_case_is_assigned_to_sees_it_arrive_live(
    stack: Stack, uow_factory: UowFactory
) -> None:
    [village] = east_java_villages(uow_factory, 1)
    first = stack.post_referral(referral("GEL", village))
    coordinator = assigned_to(stack, first["case_id"])
    listener = Listener(stack.base_url + STREAM, headers_for("coordinator", coordinator))
    try:
        assert listener.status == 200
        # The same kind of case in the same village, until one goes to the same coordinator
        # (the directory may spread them over several).
        for _ in range(TRIES):
            case = stack.post_referral(referral("GEL", village))
            if assigned_to(stack, case["case_id"]) == coordinator:
                break
        else:
            raise AssertionError(f"no case went to {coordinator} again in {TRIES} tries")

        seen = [json.loads(e.data) for e in drain(listener) if e.event == "notification"]
        mine = [item for item in seen if item["case_id"] == case["case_id"]]
        assert len(mine) == 1
        assert (mine[0]["tracking_code"], mine[0]["event_type"]) == (
            case["tracking_code"],
            "assignment",
        )
        # Nothing about the cases that went to others, nor about the first, sent before.
        assert {item["case_id"] for item in seen} == {case["case_id"]}
    finally:
        listener.close()


def drain(listener: Listener) -> list[Sse]:
    """The events the stream brings within a few seconds after the last one."""
    found = [listener.next("notification", timeout=30)]
    while True:
        try:
            found.append(listener.events.get(timeout=3))
        except queue.Empty:
            return found
