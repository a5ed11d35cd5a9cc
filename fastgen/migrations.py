"""Reading the Alembic revision graph from the files, without importing them."""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fastgen.errors import FastgenError
from fastgen.file_hashes import FileHashes

VERSIONS_DIR = "migrations/versions"


@dataclass(frozen=True)
class Revision:
    """One revision file: its id, its parent(s) and its path in the project."""

    revision: str
    down_revisions: tuple[str, ...]
    path: str


def read_revisions(
    root: Path,
    versions_dir: str = VERSIONS_DIR,
    written: Mapping[str, str] | None = None,
    hashes: FileHashes | None = None,
) -> list[Revision]:
    """Every revision under ``versions_dir`` (``migrations/versions``).

    ``written`` maps paths to the hash of what fastgen wrote there (the manifest's
    record): a revision still as written is read by its known shape, not parsed;
    with ``hashes``, one whose status has not changed since is not read at all
    (its ids are the note kept with its hash).
    """
    directory = os.path.join(root, versions_dir)
    try:  # plain strings: pathlib would cost more than reading the files
        names = sorted(
            entry.name
            for entry in os.scandir(directory)
            if entry.name.endswith(".py") and entry.is_file()
        )
    except OSError:
        names = []
    revisions = []
    for name in names:
        file, path = os.path.join(directory, name), f"{versions_dir}/{name}"
        ids = _written_ids(file, path, (written or {}).get(path), hashes)
        values: Mapping[str, str | tuple[str, ...] | None] = ids or _module_strings(
            file
        )
        if "revision" in values:
            down = values.get("down_revision")
            parents = down if isinstance(down, tuple) else (down,) if down else ()
            revisions.append(Revision(str(values["revision"]), parents, path))
    return revisions


def heads(revisions: list[Revision]) -> list[str]:
    """The revisions no other revision builds on, sorted."""
    parents = {parent for rev in revisions for parent in rev.down_revisions}
    return sorted(rev.revision for rev in revisions if rev.revision not in parents)


def broken_links(revisions: list[Revision]) -> list[tuple[Revision, str]]:
    """Each revision whose parent is not among ``revisions``, with that parent."""
    known = {rev.revision for rev in revisions}
    return [
        (rev, parent)
        for rev in revisions
        for parent in rev.down_revisions
        if parent not in known
    ]


def current_head(revisions: list[Revision]) -> str | None:
    """The single head revision (None for an empty history)."""
    found = heads(revisions)
    if len(found) > 1:
        raise FastgenError(
            f"the migrations have several heads ({', '.join(found)}): merge them "
            "with `alembic merge heads` first"
        )
    return found[0] if found else None


def revision_id(seed: str) -> str:
    """The deterministic id of the revision fastgen writes for ``seed``."""
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def create_revision(table: str, revisions: list[Revision]) -> str:
    """The id of the revision that creates ``table`` in its current life.

    A table that was dropped (``remove resource``) and is created again gets a
    new id each time, so the ids of all its lives stay distinct.
    """
    known = {rev.revision for rev in revisions}
    life = 1
    while True:
        seed = f"create:{table}" if life == 1 else f"create:{table}:{life}"
        candidate = revision_id(seed)
        if candidate not in known or drop_revision(candidate) not in known:
            return candidate
        life += 1


def drop_revision(create: str) -> str:
    """The id of the revision that drops the table ``create`` made."""
    return revision_id(f"drop:{create}")


#: The ids as fastgen's migration templates write them, once black has run.
_WRITTEN_IDS = re.compile(
    r'^revision: str = "(\w+)"\ndown_revision: str \| None = (?:"(\w+)"|None)$', re.M
)


def _as_written(file: str, digest: str) -> dict[str, str | None]:
    """``revision`` and ``down_revision`` of a file still as fastgen wrote it
    (its bytes hash to ``digest``), else nothing."""
    data = _read(file)
    return _ids_in(data) if hashlib.sha256(data).hexdigest() == digest else {}


def _read(file: str) -> bytes:
    try:
        with open(file, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise FastgenError(f"cannot read migration {file}: {exc}; fix it") from exc


def _ids_in(data: bytes) -> dict[str, str | None]:
    """The ids of a migration as fastgen's templates write them, else nothing."""
    found = _WRITTEN_IDS.search(data.decode("utf-8"))
    return {"revision": found[1], "down_revision": found[2]} if found else {}


def _written_ids(
    file: str, path: str, digest: str | None, hashes: FileHashes | None
) -> dict[str, str | None]:
    """``revision`` and ``down_revision`` of a file still as fastgen wrote it (its
    bytes hash to ``digest``), else nothing; noted with its hash in ``hashes``."""
    if digest is None:
        return {}
    if hashes is None:
        return _as_written(file, digest)
    found, note = hashes.noted(path)
    if found != digest:
        return {}
    if noted := _ids_of(note):
        return noted
    ids = _ids_in(_read(file))  # hashes.noted() has checked the bytes
    if ids:
        hashes.keep_note(path, f"{ids['revision']} {ids['down_revision'] or ''}")
    return ids


def _ids_of(note: str | None) -> dict[str, str | None]:
    """The ids :func:`read_revisions` keeps as a note, else nothing."""
    revision, _, down = (note or "").partition(" ")
    return {"revision": revision, "down_revision": down or None} if revision else {}


def _module_strings(file: str) -> dict[str, str | tuple[str, ...] | None]:
    """Top-level ``name = "literal"`` assignments (annotated or not)."""
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError) as exc:
        raise FastgenError(f"cannot read migration {file}: {exc}; fix it") from exc
    values: dict[str, str | tuple[str, ...] | None] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                literal = ast.literal_eval(value)
            except ValueError:
                continue
            if literal is None or isinstance(literal, str):
                values[target.id] = literal
            elif isinstance(literal, tuple | list):
                values[target.id] = tuple(str(item) for item in literal)
    return values
