"""The committed record of what fastgen generated: ``.fastgen/manifest.json``.

Per resource it holds the hash of the spec as last applied, the fastgen version,
and the hash of every file fastgen wrote, so hand edits and stale specs can be
told apart without rendering anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fastgen.errors import FastgenError

MANIFEST_PATH = ".fastgen/manifest.json"
MANIFEST_VERSION = 1
# What fastgen last rendered for each file it generated: the base of the
# three-way merge that carries hand edits forward (and of the patch shown for an
# ejected file), kept so merges work after a fastgen upgrade too.
BASES_PATH = ".fastgen/bases.json"


class ResourceRecord(BaseModel):
    """What fastgen last generated for one resource.

    ``spec`` is the spec as applied (for the migration of a later change),
    ``spec_file_hash`` the hash of the spec file's bytes (so an unchanged file is
    recognised without parsing it), ``router`` the ``module:attr`` wired into,
    ``files`` the hash of every file fastgen owns (ejected ones excluded; a hand
    edit the user kept is recorded as it is on disk), and ``ejected`` the spec hash
    each ejected file's base was rendered from (the spec has moved on for that
    file when it differs from ``spec_hash``). ``list_index`` says the table has
    the index serving its list's order; records written before fastgen created
    one lack it, and the next ``sync`` migrates the table to it.
    """

    spec_file: str
    spec_hash: str
    spec_file_hash: str = ""
    spec: dict[str, Any] = {}
    router: str = ""
    fastgen_version: str
    files: dict[str, str]
    ejected: dict[str, str] = {}
    list_index: bool = False


class Manifest(BaseModel):
    """Every resource fastgen generated in a project."""

    version: int = MANIFEST_VERSION
    resources: dict[str, ResourceRecord] = {}

    def written_hashes(self) -> dict[str, str]:
        """Path -> hash of each file as fastgen last wrote it."""
        return {
            path: digest
            for record in self.resources.values()
            for path, digest in record.files.items()
        }


def load_manifest(root: Path) -> Manifest:
    """Read the manifest; an absent one is empty, a corrupt one is an error."""
    path = root / MANIFEST_PATH
    try:
        manifest = Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest()
    except (OSError, ValidationError, ValueError) as exc:
        reason = str(exc).splitlines()[0]
        raise FastgenError(
            f"{MANIFEST_PATH} is corrupt ({reason}): restore it from version control"
        ) from exc
    if manifest.version != MANIFEST_VERSION:
        raise FastgenError(
            f"{MANIFEST_PATH} is version {manifest.version}, this fastgen reads "
            f"version {MANIFEST_VERSION}: "
            + (
                "upgrade fastgen"
                if manifest.version > MANIFEST_VERSION
                else "restore it from version control"
            )
        )
    return manifest


def dump_manifest(manifest: Manifest) -> str:
    """Stable JSON, so an unchanged manifest is byte-identical."""
    data = manifest.model_dump()
    for record in data["resources"].values():
        if not record["ejected"]:
            del record["ejected"]  # manifests without ejected files stay as they were
    return _stable_json(data)


def load_bases(root: Path) -> dict[str, str]:
    """Path -> the text fastgen last rendered for it (empty when not recorded)."""
    path = root / BASES_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise FastgenError(
            f"{BASES_PATH} is corrupt ({exc}): restore it from version control"
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise FastgenError(
            f"{BASES_PATH} is corrupt (not a mapping of paths to texts): restore it "
            "from version control"
        )
    return data


def dump_bases(bases: dict[str, str]) -> str:
    """Stable JSON of the bases, so unchanged bases are byte-identical."""
    return _stable_json(bases)


def _stable_json(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
