"""The CLI's garbage-collector policy (fastgen.collector), in a fresh interpreter:
pausing and freezing in the test process would change it for every later test."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

from fastgen.collector import resume_for_work

COMMAND = """
import gc, json
from fastgen.collector import run_command
from fastgen.render import _black

seen = {}

def command():
    seen["at start"] = gc.isenabled()
    objects = [[] for _ in range(1000)]  # allocations alone do not turn it on
    seen["before black"] = gc.isenabled()
    assert _black("x = [1,2]\\n") == "x = [1, 2]\\n"
    seen["after black"] = gc.isenabled()
    seen["frozen before black"] = gc.get_freeze_count() >= len(objects)

run_command(command)
seen["frozen at exit"] = gc.get_freeze_count() > 0
print(json.dumps(seen))
"""


def test_a_command_runs_with_the_collector_paused_until_black_formats() -> None:
    result = subprocess.run(
        [sys.executable, "-c", COMMAND], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {
        "at start": False,
        "before black": False,
        "after black": True,
        "frozen before black": True,
        "frozen at exit": True,
    }


def test_resuming_leaves_a_collector_that_was_never_paused_alone() -> None:
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    resume_for_work()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
