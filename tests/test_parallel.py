"""A job run by a forked worker that imported its modules first."""

import os
import sys

import pytest

from fastgen.errors import FastgenError
from fastgen.parallel import Worker


def _pid_and_modules(*names: str) -> tuple[int, list[bool]]:
    return os.getpid(), [name in sys.modules for name in names]


def _fails(message: str) -> None:
    raise FastgenError(message)


def test_the_job_runs_in_a_child_that_imported_the_modules_first() -> None:
    with Worker("json.tool") as worker:
        here, (there, imported) = worker.run_alongside(
            os.getpid, _pid_and_modules, "json.tool"
        )
    assert here == os.getpid()
    assert there != here if hasattr(os, "fork") else there == here
    assert imported == [True]


def test_an_error_in_the_child_is_raised_in_the_parent() -> None:
    with Worker() as worker, pytest.raises(FastgenError, match="cannot choose"):
        worker.run_alongside(lambda: 1, _fails, "cannot choose where to wire")


def test_an_error_here_still_reaps_the_child() -> None:
    def fails() -> int:
        raise ValueError("boom")

    with Worker() as worker, pytest.raises(ValueError, match="boom"):
        worker.run_alongside(fails, os.getpid)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_an_error_before_the_job_still_reaps_the_child() -> None:
    with pytest.raises(ValueError, match="boom"), Worker("decimal"):
        raise ValueError("boom")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
