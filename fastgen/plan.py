"""The plan: rendered files held against the disk, as a plain value.

Dry-run, idempotent re-runs, conflict detection and ``check`` all read the same plan.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from fastgen.errors import FastgenError


class Action(StrEnum):
    """What applying the plan does to one file."""

    CREATE = "create"
    UPDATE = "update"
    IDENTICAL = "identical"
    CONFLICT = "conflict"
    DELETE = "delete"


@dataclass(frozen=True)
class FileChange:
    """One file of the plan: its path relative to the project, old and new text."""

    path: str
    action: Action
    new: str
    old: str | None = None

    def diff(self, *, reverse: bool = False) -> str:
        """A unified diff from the file on disk to what fastgen would write.

        ``reverse`` diffs the other way, so hand edits show as ``+`` lines.
        """
        disk = (self.old or "").splitlines(keepends=True)
        ours = self.new.splitlines(keepends=True)
        disk_name = f"a/{self.path}" if self.old is not None else "/dev/null"
        if reverse:
            return "".join(
                difflib.unified_diff(ours, disk, f"a/{self.path}", f"b/{self.path}")
            )
        ours_name = "/dev/null" if self.action is Action.DELETE else f"b/{self.path}"
        return "".join(difflib.unified_diff(disk, ours, disk_name, ours_name))


@dataclass(frozen=True)
class Plan:
    """Every file a command would touch, in a stable order."""

    changes: tuple[FileChange, ...]

    @property
    def conflicts(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.action is Action.CONFLICT)

    @property
    def writes(self) -> tuple[FileChange, ...]:
        """The changes that write to disk when applied."""
        return tuple(
            c for c in self.changes if c.action in (Action.CREATE, Action.UPDATE)
        )

    @property
    def deletes(self) -> tuple[FileChange, ...]:
        """The files applying the plan removes."""
        return tuple(c for c in self.changes if c.action is Action.DELETE)

    @property
    def is_noop(self) -> bool:
        return all(c.action is Action.IDENTICAL for c in self.changes)

    def forced(self) -> Plan:
        """The plan with every conflict turned into an update (``--force``)."""
        return Plan(
            tuple(
                (
                    FileChange(c.path, Action.UPDATE, c.new, c.old)
                    if c.action is Action.CONFLICT
                    else c
                )
                for c in self.changes
            )
        )


def content_hash(text: str) -> str:
    """The hash the manifest records for a file fastgen wrote."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_plan(
    root: Path,
    rendered: Mapping[str, str],
    *,
    written_hashes: Mapping[str, str],
    edited_in_place: frozenset[str] = frozenset(),
    deleted: frozenset[str] = frozenset(),
) -> Plan:
    """Compare ``rendered`` (path -> text) with the files under ``root``.

    A file that exists with other content is an update when it is still exactly what
    fastgen last wrote (``written_hashes``) or when fastgen edits it in place
    (``edited_in_place``: wiring that keeps the user's own lines); otherwise it was
    changed by hand, or was never fastgen's, and is a conflict. Each existing
    file of ``deleted`` is a delete.
    """
    changes = [
        FileChange(path, Action.DELETE, "", old)
        for path in deleted
        if (old := read_exact(root / path)) is not None
    ]
    for path in sorted(rendered):
        new = rendered[path]
        old = read_exact(root / path)
        changes.append(
            FileChange(
                path, _action(path, old, new, written_hashes, edited_in_place), new, old
            )
        )
    return Plan(tuple(sorted(changes, key=lambda change: change.path)))


def _action(
    path: str,
    old: str | None,
    new: str,
    written_hashes: Mapping[str, str],
    edited_in_place: frozenset[str],
) -> Action:
    if old is None:
        return Action.CREATE
    if old == new:
        return Action.IDENTICAL
    if path in edited_in_place or written_hashes.get(path) == content_hash(old):
        return Action.UPDATE
    return Action.CONFLICT


def read_exact(path: Path) -> str | None:
    """The file's text with its line endings as they are (None if absent).

    Every file fastgen may rewrite is read this way, so hashes match the bytes on
    disk and a rewrite keeps CRLF line endings.
    """
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise FastgenError(
            f"cannot use {path}: {getattr(exc, 'strerror', None) or exc}; move it "
            "out of the way"
        ) from exc
