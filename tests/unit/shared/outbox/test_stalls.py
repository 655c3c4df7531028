"""The relay holds events for a busy consumer, not for one whose queue has not moved."""

from __future__ import annotations

from shared.outbox.relay import HOLD_AT_MOST_SECONDS, Stalls


def test_the_relay_holds_for_a_busy_queue_but_not_for_a_stalled_one() -> None:
    now = [100.0]
    stalls = Stalls(clock=lambda: now[0])
    assert stalls.busy({"q": 0}, 1) == set()
    assert stalls.busy({"q": 1}, 1) == {"q"}  # a worker will take it soon: gather events
    now[0] += HOLD_AT_MOST_SECONDS / 2
    assert stalls.busy({"q": 2}, 1) == {"q"}
    now[0] += HOLD_AT_MOST_SECONDS  # nobody took anything for too long
    assert stalls.busy({"q": 2}, 1) == set()
    assert stalls.busy({"q": 0}, 1) == set()  # it moved: hold again when busy
    assert stalls.busy({"q": 1}, 1) == {"q"}
