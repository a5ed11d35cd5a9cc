"""The hash of each file ``check`` compares, remembered by the file's status.

Reading and hashing every generated file is most of what ``check`` does on an
unchanged project. As git does for its index, a file whose status (size, inode,
and modification and change times to the nanosecond) is the one recorded when it
was hashed is not read again. Any change to a file gives it a new change time,
which no program can set back. A file changed less than :data:`RECENT_NS` before
it was hashed is not recorded: a second change within the filesystem's timestamp
granularity could leave its status as it was.

A record can also keep a short note of what was read from the file (a
migration's revision ids), good for as long as its hash.

The records live in fastgen's cache (:mod:`fastgen.text_cache`), one entry per
project directory; an entry that cannot be read or written only costs the reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from functools import cache

from fastgen.text_cache import TextCache

RECENT_NS = 2_000_000_000


def file_hash(path: str) -> str:
    """The sha256 of the file's bytes, in hex."""
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


class FileHashes:
    """Hashes of files under ``root``, read only when their status changed.

    ``now_ns`` is the time the hashing happens (tests move it forward).
    """

    def __init__(self, root: str, *, now_ns: int | None = None) -> None:
        self._root = os.path.abspath(root)
        self._now = time.time_ns() if now_ns is None else now_ns
        self._key = _records().key(self._root)
        self._known = _parsed(_records().get(self._key))
        self._changed = False

    def of(self, path: str) -> str | None:
        """The hash of ``path`` (relative to the root); None when it is no file."""
        target = f"{self._root}/{path}"
        try:
            status = os.stat(target)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        signature = [
            status.st_mtime_ns,
            status.st_ctime_ns,
            status.st_size,
            status.st_ino,
        ]
        known = self._known.get(path)  # [*signature, hash, note?], or damaged
        if isinstance(known, list) and known[:4] == signature and len(known) in (5, 6):
            if isinstance(known[4], str):
                return known[4]
        try:
            digest = file_hash(target)
        except OSError:
            return None
        if max(status.st_mtime_ns, status.st_ctime_ns) < self._now - RECENT_NS:
            self._known[path] = [*signature, digest]
            self._changed = True
        elif self._known.pop(path, None) is not None:
            self._changed = True
        return digest

    def noted(self, path: str) -> tuple[str | None, str | None]:
        """The hash of ``path`` (as :meth:`of`), and the note kept with it."""
        digest = self.of(path)
        known = self._known.get(path)  # after of(): a record is the file's now
        if digest is None or not isinstance(known, list) or len(known) != 6:
            return digest, None
        return digest, known[5] if isinstance(known[5], str) else None

    def keep_note(self, path: str, note: str) -> None:
        """Keep ``note`` with the hash :meth:`noted` just gave for ``path`` (not
        kept when that hash was not recorded: a file changed too recently)."""
        known = self._known.get(path)
        if isinstance(known, list):
            self._known[path] = [*known[:5], note]
            self._changed = True

    def save(self) -> None:
        """Keep what was learnt for the next run (nothing written if nothing was)."""
        if self._changed:
            _records().put(self._key, json.dumps(self._known))
            self._changed = False


@cache
def _records() -> TextCache:
    return TextCache("file-hashes")


def _parsed(text: str | None) -> dict[str, object]:
    """The records in ``text``, by path (each checked when it is used)."""
    try:
        records = json.loads(text) if text else {}
    except ValueError:
        return {}
    return records if isinstance(records, dict) else {}
