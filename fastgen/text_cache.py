"""Results of slow text-to-text steps (black, libcst edits), kept on disk.

Formatting and wiring are pure functions of their input text, of fastgen's code
and of the library doing the work, so an entry keyed by all of them never goes
stale: a re-run (``sync``, ``add resource --force``, a plan redone after a
conflict) reads the result instead of importing black or libcst at all.

Entries live under ``$XDG_CACHE_HOME/fastgen`` (``~/.cache/fastgen``), one file
each, written to a temporary name and renamed into place, and carry a hash of
their text: an entry that is unreadable, truncated or altered is a miss, and a
cache that cannot be written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from fastgen import __version__


def cache_home() -> Path:
    """fastgen's directory in the user's cache (``XDG_CACHE_HOME`` respected)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "fastgen"


class TextCache:
    """Results of one step, keyed by its inputs and the code that computes it.

    ``code`` names the modules whose code decides the result (fastgen's own and
    the library's): an entry made by other versions of them is never read.
    """

    def __init__(self, step: str, *code: str) -> None:
        self._step = step
        self._salt = "\0".join([__version__, *map(_installed, code)])

    @property
    def _directory(self) -> Path:
        return cache_home() / self._step

    def key(self, *inputs: str) -> str:
        digest = hashlib.sha256(self._salt.encode())
        for text in inputs:
            digest.update(b"\0%d\0" % len(text))
            digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> str | None:
        """The result stored under ``key``, or None (absent or damaged)."""
        try:
            data = (self._directory / key).read_bytes()
        except OSError:
            return None
        check, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != check:
            return None
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, text: str) -> None:
        """Store ``text`` under ``key``; a cache that cannot be written is skipped."""
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (from argv): not worth keeping
            return
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        # a name no other process writes (the pid), renamed into place when complete
        directory = self._directory
        temporary = directory / f".{key}.{os.getpid()}"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, directory / key)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


@cache
def _installed(module: str) -> str:
    """Where ``module``'s code is installed, with its file's size and time: a new
    install or an edit of it changes this, no import needed."""
    spec = find_spec(module)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return module
    stat = os.stat(origin)
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"
