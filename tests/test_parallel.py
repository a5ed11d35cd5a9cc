"""Two jobs, one of them in a forked child."""

import os

import pytest

from fastgen.errors import FastgenError
from fastgen.parallel import run_both


def test_results_come_back_in_order_from_two_processes() -> None:
    parent = os.getpid()
    here, there = run_both(lambda: os.getpid(), lambda: os.getpid())
    assert here == parent
    assert there != parent if hasattr(os, "fork") else there == parent


def test_an_error_in_the_child_is_raised_in_the_parent() -> None:
    def fails() -> None:
        raise FastgenError("cannot choose where to wire the router")

    with pytest.raises(FastgenError, match="cannot choose"):
        run_both(lambda: 1, fails)


def test_an_error_in_the_parent_still_reaps_the_child() -> None:
    def fails() -> int:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_both(fails, lambda: 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
