"""The first start's warm-up imports what the services import, and only when useful."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from sekber_cli import warmup


@pytest.mark.parametrize("name", warmup.MODULES)
def test_every_module_it_warms_exists(name: str) -> None:
    assert importlib.util.find_spec(name) is not None


def test_nothing_to_warm_where_python_writes_no_bytecode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert not warmup.needed()
    assert warmup.start() is None
    warmup.finish(None)
