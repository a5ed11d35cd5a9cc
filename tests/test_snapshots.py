"""Golden files: what fastgen generates for fixed specs, byte for byte.

Every resource file, the create and drop migrations, and update and rename
migrations for a set of spec changes are rendered and compared with
``tests/snapshots/<case>/`` (each file with ``.snap`` appended, so no tool takes
them for the project's own code). A refactor must leave them identical; a deliberate
change of the output updates them with ``FASTGEN_UPDATE_SNAPSHOTS=1 pytest
tests/test_snapshots.py`` and the diff is reviewed like any other change.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fastgen.access import Access
from fastgen.render import format_python_files
from fastgen.resource_context import targets_of
from fastgen.resource_render import (
    Migration,
    render_create_migration,
    render_drop_migration,
    render_resource,
)
from fastgen.schema_diff import render_rename_migration, render_update_migration
from fastgen.spec import ResourceSpec, parse_resource

SNAPSHOTS = Path(__file__).parent / "snapshots"

AUTHOR = parse_resource("Author", ["name:str{120}", "email:email:unique"])
EVERY_TYPE = parse_resource(
    "Post",
    [
        "title:str{200}:index",
        "subtitle:str?=null",
        "code:str{12}=abc:unique",
        "body:text",
        "summary:text?",
        "views:int=0:index",
        "rank:int?",
        "score:float=1.5",
        "ratio:float?",
        "price:decimal{10,2}=9.99",
        "tiny:decimal{3,3}?",
        "published:bool=false",
        "is_pinned:bool?",
        "day:date=2024-01-31",
        "due:date?:index",
        "at:datetime=2024-01-01T10:00:00Z",
        "seen_at:datetime?",
        "key:uuid?=123e4567-e89b-12d3-a456-426614174000",
        "contact:email?",
        "homepage:url=https://example.com",
        "meta:json?",
        "tags:json=[]",
        "status:enum{draft,published}=draft",
        "kind:enum{a,b,c}?:index",
        "author:ref:Author",
        "parent:ref:Post?",
    ],
)
COMMENT = parse_resource(
    "Comment",
    ["post:ref:Post:cascade", "reply_to:ref:Comment?:set_null", "author:ref:Author?"],
)
SHARED_UNIQUES = parse_resource(
    "Tag",
    [
        "label:str{40}:unique",
        "number:int:unique",
        "weight:float:unique",
        "amount:decimal{6,2}:unique",
        "cents:decimal{2,2}:unique",
        "day:date:unique",
        "at:datetime:unique",
        "token:uuid:unique",
        "mail:email:unique",
        "link:url:unique",
    ],
    access=Access.SHARED,
)
PUBLIC = parse_resource(
    "Article",
    ["title:str{200}:search", "published:bool=false", "author:ref:Author"],
    access=Access.PUBLIC,
    public_if="published",
)
#: Refers to a public resource (rows the caller can read) and to a shared one.
REVIEW = parse_resource(
    "Review",
    ["article:ref:Article", "tag:ref:Tag?", "stars:int{1,5}"],
    access=Access.PUBLIC,
)
CONSTRAINED = parse_resource(
    "Recipe",
    [
        "title:str{3,120}:index",
        "rating:int{1,5}=3",
        "servings:int{1,}?",
        "calories:bigint{0,}",
        "serial:bigint:unique",
        "weight:float{0.5,10}",
        "price:decimal{8,2,0,9999.99}",
        "summary:text{,500}?",
        "steps:text{10,}",
        "starts_at:time=18:00",
        "ends_at:time?:unique",
        "slug:slug{60}",
        "code:int{100,999}:unique",
    ],
)
SETTINGS = parse_resource(
    "Settings",
    ["theme:enum{light,dark}=light", "page_size:int{10,100}=20", "bio:text{,500}?"],
    singleton=True,
)
SEARCHABLE = parse_resource(
    "Note",
    [
        "title:str{200}:search",
        "body:text:search",
        "contact:email?:search",
        "code:str{2}:unique:search",  # too short to hold a search test's marker
        "pages:int",
    ],
)
#: A link resource: each recipe has a tag once, and a position (if any) once.
LINK = parse_resource(
    "RecipeTag",
    ["recipe:ref:Recipe", "tag:ref:Tag", "position:int?", "note:str{100}?"],
    unique_together=[["recipe", "tag"], ["recipe", "position"]],
)
#: A shared link: no owner, so a pair occurs once in the whole table.
SHARED_LINK = parse_resource(
    "TagPair",
    ["first:ref:Tag", "second:ref:Tag"],
    access=Access.SHARED,
    unique_together=[["first", "second"]],
)
SPECS = {
    "author": AUTHOR,
    "post": EVERY_TYPE,
    "tag": SHARED_UNIQUES,
    "recipe": CONSTRAINED,
    "comment": COMMENT,
    "settings": SETTINGS,
    "note": SEARCHABLE,
    "article": PUBLIC,
    "review": REVIEW,
    "recipe_tag": LINK,
    "tag_pair": SHARED_LINK,
}
TARGETS = targets_of({s.name: s for s in SPECS.values()})
MIGRATION = Migration("aaaaaaaaaaaa", "bbbbbbbbbbbb", "migrations/versions/x.py")


def _changed(
    spec: ResourceSpec, *fields: str, access: Access | None = None
) -> ResourceSpec:
    """``spec`` with the shorthand ``fields`` replacing those of the same name
    (a name alone, ``-name``, removes it)."""
    changed = {f.name: f for f in spec.fields}
    for text in fields:
        if text.startswith("-"):
            del changed[text[1:]]
            continue
        field = parse_resource(spec.name, [text]).fields[0]
        changed[field.name] = field
    return ResourceSpec.model_validate(
        spec.model_dump(exclude={"owned"})
        | {"fields": list(changed.values()), "access": access or spec.access}
    )


def _renamed(spec: ResourceSpec, old: str, new: str) -> ResourceSpec:
    fields = [
        f.model_copy(update={"name": new, "renamed_from": old}) if f.name == old else f
        for f in spec.fields
    ]
    return spec.model_copy(update={"fields": fields})


UPDATES: dict[str, tuple[ResourceSpec, ResourceSpec]] = {
    "add_fields": (
        EVERY_TYPE,
        _changed(
            EVERY_TYPE,
            "extra:int=3:index",
            "note:str{50}",
            "mood:enum{up,down}?",
            "editor:ref:Author?",
        ),
    ),
    "alter_types": (
        EVERY_TYPE,
        _changed(
            EVERY_TYPE,
            "title:text",
            "code:str{8}=abc:unique",
            "price:decimal{8,1}=9.9",
            "status:enum{draft,live}=draft",
            "rank:int",
            "views:float=0",
            "subtitle:enum{a,b}?",
        ),
    ),
    "drop_fields": (EVERY_TYPE, _changed(EVERY_TYPE, "-kind", "-author", "-code")),
    "flags": (
        EVERY_TYPE,
        _changed(EVERY_TYPE, "title:str{200}:unique", "views:int=0", "day:date:index"),
    ),
    "shared": (EVERY_TYPE, _changed(EVERY_TYPE, access=Access.SHARED)),
    "rename_field": (EVERY_TYPE, _renamed(EVERY_TYPE, "code", "ref_code")),
    "constraints": (
        CONSTRAINED,
        _changed(
            CONSTRAINED,
            "rating:int{1,10}=3",
            "servings:int?",
            "summary:text{5,500}?",
            "title:str{3,100}:index",
            "calories:bigint{0,1000}",
            "depth:int{0,}=0",
        ),
    ),
    "unique_together": (
        LINK.model_copy(update={"unique_together": [["recipe", "tag"]]}),
        LINK.model_copy(update={"unique_together": [["recipe", "position"]]}),
    ),
    "on_delete": (
        COMMENT,
        _changed(COMMENT, "post:ref:Post", "author:ref:Author?:set_null"),
    ),
}


def _resource_files(spec: ResourceSpec) -> dict[str, str]:
    files = format_python_files(render_resource(spec, targets=TARGETS))
    files["create_migration.py"] = render_create_migration(
        spec, targets=TARGETS, migration=MIGRATION
    )
    files["drop_migration.py"] = render_drop_migration(
        spec, targets=TARGETS, migration=MIGRATION
    )
    return files


def _update_files(old: ResourceSpec, new: ResourceSpec) -> dict[str, str]:
    rendered = render_update_migration(
        old,
        new,
        targets=TARGETS,
        revision="cccccccccccc",
        down_revision="dddddddddd",
        header="# header",
    )
    assert rendered is not None
    warnings = "".join(f"{line}\n" for line in rendered.warnings)
    return {"migration.py": rendered.text, "warnings.txt": warnings}


def _rename_resource_files() -> dict[str, str]:
    new = AUTHOR.model_copy(update={"name": "Writer"})
    targets = TARGETS | targets_of({"Writer": new})
    text = render_rename_migration(
        AUTHOR,
        new,
        targets=targets,
        referrers=[("posts", "author_id", "RESTRICT")],
        revision="eeeeeeeeeeee",
        down_revision="ffffffffffff",
        header="# header",
    )
    return {"migration.py": text.text}


CASES: dict[str, Callable[[], dict[str, str]]] = {
    **{
        f"resource_{key}": (lambda s=spec: _resource_files(s))
        for key, spec in SPECS.items()
    },
    **{
        f"update_{key}": (lambda o=old, n=new: _update_files(o, n))
        for key, (old, new) in UPDATES.items()
    },
    "rename_resource": _rename_resource_files,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_output_matches_its_snapshot(case: str) -> None:
    files = CASES[case]()
    directory = SNAPSHOTS / case
    if os.environ.get("FASTGEN_UPDATE_SNAPSHOTS"):
        for path, text in files.items():
            target = directory / f"{path}.snap"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    stored = {
        str(path.relative_to(directory)).removesuffix(".snap"): path.read_text(
            encoding="utf-8"
        )
        for path in directory.rglob("*.snap")
    }
    assert sorted(stored) == sorted(files)
    diffs = [
        "".join(
            difflib.unified_diff(
                stored[path].splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"snapshot/{path}",
                f"rendered/{path}",
            )
        )
        for path, text in sorted(files.items())
        if stored[path] != text
    ]
    assert not diffs, "\n".join(diffs)
