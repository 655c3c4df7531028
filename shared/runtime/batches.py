"""A batch of events handled as one unit of work, split when it fails, so that one event
that cannot be handled (a poisoned event) does not hold back the others.

The unit of work is all or nothing (one transaction), so a failed attempt changed
nothing and its halves can be tried on their own: a batch of n with one poisoned event
costs about 2 log2(n) extra attempts, and every other event passes, in its order. A
transient error (the database or the broker went away) is not split: it is raised, and
the caller's retry runs the whole batch again, where each event's claim keeps what
committed from running twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from shared.events import Envelope
from shared.runtime import logcontext

log = logging.getLogger(__name__)
T = TypeVar("T")


def parse_batch(raw: Sequence[Any], *, consumer: str) -> list[Envelope]:
    """The envelopes of a batch message, in order; an entry that is no envelope is logged
    and left out (it would fail every time)."""
    parsed: list[Envelope] = []
    for entry in raw:
        try:
            envelope = Envelope.model_validate(entry)
        except ValidationError as exc:
            log.error("%s drops a batch entry that is no event: %s", consumer, exc)
            continue
        parsed.append(envelope)
        # One line per event, under its correlation id, as a one-event task logs it: a
        # case's path through every service's log is found by that id.
        with logcontext.correlated(envelope.correlation_id):
            log.info(
                "%s takes %s %s (%d of a batch of %d)",
                consumer, envelope.type, envelope.id, len(parsed), len(raw),
            )  # fmt: skip
    return parsed


@dataclass(frozen=True, slots=True)
class Poisoned(Generic[T]):
    """An item that failed on its own, with what it raised."""

    item: T
    error: Exception


def run_split(
    items: Sequence[T],
    work: Callable[[Sequence[T]], None],
    *,
    transient: tuple[type[Exception], ...],
) -> list[Poisoned[T]]:
    """Run `work(items)`; when it raises (other than `transient`), run each half on its
    own, down to single items. Returns the items that failed alone, in order."""
    if not items:
        return []
    try:
        work(items)
        return []
    except transient:
        raise
    except Exception as exc:
        if len(items) == 1:
            return [Poisoned(items[0], exc)]
    middle = len(items) // 2
    return run_split(items[:middle], work, transient=transient) + run_split(
        items[middle:], work, transient=transient
    )


def report(poisoned: Sequence[Poisoned[Envelope]], *, what: str) -> None:
    """Log each poisoned event under its correlation id, then raise PoisonedEvents (the
    message ends as failed) if there was any."""
    for bad in poisoned:
        with logcontext.correlated(bad.item.correlation_id):
            log.error(
                "%s %s could not be %s: %s",
                bad.item.type,
                bad.item.id,
                what,
                bad.error,
                exc_info=bad.error,
            )
    if poisoned:
        raise PoisonedEvents(poisoned)


class PoisonedEvents(Exception):
    """Some events of a batch could not be handled; the others were. The message is
    finished as failed (logged, not retried); the reconciliation sweep offers the
    poisoned events again later, a bounded number of times."""

    def __init__(self, poisoned: Sequence[Poisoned[Any]]) -> None:
        self.poisoned = list(poisoned)
        first = self.poisoned[0].error if self.poisoned else None
        super().__init__(
            f"{len(self.poisoned)} event(s) of the batch failed; first: "
            f"{type(first).__name__}: {first}"
        )
