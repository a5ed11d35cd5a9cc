"""``fastgen sync``, ``fastgen add field`` and ``fastgen eject``: keeping generated
code in step with the specs in ``resources/``."""

from __future__ import annotations

import difflib
from dataclasses import replace

from fastgen.add_resource import (
    ResourcesPlan,
    load_project_specs,
    plan_resources,
    project_layout,
    spec_files,
    writable_spec,
)
from fastgen.errors import FastgenError
from fastgen.hand_edits import DEFAULT_POLICY, EditPolicy, is_hand_edited
from fastgen.manifest import (
    BASES_PATH,
    MANIFEST_PATH,
    dump_bases,
    dump_manifest,
    load_bases,
    load_manifest,
)
from fastgen.naming import Names
from fastgen.plan import Plan, content_hash, make_plan, read_exact
from fastgen.project_config import ProjectConfig
from fastgen.resource_render import ResourcePaths, ownership_header
from fastgen.spec import (
    PARTS,
    FieldSpec,
    ResourceSpec,
    check_field_name,
    dump_spec,
    parse_field,
    spec_hash,
)


def plan_sync(
    config: ProjectConfig, policy: EditPolicy = DEFAULT_POLICY
) -> ResourcesPlan:
    """Re-render every resource from its spec, rewire, and migrate schema changes."""
    specs = load_project_specs(config.root)
    if not specs:
        raise FastgenError(
            "no specs in resources/: add one with `fastgen add resource NAME FIELD...`"
        )
    return plan_resources(config, _dependency_order(specs), policy=policy)


def plan_resource_sync(config: ProjectConfig, spec: ResourceSpec) -> Plan:
    """What sync would do for one resource (used by ``check`` to explain drift)."""
    return plan_resources(config, [spec]).plan


def plan_add_field(
    config: ProjectConfig,
    resource: str,
    fields: list[str],
    policy: EditPolicy = DEFAULT_POLICY,
) -> ResourcesPlan:
    """Add fields to a resource's spec and sync it, in one plan."""
    spec, _ = _spec_of(config, resource)
    added = [parse_field(text) for text in fields]
    taken = {field.name for field in spec.fields}
    for field in added:
        if field.name in taken:
            raise FastgenError(
                f"{spec.name} already has a field {field.name}: edit its spec to "
                "change it, then run `fastgen sync`"
            )
        taken.add(field.name)
    updated = _changed(spec, fields=[*spec.fields, *added])
    return plan_resources(config, [updated], policy=policy, write_specs=True)


def plan_rename_field(
    config: ProjectConfig,
    resource: str,
    old: str,
    new: str,
    policy: EditPolicy = DEFAULT_POLICY,
) -> ResourcesPlan:
    """Rename a field in its spec (``renamed_from`` records the old name) and sync:
    the code follows, and a new revision renames the column, keeping its data."""
    spec, _ = _spec_of(config, resource)
    names = [field.name for field in spec.fields]
    if old not in names:
        raise FastgenError(
            f"{spec.name} has no field {old} (fields: {', '.join(names)})"
        )
    if check_field_name(new) in names:
        raise FastgenError(
            f"{spec.name} already has a field {new}: choose another name, or remove "
            "that field first"
        )
    updated = _changed(
        spec,
        fields=[
            (
                field.model_copy(update={"name": new, "renamed_from": old})
                if field.name == old
                else field
            )
            for field in spec.fields
        ],
        public_if=new if spec.public_if == old else spec.public_if,
        unique_together=[
            [new if name == old else name for name in group]
            for group in spec.unique_together
        ],
    )
    return plan_resources(config, [updated], policy=policy, write_specs=True)


def plan_rename_resource(
    config: ProjectConfig,
    old: str,
    new: str,
    policy: EditPolicy = DEFAULT_POLICY,
) -> ResourcesPlan:
    """Rename a resource: its table (rows kept), module folder, routes, class names,
    spec, and the refs, code and tests of the resources that point at it."""
    found = spec_files(config.root)
    spec, _ = find_spec(found, old)
    if spec.ejected:
        raise FastgenError(
            f"{spec.name} has ejected parts ({', '.join(spec.ejected)}), which fastgen "
            "cannot move: rename them by hand, or remove them from `ejected:` first"
        )
    new = Names.from_name(new).class_name  # a bad name is a one-line error
    renamed = _changed(
        spec, name=new, fields=[_retargeted(f, spec.name, new) for f in spec.fields]
    )
    _check_free_name(renamed, found, spec)
    edited = _edited_files(config, spec.name) if not policy.force else []
    if edited:
        raise FastgenError(
            f"{', '.join(edited)} changed by hand; a rename moves them: restore "
            "them first (`fastgen sync --force`), or rerun with --force to drop the "
            "edits"
        )
    referrers = [
        _changed(
            other,
            fields=[_retargeted(f, spec.name, renamed.name) for f in other.fields],
        )
        for other, _ in found.values()
        if other.name != spec.name and any(f.ref == spec.name for f in other.fields)
    ]
    return plan_resources(
        config,
        [renamed, *referrers],
        policy=policy,
        write_specs=True,
        renamed={spec.name: renamed.name},
    )


def _changed(spec: ResourceSpec, **changes: object) -> ResourceSpec:
    """``spec`` with ``changes``, validated again as a whole."""
    return ResourceSpec.model_validate(spec.model_dump() | changes)


