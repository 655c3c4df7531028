"""run_split: a failing batch split down to the items that fail alone, the rest done once
each, in order; a transient error raised, not split."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.runtime.batches import run_split


class Transient(Exception):
    pass


def worker(bad: set[int], done: list[int]) -> Callable[[Sequence[int]], None]:
    def work(part: Sequence[int]) -> None:
        if bad & set(part):
            raise ValueError(f"poisoned {sorted(bad & set(part))}")
        done.extend(part)  # all or nothing, as one transaction

    return work


@given(st.integers(min_value=0, max_value=40), st.sets(st.integers(min_value=0, max_value=40)))
def test_every_good_item_is_done_once_in_order_and_every_bad_one_reported(
    size: int, bad: set[int]
) -> None:
    items = list(range(size))
    done: list[int] = []
    poisoned = run_split(items, worker(bad, done), transient=(Transient,))
    assert done == [i for i in items if i not in bad]
    assert [p.item for p in poisoned] == [i for i in items if i in bad]
    assert all(isinstance(p.error, ValueError) for p in poisoned)


def test_a_transient_error_is_raised_for_the_whole_batch_to_be_retried() -> None:
    def work(part: Sequence[int]) -> None:
        raise Transient("database went away")

    with pytest.raises(Transient):
        run_split([1, 2, 3], work, transient=(Transient,))


def test_one_bad_item_in_a_large_batch_costs_few_attempts() -> None:
    calls: list[int] = []

    def work(part: Sequence[int]) -> None:
        calls.append(len(part))
        if 37 in part:
            raise ValueError("poisoned")

    run_split(list(range(64)), work, transient=(Transient,))
    assert len(calls) <= 2 * 6 + 1  # about 2 log2(n) beyond the first
