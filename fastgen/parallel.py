"""A worker process that imports a job's libraries while this one works too.

``add resource`` spends most of its time importing black and running it, when
what it renders was never formatted before (see :mod:`fastgen.text_cache`). A
child forked as the command starts (by :mod:`fastgen.entry`, before the CLI is
imported) imports black while this process imports the rest and renders, then
formats the files (shared with a child it forks, black already imported)
while this process wires (libcst only for unusual files: threads would not
overlap the two, the GIL) and imports what it needs next, and sends the result
back through a pipe. Without ``os.fork`` (Windows) the job runs here.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar, cast

from fastgen.pysource import LINE_LENGTH

A = TypeVar("A")
B = TypeVar("B")


class Worker:
    """A forked child that imports ``modules`` at once, then runs one job.

    ``then``: modules this process needs once the job is done, imported while it
    waits for the result. Use it as a context manager: leaving it reaps the child,
    sent a job or not.
    """

    def __init__(self, *modules: str, then: tuple[str, ...] = ()) -> None:
        self._pid: int | None = None
        self.then = then
        if not hasattr(os, "fork"):
            return
        job_read, self._job_write = os.pipe()
        self._result_read, result_write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: warm up, run the job sent, leave
            os.close(self._job_write)
            os.close(self._result_read)
            _serve(job_read, result_write, modules)
        os.close(job_read)
        os.close(result_write)

    def run_alongside(
        self, first: Callable[[], A], job: Callable[..., B], *args: Any
    ) -> tuple[A, B]:
        """``(first(), job(*args))``: ``job`` in the child (once it has imported its
        modules) while ``first`` runs here.

        ``job`` and ``args`` cross to the child by pickle: ``job`` must be a
        module-level function. An exception raised by either is raised here,
        ``first``'s taking precedence.
        """
        if self._pid is None:
            return first(), job(*args)
        with os.fdopen(self._job_write, "wb") as pipe:
            pickle.dump((job, args), pipe)
        try:
            result = first()
            for module in self.then:
                importlib.import_module(module)
        finally:
            with os.fdopen(self._result_read, "rb") as pipe:
                data = pipe.read()
            self._reap()
        if not data:
            raise RuntimeError("the worker process died without a result")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return result, cast(B, value)

    def __enter__(self) -> Worker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pid is not None:  # never sent a job: no need to let it finish
            os.kill(self._pid, signal.SIGKILL)
            os.close(self._job_write)
            os.close(self._result_read)
            self._reap()

    def _reap(self) -> None:
        assert self._pid is not None
        os.waitpid(self._pid, 0)
        self._pid = None


def _serve(job_read: int, result_write: int, modules: tuple[str, ...]) -> None:
    """The child's life: import ``modules``, run the job sent (if any), exit."""
    try:
        for module in modules:
            importlib.import_module(module)
        with os.fdopen(job_read, "rb") as pipe:
            request = pipe.read()
        if request:
            job, args = pickle.loads(request)
            try:
                payload = pickle.dumps((True, job(*args)))
            except BaseException as exc:
                payload = pickle.dumps((False, exc))
            with os.fdopen(result_write, "wb") as pipe:
                pipe.write(payload)
    finally:
        os._exit(0)  # no cleanup: the parent owns every file and lock


_FORMATTING_MODULES = ("black", "fastgen.render")
_started: list[Worker] = []  # by formatting_worker_started, not yet taken


@contextmanager
def formatting_worker_started() -> Iterator[None]:
    """Fork the formatting worker now, for a command that will ask for it (the
    console script does, before it parses the command line); if the command never
    does, the worker is stopped as the command ends."""
    _started.append(Worker(*_FORMATTING_MODULES))
    try:
        yield
    finally:
        while _started:
            with _started.pop():
                pass


def formatting_worker(*, then: tuple[str, ...] = ()) -> Worker:
    """A worker that imports black (and fastgen's renderer) to format files: send
    it :func:`format_in_two`. The one started early, if any. ``then`` as for
    :class:`Worker`."""
    worker = _started.pop() if _started else Worker(*_FORMATTING_MODULES)
    worker.then = then
    return worker


def format_in_two(files: dict[str, str]) -> dict[str, str]:
    """The formatting worker's job: ``files`` formatted, shared with a child
    forked now, which starts with black already imported.

    The command itself wires meanwhile: three busy processes on two cores (or
    more) finish sooner than this one formatting alone, and the command never
    imports black. The two take the files one at a time from a queue, the
    costliest first, so neither waits on the other's misjudged share.
    """
    from fastgen.render import format_python_files

    if len(files) < 2:
        return format_python_files(files)
    order = _costliest_first(files)
    size = -(-len(order) // _MOST_TURNS)
    batches = [order[start : start + size] for start in range(0, len(order), size)]
    queue, filling = os.pipe()
    try:
        with os.fdopen(filling, "wb") as pipe:
            pipe.write(b"".join(_TURN.pack(turn) for turn in range(len(batches))))
        with Worker() as child:
            done_here, done_there = child.run_alongside(
                lambda: _format_queued(queue, batches, files),
                _format_queued,
                queue,
                batches,
                files,
            )
    finally:
        os.close(queue)
    return done_here | done_there


#: A turn in the queue: the index of the batch of files it gives.
_TURN = struct.Struct("<I")
#: Turns that fit the smallest pipe (4 KiB), so filling the queue never blocks.
_MOST_TURNS = 4096 // _TURN.size


def _format_queued(
    queue: int, batches: list[list[str]], files: dict[str, str]
) -> dict[str, str]:
    """The batches of ``files`` taken from ``queue`` (a pipe both processes
    read, a turn at a time) until it is empty, formatted."""
    from fastgen.render import format_python_files

    done: dict[str, str] = {}
    while turn := os.read(queue, _TURN.size):
        (index,) = _TURN.unpack(turn)
        done |= format_python_files({path: files[path] for path in batches[index]})
    return done


def _costliest_first(files: dict[str, str]) -> list[str]:
    """The paths of ``files``, the costliest to format first."""
    return sorted(files, key=lambda path: -_work(files[path]))


def _work(text: str) -> int:
    """How much formatting ``text`` costs, about: its size, its rows longer than
    the line length counted three times (black splits them; measured on the
    rendered files, their rows that fit cost it about a third as much)."""
    return len(text) + 2 * sum(
        len(row) for row in text.splitlines() if len(row) > LINE_LENGTH
    )
