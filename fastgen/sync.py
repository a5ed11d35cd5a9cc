"""``fastgen sync``, ``fastgen add field`` and ``fastgen eject``: keeping generated
code in step with the specs in ``resources/``."""

from __future__ import annotations

from fastgen.add_resource import (
    ResourcesPlan,
    load_project_specs,
    plan_resources,
    spec_files,
    writable_spec,
)
from fastgen.errors import FastgenError
from fastgen.manifest import MANIFEST_PATH, dump_manifest, load_manifest
from fastgen.plan import Plan, content_hash, make_plan, read_exact
from fastgen.project_config import ProjectConfig
from fastgen.resource_render import ResourcePaths, ownership_header
from fastgen.spec import PARTS, ResourceSpec, dump_spec, parse_field, spec_hash


def plan_sync(config: ProjectConfig, *, force: bool = False) -> ResourcesPlan:
    """Re-render every resource from its spec, rewire, and migrate schema changes."""
    specs = load_project_specs(config.root)
    if not specs:
        raise FastgenError(
            "no specs in resources/: add one with `fastgen add resource NAME FIELD...`"
        )
    return plan_resources(config, _dependency_order(specs), force=force)


def plan_resource_sync(config: ProjectConfig, spec: ResourceSpec) -> Plan:
    """What sync would do for one resource (used by ``check`` to explain drift)."""
    return plan_resources(config, [spec]).plan


def plan_add_field(
    config: ProjectConfig, resource: str, fields: list[str], *, force: bool = False
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
    data = spec.model_dump()
    data["fields"] = [*spec.fields, *added]
    updated = ResourceSpec.model_validate(data)
    return plan_resources(config, [updated], force=force, write_specs=True)


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
    from fastgen.add_resource import project_layout

    paths = ResourcePaths(spec, project_layout(config))
    path = paths.parts()[part]
    ejected = ResourceSpec.model_validate(
        spec.model_dump() | {"ejected": [*spec.ejected, part]}
    )
    spec_text = dump_spec(ejected)
    files = {writable_spec(spec_file): spec_text}
    current = read_exact(config.root / path) or ""
    files[path] = current.removeprefix(ownership_header(paths, part) + "\n")
    record = record.model_copy(
        update={
            "spec_hash": spec_hash(ejected),
            "spec_file_hash": content_hash(spec_text),
            "spec": ejected.model_dump(mode="json"),
            "files": {p: h for p, h in record.files.items() if p != path},
        }
    )
    manifest = manifest.model_copy(
        update={"resources": manifest.resources | {spec.name: record}}
    )
    files[MANIFEST_PATH] = dump_manifest(manifest)
    return make_plan(
        config.root,
        files,
        written_hashes=manifest.written_hashes(),
        edited_in_place=frozenset(files),
    )


def _spec_of(config: ProjectConfig, resource: str) -> tuple[ResourceSpec, str]:
    """The spec named ``resource`` (class, snake or plural name) and its file."""
    found = spec_files(config.root)
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
