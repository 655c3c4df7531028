"""dev.py, the two commands of the README: which install a command needs."""

from __future__ import annotations

import dev


def test_a_fresh_environment_is_installed() -> None:
    assert not dev.up_to_date("", "abc", dev=False)
    assert not dev.up_to_date("", "abc", dev=True)


def test_up_needs_the_runtime_install_and_tests_the_dev_extras() -> None:
    assert dev.up_to_date("abc\n", "abc", dev=False)
    assert not dev.up_to_date("abc\n", "abc", dev=True)
    assert dev.up_to_date("abc dev\n", "abc", dev=True)
    assert dev.up_to_date("abc dev\n", "abc", dev=False)


def test_a_changed_pyproject_means_installing_again() -> None:
    assert not dev.up_to_date("old dev\n", "new", dev=False)
    assert not dev.up_to_date("old dev\n", "new", dev=True)
    assert not dev.up_to_date("dev\n", "dev", dev=True)
