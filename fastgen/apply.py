"""Writing a plan to disk all at once: every file or none of them."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from fastgen.errors import FastgenError
from fastgen.plan import Plan


def apply_plan(root: Path, plan: Plan) -> None:
    """Write the plan's creates and updates under ``root``.

    Every new text is first written to a temporary file beside its target; only
    when all of them exist are they renamed into place, and files to delete are
    moved aside. If anything fails, files already replaced get their old text back,
    created files and directories are removed, and the project is left exactly as
    it was. Directories a deletion empties are removed last.
    """
    if plan.conflicts:
        raise FastgenError(
            f"{len(plan.conflicts)} file(s) changed by hand would be overwritten: "
            "review with --dry-run, then rerun with --force"
        )
    staged: list[tuple[Path, Path]] = []
    made_dirs: list[Path] = []
    done: list[tuple[Path, str | None]] = []
    try:
        for change in plan.writes:
            target = root / change.path
            _make_parents(target.parent, made_dirs)
            temp = target.with_name(f".{target.name}.fastgen-tmp")
            temp.write_bytes(change.new.encode("utf-8"))
            staged.append((temp, target))
        for (temp, target), change in zip(staged, plan.writes, strict=True):
            os.replace(temp, target)
            done.append((target, change.old))
        for change in plan.deletes:
            target = root / change.path
            target.unlink()
            done.append((target, change.old))
    except OSError as exc:
        _roll_back(staged, done, made_dirs)
        raise FastgenError(
            f"could not write {exc.filename or 'the project'}: {exc.strerror or exc}; "
            "nothing was changed"
        ) from exc
    for change in plan.deletes:
        _remove_empty_parents(root, (root / change.path).parent)


def _remove_empty_parents(root: Path, directory: Path) -> None:
    """Remove ``directory`` and its parents up to ``root`` while they hold nothing
    but Python's bytecode caches."""
    while directory != root and directory.is_dir():
        entries = list(directory.iterdir())
        if any(entry.name != "__pycache__" for entry in entries):
            return
        for cache in entries:
            shutil.rmtree(cache, ignore_errors=True)
        with contextlib.suppress(OSError):
            directory.rmdir()
        directory = directory.parent


def _make_parents(directory: Path, made_dirs: list[Path]) -> None:
    """Create missing directories, outermost first, recording each one made."""
    missing = [d for d in (directory, *directory.parents) if not d.exists()]
    for d in reversed(missing):
        d.mkdir()
        made_dirs.append(d)


def _roll_back(
    staged: list[tuple[Path, Path]],
    done: list[tuple[Path, str | None]],
    made_dirs: list[Path],
) -> None:
    for target, old in done:
        if old is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(old.encode("utf-8"))  # replaced or deleted
    for temp, _ in staged:
        temp.unlink(missing_ok=True)
    for directory in reversed(made_dirs):
        with contextlib.suppress(OSError):
            directory.rmdir()
