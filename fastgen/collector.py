"""When a fastgen command lets Python's cyclic garbage collector run.

A command imports modules and reads its spec before it does anything: objects
that live until it exits, which the collector would scan again and again for
nothing. In the forked formatting worker (:mod:`fastgen.parallel`) each scan
would also write to pages shared with the parent, which the kernel must then
copy. So the command starts with the collector off; black turns it on, since
formatting makes a lot of garbage, after freezing what exists so far: later
collections scan only what formatting allocates. Python collects once more as
it exits, even with the collector off; freezing first spares that scan too.
"""

from __future__ import annotations

import gc
from collections.abc import Callable


def run_command(command: Callable[[], object]) -> None:
    """Run a whole command (the CLI's entry point) with the collector paused
    until :func:`resume_for_work`, and nothing left to scan as it exits."""
    gc.disable()
    try:
        command()
    finally:
        gc.freeze()


def resume_for_work() -> None:
    """Freeze every object allocated so far, and turn the collector back on.

    Only once, and only within :func:`run_command`: a process that never paused
    the collector (the test suite, a library user) keeps it as it is.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
