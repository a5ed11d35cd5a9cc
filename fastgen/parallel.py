"""Running two independent pieces of work on two cores.

``add resource`` spends most of its time in two CPU-bound jobs that do not depend
on each other: black formatting the rendered files, and importing libcst to wire
the router. Threads would not overlap them (the GIL), so the second job runs in a
forked child and sends its result back through a pipe.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def run_both(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``(first(), second())``, with ``second`` in a child process where possible.

    An exception raised by either job is raised here, ``first``'s taking
    precedence. Without ``os.fork`` (Windows) the jobs run one after the other.
    """
    if not hasattr(os, "fork"):
        return first(), second()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the job, report, and leave without cleanup
        os.close(read_end)
        try:
            payload = pickle.dumps((True, second()))
        except BaseException as exc:
            payload = pickle.dumps((False, exc))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write_end)
    try:
        result = first()
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the worker process died without a result")
    ok, value = pickle.loads(data)
    if not ok:
        raise value
    return result, value
