"""``fastgen remove resource``: the exact inverse of ``add resource``.

The plan deletes the resource's generated files and its spec, unwires its router
and model, drops its manifest entry and appends a revision that drops its table
(its downgrade creates the table again). Files the user edited or ejected are kept
and listed unless ``--force``.
"""

from __future__ import annotations

from fastgen.add_resource import (
    ResourcesPlan,
    project_layout,
    spec_files,
    unwiring_edits,
)
from fastgen.errors import FastgenError
from fastgen.hand_edits import is_hand_edited
from fastgen.manifest import (
    BASES_PATH,
    MANIFEST_PATH,
    Manifest,
    dump_bases,
    dump_manifest,
    load_bases,
    load_manifest,
)
from fastgen.migrations import (
    create_revision,
    current_head,
    drop_revision,
    read_revisions,
)
from fastgen.plan import make_plan, read_exact
from fastgen.project_config import ProjectConfig
from fastgen.resource_context import targets_of
from fastgen.resource_render import Migration, ResourcePaths, render_drop_migration
from fastgen.spec import ResourceSpec


def plan_remove_resource(
    config: ProjectConfig, resource: str, *, force: bool = False
) -> ResourcesPlan:
    """The plan that removes ``resource`` from the project."""
    from fastgen.sync import find_spec

    root = config.root
    found = spec_files(root)
    spec, spec_file = find_spec(found, resource)
    referrers = sorted(
        other.name
        for other, _ in found.values()
        if other.name != spec.name and any(f.ref == spec.name for f in other.fields)
    )
    if referrers:
        raise FastgenError(
            f"{spec.name} is referred to by {', '.join(referrers)}: remove those "
            f"refs or resources first (e.g. `fastgen remove resource {referrers[0]}`)"
        )
    manifest = load_manifest(root)
    record = manifest.resources.get(spec.name)
    if record is None:
        raise FastgenError(
            f"{spec.name} was never generated: delete {spec_file} if you do not "
            "want it"
        )
    paths = ResourcePaths(spec, project_layout(config))
    owned = {p: h for p, h in record.files.items() if not config.is_migration(p)}
    ejected = {paths.parts()[part] for part in spec.ejected}
    bases = load_bases(root)
    deleted, kept = set(), []
    for path in sorted({*owned, *ejected, spec_file}):
        text = read_exact(root / path)
        if text is None:
            continue
        if not force and (
            path in ejected
            or (
                path in owned
                and is_hand_edited(text, recorded=owned[path], base=bases.get(path))
            )
        ):
            kept.append(path)
        else:
            deleted.add(path)
    remaining = Manifest(
        resources={n: r for n, r in manifest.resources.items() if n != spec.name}
    )
    files = unwiring_edits(config, spec, record.router or None, sources={})
    files |= _drop_migration(config, spec, found)
    left = {p: text for p, text in bases.items() if p not in {*owned, *ejected}}
    for path, text in (
        (MANIFEST_PATH, dump_manifest(remaining) if remaining.resources else None),
        (BASES_PATH, dump_bases(left) if left else None),
    ):
        if text is None:
            deleted.add(path)  # as it was before the first resource
        else:
            files[path] = text
    plan = make_plan(
        root,
        files,
        written_hashes={},
        edited_in_place=frozenset(files),
        deleted=frozenset(deleted),
    )
    warnings = tuple(
        f"kept {path}: it is yours (edited by hand or ejected); delete it yourself, "
        "or rerun with --force"
        for path in kept
    )
    return ResourcesPlan(plan, warnings)


def _drop_migration(
    config: ProjectConfig,
    spec: ResourceSpec,
    found: dict[str, tuple[ResourceSpec, str]],
) -> dict[str, str]:
    """The revision dropping ``spec``'s table, chained on the current head."""
    revisions = read_revisions(config.root, config.versions_dir)
    table = spec.names.plural_snake
    revision = drop_revision(create_revision(table, revisions))
    migration = Migration(
        revision,
        current_head(revisions),
        f"{config.versions_dir}/{revision}_drop_{table}.py",
    )
    text = render_drop_migration(
        spec,
        targets=targets_of({name: s for name, (s, _) in found.items()}),
        migration=migration,
        layout=project_layout(config),
    )
    return {migration.path: text}
