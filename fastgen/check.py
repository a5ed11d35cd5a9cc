"""``fastgen check``: does everything fastgen owns still match its spec?

The fast path only hashes files: when every spec file, owned file and the fastgen
version match the manifest, nothing is parsed, rendered or formatted. Rendering
happens only to explain a problem (the diff of a hand-edited file) or to decide
whether a new fastgen version would write something different.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fastgen import __version__
from fastgen.errors import FastgenError
from fastgen.file_hashes import FileHashes
from fastgen.manifest import (
    BASES_PATH,
    MANIFEST_PATH,
    ResourceRecord,
    load_manifest,
)
from fastgen.naming import Names
from fastgen.plan import Action
from fastgen.project_config import ProjectConfig

SYNC = "fastgen sync"


@dataclass(frozen=True)
class Problem:
    """One way a resource has drifted from its spec, and the command that fixes it."""

    resource: str
    kind: str
    path: str
    message: str
    fix: str
    diff: str = ""


@dataclass
class CheckReport:
    """Everything ``check`` found."""

    resources: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        """The one line a check without problems prints."""
        return (
            f"fastgen check: {self.resources} resource(s), generated code matches "
            "the specs."
        )

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "resources": self.resources,
            "problems": [asdict(problem) for problem in self.problems],
        }


def check_project(config: ProjectConfig) -> CheckReport:
    """Compare the project with its manifest and specs."""
    root = config.root
    manifest = load_manifest(root)
    hashes = FileHashes(str(root))
    spec_files = _spec_file_hashes(root, hashes)
    report = CheckReport(resources=len(manifest.resources))
    recorded = {record.spec_file for record in manifest.resources.values()}
    wiring = _WiringFiles(config)
    for name, record in sorted(manifest.resources.items()):
        report.problems += _check_resource(
            config, name, record, spec_files, wiring, hashes
        )
    if manifest.resources:
        report.problems += _chain_problems(config, manifest.written_hashes(), hashes)
    for path in sorted(set(spec_files) - recorded):
        from fastgen.spec import load_spec_file

        spec = load_spec_file(root / path)  # an unreadable spec is an error (exit 2)
        report.problems.append(
            Problem(
                resource=spec.name,
                kind="unapplied",
                path=path,
                message=f"{path} has never been applied",
                fix=SYNC,
            )
        )
    hashes.save()
    return report


def _spec_file_hashes(root: Path, hashes: FileHashes) -> dict[str, str]:
    try:
        names = sorted(entry.name for entry in os.scandir(root / "resources"))
    except OSError:
        return {}
    found = {
        f"resources/{name}": hashes.of(f"resources/{name}")
        for name in names
        if name.endswith((".yaml", ".yml", ".toml"))
    }
    return {path: digest for path, digest in found.items() if digest is not None}


def _check_resource(
    config: ProjectConfig,
    name: str,
    record: ResourceRecord,
    spec_files: dict[str, str],
    wiring: _WiringFiles,
    hashes: FileHashes,
) -> list[Problem]:
    if record.spec_file not in spec_files:
        return [
            Problem(
                name,
                "spec-missing",
                record.spec_file,
                f"the spec of {name} was deleted",
                f"restore {record.spec_file} from version control",
            )
        ]
    problems = _file_problems(config, name, record, hashes)
    problems += _ejected_problems(name, record)
    problems += _wiring_problems(config, name, record, wiring)
    unchanged = spec_files[
        record.spec_file
    ] == record.spec_file_hash and _rendered_by_this_version(record)
    if not unchanged:
        problems += _render_problems(config, name, record)
    if any(p.kind == "modified" for p in problems):
        _attach_diffs(config, record, problems)
    return problems


def _file_problems(
    config: ProjectConfig, name: str, record: ResourceRecord, hashes: FileHashes
) -> list[Problem]:
    problems = []
    for path, digest in sorted(record.files.items()):
        if path == record.spec_file:
            continue  # the spec is the user's to edit
        if config.is_migration(path):
            if not os.path.isfile(config.root / path):
                problems.append(
                    Problem(
                        name,
                        "migration-missing",
                        path,
                        f"migration {path} is missing (migrations are history: "
                        "fastgen never rewrites them)",
                        f"restore it from version control: git checkout -- {path}",
                    )
                )
            continue  # once written, a migration is the user's to edit
        found = hashes.of(path)
        if found is None:
            problems.append(
                Problem(
                    name, "missing", path, f"generated file {path} is missing", SYNC
                )
            )
        elif found != digest:
            part = _part_of(path)
            keep = f", `fastgen eject {name} {part}`" if part else ""
            problems.append(
                Problem(
                    name,
                    "modified",
                    path,
                    f"{path} was edited by hand",
                    f"`{SYNC} --keep-edits` to keep the edit{keep}, or "
                    f"`{SYNC} --force` to restore it",
                )
            )
    return problems


def _ejected_problems(name: str, record: ResourceRecord) -> list[Problem]:
    """Ejected files whose spec has moved on since the user took them over."""
    problems = []
    for path, stamp in sorted(record.ejected.items()):
        part = _part_of(path)
        if stamp != record.spec_hash and part is not None:
            problems.append(
                Problem(
                    name,
                    "ejected-stale",
                    path,
                    f"{path} is yours (ejected) and its spec has moved on",
                    f"`fastgen diff {name} {part}` shows what fastgen would change; "
                    f"apply what you need, then `{SYNC} --keep-edits`",
                )
            )
    return problems


def _chain_problems(
    config: ProjectConfig, written: dict[str, str], hashes: FileHashes
) -> list[Problem]:
    """The revision history must be one unbroken chain with a single head."""
    from fastgen.migrations import broken_links, heads, read_revisions

    versions = config.versions_dir
    revisions = read_revisions(config.root, versions, written, hashes)
    problems = [
        Problem(
            "migrations",
            "chain-broken",
            revision.path,
            f"migration {revision.path} revises {parent}, which is not in "
            f"{versions}",
            f"restore revision {parent} from version control, or point "
            "down_revision at the revision before it",
        )
        for revision, parent in broken_links(revisions)
    ]
    found = heads(revisions)
    if len(found) > 1:
        problems.append(
            Problem(
                "migrations",
                "several-heads",
                versions,
                f"the migrations have {len(found)} heads ({', '.join(found)})",
                "alembic merge heads -m merge",
            )
        )
    return problems


def _part_of(path: str) -> str | None:
    """The ejectable part a generated file is (None for factories, packages)."""
    stem = Path(path).stem
    if stem.startswith("test_"):  # in whatever tests package the project uses
        return "tests"
    return stem if stem in {"models", "schemas", "service", "router"} else None


def _wiring_problems(
    config: ProjectConfig, name: str, record: ResourceRecord, wiring: _WiringFiles
) -> list[Problem]:
    names = Names.from_name(name)
    package = f"{config.app_package}.{names.plural_snake}"
    router_module = (record.router or config.api_router).partition(":")[0]
    router_path, router = wiring.of(router_module)
    models_path, models = wiring.of(config.models_module)
    problems = []
    if not router.router_wired(f"{package}.router", f"{names.plural_snake}_router"):
        problems.append(
            Problem(
                name,
                "unwired",
                router_path,
                f"the router of {name} is not included in {router_path}",
                SYNC,
            )
        )
    if not models.model_registered(f"{package}.models", names.class_name):
        problems.append(
            Problem(
                name,
                "unwired",
                models_path,
                f"the model {names.class_name} is not registered in {models_path}",
                SYNC,
            )
        )
    return problems


class _WiringFiles:
    """The modules resources are wired into, each read and scanned once however
    many resources are checked."""

    def __init__(self, config: ProjectConfig) -> None:
        self._config = config
        self._modules: dict[str, tuple[str, _WiredModule]] = {}

    def of(self, dotted: str) -> tuple[str, _WiredModule]:
        """The file of module ``dotted`` (src layouts too), and its wiring."""
        if dotted not in self._modules:
            path = self._config.module_path(dotted)
            source = _read(self._config.root / path)
            self._modules[dotted] = path, _WiredModule(source)
        return self._modules[dotted]


#: The usual shapes of wiring: ``from M import router as A``, ``.include_router(A``
#: and ``from M import A, B``.
_ROUTER_IMPORT = re.compile(r"^from (\S+) import router as (\w+)", re.M)
_INCLUDE = re.compile(r"\.include_router\(\s*(\w+)")
_FROM_IMPORT = re.compile(r"^from (\S+) import ([^\n]*)", re.M)


class _WiredModule:
    """A module's text, with the wiring in the usual shapes found in it; libcst
    only reads it when a resource is not wired in one of those shapes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._routers = set(_ROUTER_IMPORT.findall(source))
        self._included = set(_INCLUDE.findall(source))
        self._imported: dict[str, set[str]] = {}
        for module, names in _FROM_IMPORT.findall(source):
            self._imported.setdefault(module, set()).update(re.findall(r"\w+", names))

    def router_wired(self, module: str, alias: str) -> bool:
        if (module, alias) in self._routers and alias in self._included:
            return True
        from fastgen.wiring import has_router_wiring

        try:
            return has_router_wiring(self.source, module=module, alias=alias)
        except Exception:  # an unparsable file is reported as unwired
            return False

    def model_registered(self, module: str, name: str) -> bool:
        if name in self._imported.get(module, ()):
            return True
        from fastgen.wiring import has_model_registration

        try:
            return has_model_registration(self.source, module=module, name=name)
        except Exception:  # an unparsable file is reported as unwired
            return False


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
    except UnicodeDecodeError as exc:
        raise FastgenError(
            f"cannot read {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc


def _render_problems(
    config: ProjectConfig, name: str, record: ResourceRecord
) -> list[Problem]:
    """The spec file or fastgen changed: parse it, and render if the spec did not."""
    from fastgen.spec import load_spec_file, spec_hash

    spec = load_spec_file(config.root / record.spec_file)
    if spec_hash(spec) != record.spec_hash:
        return [
            Problem(
                name,
                "stale",
                record.spec_file,
                f"{record.spec_file} changed since it was applied",
                SYNC,
            )
        ]
    if _rendered_by_this_version(record):
        return []
    from fastgen.sync import plan_resource_sync

    plan = plan_resource_sync(config, spec)
    differs = [
        change.path
        for change in plan.changes
        if change.action is not Action.IDENTICAL
        and change.path not in (MANIFEST_PATH, BASES_PATH)
    ]
    if not differs:
        return []  # the new version writes the same bytes
    message = (
        f"generated by fastgen {record.fastgen_version}; fastgen {__version__} "
        "writes it differently"
    )
    if record.fastgen_version == __version__:
        message = "its table has no index for its list's order yet"
    return [Problem(name, "outdated", record.spec_file, message, SYNC)]


def _attach_diffs(
    config: ProjectConfig, record: ResourceRecord, problems: list[Problem]
) -> None:
    """Replace each ``modified`` problem by one carrying its hand edits as a diff."""
    from fastgen.spec import load_spec_file
    from fastgen.sync import plan_resource_sync

    spec = load_spec_file(config.root / record.spec_file)
    plan = plan_resource_sync(config, spec)
    diffs = {change.path: change.diff(reverse=True) for change in plan.changes}
    for index, problem in enumerate(problems):
        if problem.kind == "modified" and problem.path in diffs:
            problems[index] = Problem(
                problem.resource,
                problem.kind,
                problem.path,
                problem.message,
                problem.fix,
                diffs[problem.path],
            )


def _rendered_by_this_version(record: ResourceRecord) -> bool:
    """This fastgen wrote the resource, and its table has the list's index (a
    record without it is migrated by the next sync)."""
    return record.fastgen_version == __version__ and record.list_index
