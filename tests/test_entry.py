"""The console script (fastgen.entry) forks the formatting worker before the CLI
parses the command line: the command takes that worker, and a worker the command
never asked for is gone when it ends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

_COUNTING_FASTGEN = """\
import atexit, os, sys
from fastgen import parallel
made = []
original = parallel.Worker.__init__
def counting(self, *modules, **options):
    made.append(modules)
    original(self, *modules, **options)
parallel.Worker.__init__ = counting
def report():
    try:
        os.waitpid(-1, os.WNOHANG)
        children = "children left"
    except ChildProcessError:
        children = "no children left"
    print(made.count(("black", "fastgen.render")), children, file=sys.stderr)
atexit.register(report)
from fastgen.entry import main
sys.argv = ["fastgen", *sys.argv[1:]]
main()
"""


def _fastgen(cwd: Path, *args: str) -> str:
    """Run the console script; return what the counting hook reports."""
    done = subprocess.run(
        [sys.executable, "-c", _COUNTING_FASTGEN, *args],
        cwd=cwd,
        env={**os.environ, "XDG_CACHE_HOME": str(cwd.parent / "cache")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("entry")
    subprocess.run(
        [sys.executable, "-m", "fastgen", "new", "project", "demo"],
        cwd=parent,
        env={**os.environ, "XDG_CACHE_HOME": str(parent / "cache")},
        check=True,
        capture_output=True,
    )
    return parent / "demo"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_add_resource_formats_in_the_worker_started_first(project: Path) -> None:
    assert _fastgen(project, "add", "resource", "Tag", "label:str{40}") == (
        "1 no children left"
    )
    assert "tags_router" in (project / "app/api.py").read_text()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_worker_the_command_never_takes_is_stopped(project: Path) -> None:
    # everything is up to date: sync formats nothing
    assert _fastgen(project, "sync") == "1 no children left"


def test_other_commands_start_no_worker(project: Path) -> None:
    assert _fastgen(project, "check") == "0 no children left"