def _retargeted(field: FieldSpec, old: str, new: str) -> FieldSpec:
    """``field`` with a ref to ``old`` pointing at ``new``."""
    return field.model_copy(update={"ref": new}) if field.ref == old else field


def _check_free_name(
    renamed: ResourceSpec,
    found: dict[str, tuple[ResourceSpec, str]],
    spec: ResourceSpec,
) -> None:
    names = renamed.names
    if renamed.name == spec.name:
        raise FastgenError(f"{spec.name} is already called {renamed.name}")
    for other, path in found.values():
        if other.name == spec.name:
            continue
        taken = {other.name, other.names.snake, other.names.plural_snake}
        if taken & {renamed.name, names.snake, names.plural_snake}:
            raise FastgenError(
                f"{renamed.name} would clash with {other.name} ({path}): choose "
                "another name"
            )


def _edited_files(config: ProjectConfig, name: str) -> list[str]:
    """The generated files of ``name`` that are not what fastgen rendered: edited
    since it wrote them, or edits the user kept."""
    record = load_manifest(config.root).resources.get(name)
    if record is None:
        return []
    bases = load_bases(config.root)
    edited = []
    for path, digest in sorted(record.files.items()):
        text = read_exact(config.root / path)
        if config.is_migration(path) or text is None:
            continue
        if is_hand_edited(text, recorded=digest, base=bases.get(path)):
            edited.append(path)
    return edited


def plan_eject(config: ProjectConfig, resource: str, part: str) -> Plan:
    """Hand one generated file to the user: record it in the spec, stop owning it."""
    if part not in PARTS:
        raise FastgenError(f"unknown part {part!r}: choose one of {', '.join(PARTS)}")
    spec, spec_file = _spec_of(config, resource)
    if part in spec.ejected:
        raise FastgenError(f"{spec.name} {part} is already yours; nothing to eject")
    manifest = load_manifest(config.root)
    record = manifest.resources.get(spec.name)
    if record is None:
        raise FastgenError(
            f"{spec.name} has never been generated: run `fastgen sync` first"
        )
    paths = ResourcePaths(spec, project_layout(config))
    path = paths.parts()[part]
    ejected = _changed(spec, ejected=[*spec.ejected, part])
    spec_text = dump_spec(ejected)
    files = {writable_spec(spec_file): spec_text}
    current = read_exact(config.root / path) or ""
    files[path] = current.removeprefix(ownership_header(paths, part) + "\n")
    record = replace(
        record,
        spec_hash=spec_hash(ejected),
        spec_file_hash=content_hash(spec_text),
        spec=ejected.model_dump(mode="json"),
        files={p: h for p, h in record.files.items() if p != path},
        ejected=record.ejected | {path: spec_hash(ejected)},
    )
    manifest = replace(manifest, resources=manifest.resources | {spec.name: record})
    files[MANIFEST_PATH] = dump_manifest(manifest)
    bases = load_bases(config.root)
    if path not in bases:  # a project from before bases were kept
        files[BASES_PATH] = dump_bases(bases | {path: current})
    return make_plan(
        config.root,
        files,
        written_hashes=manifest.written_hashes(),
        edited_in_place=frozenset(files),
    )


def ejected_patch(config: ProjectConfig, resource: str, part: str) -> str:
    """The diff from what fastgen rendered when ``part`` was ejected (or last
    caught up with) to what it renders for the spec now: a patch for the ejected
    file, applicable with ``git apply`` where the user's edits do not touch it."""
    if part not in PARTS:
        raise FastgenError(f"unknown part {part!r}: choose one of {', '.join(PARTS)}")
    spec, _ = _spec_of(config, resource)
    paths = ResourcePaths(spec, project_layout(config))
    path = paths.parts()[part]
    if part not in spec.ejected:
        raise FastgenError(
            f"{spec.name} {part} is fastgen's, not ejected: `fastgen sync --dry-run` "
            "shows what would change"
        )
    base = load_bases(config.root).get(path)
    if base is None:
        raise FastgenError(
            f"no record of what fastgen wrote for {path} (ejected by an older "
            "fastgen): run `fastgen sync --keep-edits` to start tracking it"
        )
    from fastgen.add_resource import render_resource_files

    render = render_resource_files(config, spec)[path]
    header = ownership_header(paths, part) + "\n"  # the ejected file has none
    return "".join(
        difflib.unified_diff(
            base.removeprefix(header).splitlines(keepends=True),
            render.removeprefix(header).splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def _spec_of(config: ProjectConfig, resource: str) -> tuple[ResourceSpec, str]:
    """The spec named ``resource`` (class, snake or plural name) and its file."""
    return find_spec(spec_files(config.root), resource)


def find_spec(
    found: dict[str, tuple[ResourceSpec, str]], resource: str
) -> tuple[ResourceSpec, str]:
    """The spec of ``found`` named ``resource`` (class, snake or plural name)."""
    for spec, path in found.values():
        if resource in (spec.name, spec.names.snake, spec.names.plural_snake):
            return spec, path
    known = ", ".join(sorted(found)) or "none yet"
    raise FastgenError(
        f"no resource named {resource} in resources/ (resources: {known})"
    )


def _dependency_order(specs: dict[str, ResourceSpec]) -> list[ResourceSpec]:
    """Specs with every ref target before the resources referring to it."""
    ordered: list[ResourceSpec] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in specs:
            return
        seen.add(name)
        for field in specs[name].fields:
            if field.ref and field.ref != name:
                visit(field.ref)
        ordered.append(specs[name])

    for name in sorted(specs):
        visit(name)
    return ordered
