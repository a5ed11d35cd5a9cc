"""The committed record of what fastgen generated: ``.fastgen/manifest.json``.

Per resource it holds the hash of the spec as last applied, the fastgen version,
and the hash of every file fastgen wrote, so hand edits and stale specs can be
told apart without rendering anything.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from fastgen.errors import FastgenError

MANIFEST_PATH = ".fastgen/manifest.json"
MANIFEST_VERSION = 1
# What fastgen last rendered for each file it generated: the base of the
# three-way merge that carries hand edits forward (and of the patch shown for an
# ejected file), kept so merges work after a fastgen upgrade too.
BASES_PATH = ".fastgen/bases.json"


@dataclass(frozen=True)
class ResourceRecord:
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
    fastgen_version: str
    files: dict[str, str]
    spec_file_hash: str = ""
    spec: dict[str, Any] = field(default_factory=dict)
    router: str = ""
    ejected: dict[str, str] = field(default_factory=dict)
    list_index: bool = False


@dataclass(frozen=True)
class Manifest:
    """Every resource fastgen generated in a project."""

    resources: dict[str, ResourceRecord] = field(default_factory=dict)
    version: int = MANIFEST_VERSION

    def written_hashes(self) -> dict[str, str]:
        """Path -> hash of each file as fastgen last wrote it."""
        return {
            path: digest
            for record in self.resources.values()
            for path, digest in record.files.items()
        }


class _Corrupt(ValueError):
    """The manifest's JSON does not have the manifest's shape."""


def load_manifest(root: Path) -> Manifest:
    """Read the manifest; an absent one is empty, a corrupt one is an error."""
    path = root / MANIFEST_PATH
    try:
        manifest = _manifest(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Manifest()
    except (OSError, ValueError) as exc:
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


# The type of each record field, checked when the manifest is read (json gives
# dicts, lists, strings, numbers and booleans).
_RECORD_TYPES = {f.name: str for f in fields(ResourceRecord)} | {
    "files": dict,
    "spec": dict,
    "ejected": dict,
    "list_index": bool,
}
_REQUIRED = {
    f.name
    for f in fields(ResourceRecord)
    if f.default is MISSING and f.default_factory is MISSING
}


def _manifest(data: object) -> Manifest:
    """The manifest ``data`` (parsed JSON) holds; _Corrupt when it has another shape."""
    data = _mapping(data, "the manifest")
    version = data.get("version", MANIFEST_VERSION)
    if type(version) is not int:
        raise _Corrupt("version is not an integer")
    resources = _mapping(data.get("resources", {}), "resources")
    return Manifest(
        resources={
            str(name): _record(str(name), value) for name, value in resources.items()
        },
        version=version,
    )


def _record(name: str, data: object) -> ResourceRecord:
    values = _mapping(data, f"resources.{name}")
    if missing := sorted(_REQUIRED - set(values)):
        raise _Corrupt(f"resources.{name} has no {', '.join(missing)}")
    for key, value in values.items():
        expected = _RECORD_TYPES.get(key)
        if expected is None:
            raise _Corrupt(f"resources.{name}.{key} is not a manifest field")
        if not isinstance(value, expected):
            raise _Corrupt(f"resources.{name}.{key} is not a {expected.__name__}")
    for key in ("files", "ejected"):
        mapping = values.get(key, {})
        if not all(isinstance(v, str) for v in mapping.values()):
            raise _Corrupt(f"resources.{name}.{key} maps paths to non-strings")
    return ResourceRecord(**values)


def _mapping(data: object, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _Corrupt(f"{what} is not an object")
    return data


def dump_manifest(manifest: Manifest) -> str:
    """Stable JSON, so an unchanged manifest is byte-identical."""
    data = asdict(manifest)
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
