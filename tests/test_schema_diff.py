"""Update migrations: the schema difference between two specs of a resource.

Unit tests check ``diff_specs`` for each kind of change. The database tests
generate a project, migrate it to the old spec, insert a row, then apply the
rendered update migration (with the new spec's model in place) on SQLite and
PostgreSQL: ``alembic check`` must find nothing, ``downgrade -1`` must give back
exactly the old schema, and upgrading again must work.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from fastgen.access import Access, AccessRule
from fastgen.errors import FastgenError
from fastgen.migrations import current_head, read_revisions
from fastgen.naming import Names
from fastgen.render import format_python_files
from fastgen.resource_context import Target
from fastgen.resource_render import (
    Migration,
    ResourcePaths,
    render_create_migration,
    render_resource,
)
from fastgen.schema_diff import (
    ChangeKind,
    RenderedMigration,
    SchemaDiff,
    diff_specs,
    render_update_migration,
)
from fastgen.spec import ResourceSpec, dump_spec, load_spec_file, parse_resource
from fastgen.wiring import register_model
from tests.e2e import generate_project, mypy, run

BASE = [
    "title:str{200}",
    "subtitle:str{100}?",
    "slug:str{80}:unique",
    "status:enum{draft,published}=draft",
    "rank:int:index",
    "score:decimal{6,2}?",
    "code:str{12}?:index:unique",
]
PRIVATE = AccessRule(Access.PRIVATE)
TARGETS = {
    "Author": Target(Names.from_name("Author"), PRIVATE),
    "Post": Target(Names.from_name("Post"), PRIVATE),
}

A = ChangeKind


def post(
    *fields: str, owned: bool = True, unique_together: list[list[str]] | None = None
) -> ResourceSpec:
    access = Access.PRIVATE if owned else Access.SHARED
    return parse_resource(
        "Post", list(fields), access=access, unique_together=unique_together
    )


def replace(old: str, *new: str, base: list[str] = BASE) -> list[str]:
    """``base`` with the field named like ``old`` replaced by ``new`` (or removed)."""
    name = old.split(":")[0]
    fields: list[str] = []
    for field in base:
        fields.extend(new if field.split(":")[0] == name else [field])
    return fields


def diff(*fields: str, owned: bool = True, old: list[str] | None = None) -> SchemaDiff:
    return diff_specs(post(*(old or BASE)), post(*fields, owned=owned), TARGETS)


# --- diff_specs -------------------------------------------------------------------


def test_identical_specs_have_no_changes() -> None:
    result = diff(*BASE)
    assert result.is_empty
    assert result.warnings == ()
    assert (
        render_update_migration(
            post(*BASE),
            post(*BASE),
            targets=TARGETS,
            revision="r",
            down_revision=None,
            header="#",
        )
        is None
    )


def test_changed_default_alone_is_no_schema_change() -> None:
    fields = replace("status", "status:enum{draft,published}=published")
    fields = [f for f in fields if not f.startswith("subtitle")] + [
        "subtitle:str{100}?=hello"
    ]
    result = diff(*fields, old=[*BASE[:1], *BASE[2:], "subtitle:str{100}?"])
    assert result.is_empty


def test_field_order_alone_is_no_schema_change() -> None:
    assert diff(*reversed(BASE)).is_empty


def test_added_column_with_default() -> None:
    result = diff(*BASE, "views:int=0")
    assert result.kinds() == [(A.ADD_COLUMN, "views")]
    assert result.warnings == ()
    assert result.summary == "add views"


def test_added_optional_column() -> None:
    result = diff(*BASE, "note:text?")
    assert result.kinds() == [(A.ADD_COLUMN, "note")]
    assert result.warnings == ()


def test_added_required_column_without_default_warns() -> None:
    result = diff(*BASE, "views:int")
    assert result.kinds() == [(A.ADD_COLUMN, "views")]
    (warning,) = result.warnings
    assert "posts.views is required and has no default" in warning
    assert "fails on a table with rows" in warning


def test_added_ref_adds_column_foreign_key_and_index() -> None:
    result = diff(*BASE, "author:ref:Author?")
    assert result.kinds() == [
        (A.ADD_COLUMN, "author_id"),
        (A.ADD_CONSTRAINT, "fk_posts_author_id_authors"),
        (A.ADD_INDEX, "ix_posts_author_id"),
    ]
    assert result.warnings == ()


def test_self_ref_points_at_its_own_table() -> None:
    result = diff(*BASE, "parent:ref:Post?")
    assert (A.ADD_CONSTRAINT, "fk_posts_parent_id_posts") in result.kinds()


def test_unknown_ref_target_is_a_clear_error() -> None:
    with pytest.raises(FastgenError, match="Editor"):
        diff(*BASE, "editor:ref:Editor?")


def test_removed_column_drops_its_index_and_constraints_first() -> None:
    result = diff(*replace("rank"), old=replace("rank", "rank:int:unique:index"))
    assert result.kinds() == [
        (A.DROP_INDEX, "ix_posts_rank"),
        (A.DROP_CONSTRAINT, "uq_posts_owner_id_rank"),
        (A.DROP_COLUMN, "rank"),
    ]
    assert result.warnings == ("posts.rank is removed: data in rank is dropped.",)


def test_removed_enum_and_ref_drop_check_and_foreign_key() -> None:
    result = diff(*replace("status"), old=[*BASE, "author:ref:Author"])
    assert result.kinds() == [
        (A.DROP_INDEX, "ix_posts_author_id"),
        (A.DROP_CONSTRAINT, "ck_posts_post_status"),
        (A.DROP_CONSTRAINT, "fk_posts_author_id_authors"),
        (A.DROP_COLUMN, "status"),
        (A.DROP_COLUMN, "author_id"),
    ]
    assert result.summary == "drop status, drop author_id"


def test_rename_is_remove_plus_add_with_a_warning() -> None:
    result = diff(*replace("subtitle", "tagline:str{100}?"))
    assert result.kinds() == [(A.DROP_COLUMN, "subtitle"), (A.ADD_COLUMN, "tagline")]
    (warning,) = result.warnings
    assert "this is remove + add, and data in subtitle is dropped" in warning
    assert "`fastgen rename field` keeps it" in warning
    assert result.summary == "add tagline, drop subtitle"


def _renamed(spec: ResourceSpec, old: str, new: str) -> ResourceSpec:
    fields = [
        f.model_copy(update={"name": new, "renamed_from": old}) if f.name == old else f
        for f in spec.fields
    ]
    return ResourceSpec.model_validate(spec.model_dump() | {"fields": fields})


def test_renamed_from_renames_in_place_and_renames_what_is_named_after_it() -> None:
    result = diff_specs(post(*BASE), _renamed(post(*BASE), "code", "ref_code"), TARGETS)
    assert result.kinds() == [
        (A.DROP_INDEX, "ix_posts_code"),
        (A.DROP_CONSTRAINT, "uq_posts_owner_id_code"),
        (A.RENAME_COLUMN, "code"),
        (A.ADD_CONSTRAINT, "uq_posts_owner_id_ref_code"),
        (A.ADD_INDEX, "ix_posts_ref_code"),
    ]
    assert result.renames == {"code": "ref_code"}
    assert result.warnings == ()
    assert result.summary == "rename code to ref_code"


def test_a_renamed_ref_renames_its_column_and_keeps_its_target_silently() -> None:
    old = post(*BASE, "author:ref:Author")
    result = diff_specs(old, _renamed(old, "author", "writer"), TARGETS)
    assert (A.RENAME_COLUMN, "author_id") in result.kinds()
    assert result.renames == {"author_id": "writer_id"}
    assert all(not change.review for change in result.changes)
    assert result.warnings == ()


def test_a_stale_renamed_from_is_ignored() -> None:
    applied = _renamed(post(*BASE), "code", "ref_code")
    assert diff_specs(applied, applied, TARGETS).is_empty
    both = post(*BASE[:-1], "ref_code:str{12}?:index:unique", "code:str{5}?")
    fields = [
        f.model_copy(update={"renamed_from": "code"}) if f.name == "ref_code" else f
        for f in both.fields
    ]
    again = ResourceSpec.model_validate(both.model_dump() | {"fields": fields})
    assert diff_specs(applied, again, TARGETS).renames == {}  # both names exist


def test_the_rename_migration_reverses_the_rename() -> None:
    rendered = render_update_migration(
        post(*BASE),
        _renamed(post(*BASE), "rank", "position"),
        targets=TARGETS,
        revision="abc",
        down_revision=None,
        header="# header",
    )
    assert rendered is not None
    upgrade, downgrade = rendered.text.split("def downgrade")
    assert '"rank",\n            new_column_name="position"' in upgrade
    assert '"position",\n            new_column_name="rank"' in downgrade
    # the index on the renamed column is made in a block after the rename
    assert upgrade.count("with op.batch_alter_table") == 2


def test_longer_string_is_a_silent_type_change() -> None:
    result = diff(*replace("title", "title:str{300}"))
    assert result.kinds() == [(A.ALTER_TYPE, "title")]
    assert result.warnings == ()
    assert result.summary == "alter title"


def test_shorter_string_warns() -> None:
    result = diff(*replace("title", "title:str{100}"))
    assert result.kinds() == [(A.ALTER_TYPE, "title")]
    assert result.warnings == (
        "posts.title shrinks from 200 to 100 characters: longer values make this "
        "fail (PostgreSQL).",
    )


def test_optional_to_required_with_default() -> None:
    result = diff(*replace("subtitle", "subtitle:str{100}=untitled"))
    assert result.kinds() == [(A.ALTER_NULLABLE, "subtitle")]
    assert "set to its default" in result.warnings[0]


def test_optional_to_required_without_default_warns() -> None:
    result = diff(*replace("subtitle", "subtitle:str{100}"))
    assert result.kinds() == [(A.ALTER_NULLABLE, "subtitle")]
    assert "fails if a row holds NULL" in result.warnings[0]


def test_required_to_optional_is_silent() -> None:
    result = diff(*replace("title", "title:str{200}?"))
    assert result.kinds() == [(A.ALTER_NULLABLE, "title")]
    assert result.warnings == ()


def test_changed_type_warns_about_data() -> None:
    result = diff(*replace("rank", "rank:str{20}:index"))
    assert result.kinds() == [(A.ALTER_TYPE, "rank")]
    (warning,) = result.warnings
    assert "changes type from int to str{20}" in warning
    assert "review: may lose data" in warning


def test_decimal_precision_and_scale() -> None:
    wider = diff(*replace("score", "score:decimal{10,3}?"))
    assert wider.kinds() == [(A.ALTER_TYPE, "score")]
    assert wider.warnings == ()
    narrower = diff(*replace("score", "score:decimal{6,1}?"))
    assert narrower.kinds() == [(A.ALTER_TYPE, "score")]
    assert "narrows" in narrower.warnings[0]


def test_added_and_removed_index() -> None:
    result = diff(*replace("rank", "rank:int"))
    assert result.kinds() == [(A.DROP_INDEX, "ix_posts_rank")]
    assert result.summary == "unindex rank"
    result = diff(*replace("title", "title:str{200}:index"))
    assert result.kinds() == [(A.ADD_INDEX, "ix_posts_title")]
    assert result.summary == "index title"


def test_added_and_removed_unique_per_owner() -> None:
    result = diff(*replace("slug", "slug:str{80}"))
    assert result.kinds() == [(A.DROP_CONSTRAINT, "uq_posts_owner_id_slug")]
    assert result.summary == "drop unique slug"
    result = diff(*replace("title", "title:str{200}:unique"))
    assert result.kinds() == [(A.ADD_CONSTRAINT, "uq_posts_owner_id_title")]
    assert "fails if existing rows hold duplicates" in result.warnings[0]


def test_unique_on_shared_resource_is_global_and_replaces_the_index() -> None:
    old = post(*BASE, owned=False)
    new = post(*replace("rank", "rank:int:index:unique"), owned=False)
    result = diff_specs(old, new, TARGETS)
    assert result.kinds() == [
        (A.DROP_INDEX, "ix_posts_rank"),
        (A.ADD_CONSTRAINT, "uq_posts_rank"),
    ]


def test_unique_together_is_scoped_by_owner_and_reviewed_when_added() -> None:
    old = post(*BASE)
    new = post(*BASE, unique_together=[["title", "rank"]])
    result = diff_specs(old, new, TARGETS)
    assert result.kinds() == [(A.ADD_CONSTRAINT, "uq_posts_owner_id_title_rank")]
    assert result.changes[0].constraint.columns == ("owner_id", "title", "rank")
    assert result.summary == "unique title and rank"
    assert "unique (owner_id, title, rank) on posts: fails if existing rows" in (
        result.changes[0].review[0]
    )
    back = diff_specs(new, old, TARGETS)
    assert back.kinds() == [(A.DROP_CONSTRAINT, "uq_posts_owner_id_title_rank")]
    assert back.summary == "drop unique title and rank"


def test_unique_together_on_a_shared_resource_has_no_owner() -> None:
    old = post(*BASE, owned=False)
    new = post(*BASE, owned=False, unique_together=[["title", "rank"]])
    assert diff_specs(old, new, TARGETS).kinds() == [
        (A.ADD_CONSTRAINT, "uq_posts_title_rank")
    ]


def test_unique_together_over_an_already_unique_field_needs_no_review() -> None:
    new = post(*BASE, unique_together=[["slug", "rank"]])
    (change,) = diff_specs(post(*BASE), new, TARGETS).changes
    assert change.review == ()


def test_unique_together_over_new_columns_only_needs_no_review() -> None:
    new = post(
        *BASE,
        "author:ref:Author?",
        "title2:str{10}?",
        unique_together=[["author", "title2"]],
    )
    result = diff_specs(post(*BASE), new, TARGETS)
    group = next(c for c in result.changes if c.name.startswith("uq_"))
    assert group.name == "uq_posts_owner_id_author_id_title2"
    assert group.review == ()
    assert result.summary.endswith(", unique author_id and title2")


def test_unique_together_over_a_renamed_column_is_recreated_after_the_rename() -> None:
    old = post(*BASE, unique_together=[["title", "rank"]])
    renamed = _renamed(post(*BASE), "rank", "position").model_dump()
    new = ResourceSpec.model_validate(
        renamed | {"unique_together": [["title", "position"]]}
    )
    text = render(new, old).text.split("def downgrade")[0]
    rename = text.index("new_column_name=")
    create = text.index('op.f("uq_posts_owner_id_title_position")')
    assert rename < create
    assert render(new, old).summary == "rename rank to position"
    assert text.count("with op.batch_alter_table") == 2


def test_enum_value_added_recreates_the_check_and_widens() -> None:
    result = diff(*replace("status", "status:enum{draft,published,unpublished}"))
    assert result.kinds() == [
        (A.DROP_CONSTRAINT, "ck_posts_post_status"),
        (A.ALTER_TYPE, "status"),
        (A.ADD_CONSTRAINT, "ck_posts_post_status"),
    ]
    assert result.warnings == ()


def test_enum_value_added_without_widening() -> None:
    result = diff(*replace("status", "status:enum{draft,published,gone}"))
    assert result.kinds() == [
        (A.DROP_CONSTRAINT, "ck_posts_post_status"),
        (A.ADD_CONSTRAINT, "ck_posts_post_status"),
    ]


def test_enum_value_removed_warns() -> None:
    result = diff(*replace("status", "status:enum{draft}"))
    assert (A.ALTER_TYPE, "status") in result.kinds()
    assert any("loses the choices published" in w for w in result.warnings)


def test_str_to_enum_warns_about_the_new_check() -> None:
    result = diff(*replace("title", "title:enum{a,b}"), old=BASE)
    assert (A.ADD_CONSTRAINT, "ck_posts_post_title") in result.kinds()
    assert any("only accepts" in w for w in result.warnings)


def test_ref_target_change_swaps_the_foreign_key() -> None:
    result = diff(*BASE, "author:ref:Post?", old=[*BASE, "author:ref:Author?"])
    assert result.kinds() == [
        (A.DROP_CONSTRAINT, "fk_posts_author_id_authors"),
        (A.ADD_CONSTRAINT, "fk_posts_author_id_posts"),
    ]
    assert any("now refers to posts" in w for w in result.warnings)


def test_owned_to_shared_drops_owner_id_and_globalises_uniques() -> None:
    result = diff(*BASE, owned=False)
    assert result.kinds() == [
        (A.DROP_INDEX, "ix_posts_owner_id_created_at"),
        (A.DROP_INDEX, "ix_posts_code"),  # the global unique indexes it
        (A.DROP_CONSTRAINT, "uq_posts_owner_id_slug"),
        (A.DROP_CONSTRAINT, "uq_posts_owner_id_code"),
        (A.DROP_COLUMN, "owner_id"),
        (A.ADD_CONSTRAINT, "uq_posts_slug"),
        (A.ADD_CONSTRAINT, "uq_posts_code"),
        (A.ADD_INDEX, "ix_posts_created_at"),  # the list's, without owner_id
    ]
    assert result.warnings[0].startswith("Post becomes shared")


def test_shared_to_owned_adds_owner_id_with_a_warning() -> None:
    result = diff_specs(post(*BASE, owned=False), post(*BASE), TARGETS)
    assert (A.ADD_COLUMN, "owner_id") in result.kinds()
    assert (A.DROP_INDEX, "ix_posts_created_at") in result.kinds()
    assert (A.ADD_INDEX, "ix_posts_owner_id_created_at") in result.kinds()
    (warning,) = result.warnings
    assert warning.startswith("Post becomes owned")


def test_renaming_the_resource_is_refused() -> None:
    with pytest.raises(FastgenError, match="renaming a resource"):
        diff_specs(post(*BASE), parse_resource("Article", BASE), TARGETS)


# --- rendering --------------------------------------------------------------------


def render(new: ResourceSpec, old: ResourceSpec | None = None) -> RenderedMigration:
    rendered = render_update_migration(
        old or post(*BASE),
        new,
        targets=TARGETS,
        revision="5ca1ab1e0001",
        down_revision="0960f6b5d2bd",
        header="# header",
    )
    assert rendered is not None
    return rendered


def test_rendered_migration_names_constraints_like_the_create_migration() -> None:
    rendered = render(
        post(*replace("slug", "slug:str{80}:index"), "author:ref:Author?")
    )
    text = rendered.text
    assert text.startswith("# header\n")
    assert 'revision: str = "5ca1ab1e0001"' in text
    assert 'down_revision: str | None = "0960f6b5d2bd"' in text
    assert 'op.batch_alter_table("posts")' in text
    assert (
        'batch_op.drop_constraint(op.f("uq_posts_owner_id_slug"), type_="unique")'
        in (text)
    )
    assert 'op.f("fk_posts_author_id_authors")' in text
    assert 'batch_op.create_index(op.f("ix_posts_author_id")' in text
    assert rendered.summary == "add author_id, drop unique slug, index slug"
    assert rendered.slug == "add_author_id_drop_unique_slug_index_slug"


def test_required_default_uses_a_temporary_server_default() -> None:
    text = render(post(*BASE, "views:int=0")).text
    upgrade = text.split("def downgrade")[0]
    assert 'server_default=sa.literal_column("0")' in upgrade
    assert upgrade.count("with op.batch_alter_table") == 2
    assert "server_default=None" in upgrade


def test_review_comments_sit_above_risky_operations() -> None:
    text = render(post(*replace("rank", "rank:str{20}:index"), "views:int")).text
    lines = text.splitlines()
    alter = next(i for i, line in enumerate(lines) if '"rank"::VARCHAR(20)' in line)
    assert any("# REVIEW: posts.rank changes type" in line for line in lines[:alter])
    assert "postgresql_using" in lines[alter]
    assert "# REVIEW: posts.views is NOT NULL without a default" in text
    assert max(len(line) for line in lines if "REVIEW" in line) <= 88


def test_downgrade_reverses_the_upgrade() -> None:
    text = render(post(*replace("subtitle", "tagline:str{100}?"))).text
    upgrade, downgrade = text.split("def downgrade")
    assert (
        'drop_column("subtitle")' in upgrade and 'drop_column("tagline")' in downgrade
    )
    assert '"tagline"' in upgrade and '"subtitle"' in downgrade


def test_downgrade_of_a_removed_required_field_says_it_needs_values() -> None:
    downgrade = render(post(*replace("rank"))).text.split("def downgrade")[1]
    assert "# REVIEW: posts.rank is NOT NULL without a default" in downgrade


def test_index_only_migration_does_not_import_sqlalchemy() -> None:
    text = render(post(*replace("title", "title:str{200}:index"))).text
    assert "import sqlalchemy" not in text


def test_default_literals_for_every_type() -> None:
    text = render(post(*BASE, *DEFAULTS)).text
    for literal in (
        'sa.literal_column("0")',
        "sa.false()",
        "sa.literal_column(\"'news'\")",
        "sa.literal_column(\"'2024-01-01 08:00:00.000000+00:00'\")",
        'sa.literal_column("1.5")',
        'sa.literal_column("9.99")',
        "sa.literal_column(\"'123e4567e89b12d3a456426614174000'\")",
        "sa.literal_column(\"'[]'\")",
        "sa.literal_column(\"'2024-01-31'\")",
        "sa.literal_column(\"'it''s'\")",
    ):
        assert literal in text


# --- against real databases -------------------------------------------------------

DEFAULTS = [
    "views:int=0",
    "featured:bool=false",
    "kind:str{20}=news",
    "label:enum{a,bb}=bb",
    "launched:datetime=2024-01-01T10:00:00+02:00",
    "ratio:float=1.5",
    "price:decimal{8,2}=9.99",
    "key:uuid=123e4567-e89b-12d3-a456-426614174000",
    "meta:json=[]",
    "day:date=2024-01-31",
    "note:text=it's",
]
ROW = (
    "INSERT INTO posts (id, owner_id, title, subtitle, slug, status, rank, score, "
    "created_at, updated_at) VALUES ('0123456789abcdef0123456789abcdef', 'alice', "
    "'Hello', NULL, 'hello', 'published', 3, 1.5, '2024-01-01 00:00:00.000000', "
    "'2024-01-01 00:00:00.000000')"
)
DRIVER = '''\
"""Migrate to the old schema, insert rows, then apply the update migration."""

import asyncio
import os
import sys

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

config = Config("alembic.ini")


async def execute(statements: list[str]) -> None:
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        for statement in statements:
            await connection.execute(sa.text(statement))
    await engine.dispose()


async def show_rows() -> None:
    """Print the rows as the application's model reads them."""
    from sqlmodel import select
    from sqlmodel.ext.asyncio.session import AsyncSession

    from app.posts.models import Post

    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with AsyncSession(engine) as session:
        for row in (await session.exec(select(Post))).all():
            print("ROW", row.model_dump_json())
    await engine.dispose()


if sys.argv[1] == "forward":  # the models are the new spec's
    command.upgrade(config, sys.argv[2])
    asyncio.run(execute(sys.argv[3:]))
    command.upgrade(config, "head")
    asyncio.run(show_rows())
    command.check(config)
    command.downgrade(config, "-1")
else:  # the models are the old spec's again: the downgrade gave the old schema
    update, aside = sys.argv[2], sys.argv[2] + ".aside"
    os.rename(update, aside)  # `check` compares at the head revision
    try:
        command.check(config)
    finally:
        os.rename(aside, update)
    command.upgrade(config, "head")
'''
REVISION = "5ca1ab1e0001"
SCENARIOS = {
    "add_required_with_defaults": (BASE + DEFAULTS, True, True),
    "add_required_without_default_empty_table": (
        [*BASE, "views:int", "author:ref:Author"],
        True,
        False,
    ),
    "remove_fields": (
        ["title:str{200}", "slug:str{80}:unique", "rank:int:index"],
        True,
        True,
    ),
    "remove_required_fields_empty_table": (
        replace("slug", base=replace("rank")),
        True,
        False,
    ),
    "rename": (replace("subtitle", "tagline:str{100}?"), True, True),
    "change_str_length_and_nullability": (
        ["title:str{300}?", "subtitle:str{50}?", *BASE[2:]],
        True,
        True,
    ),
    "optional_to_required_with_default": (
        replace("subtitle", "subtitle:str{100}=untitled"),
        True,
        True,
    ),
    "add_and_remove_index": (
        [*replace("rank", "rank:int"), "title2:str{10}?:index"],
        True,
        True,
    ),
    "add_and_remove_unique": (
        [
            *replace(
                "slug", "slug:str{80}:index", base=replace("code", "code:str{12}?")
            ),
            "ref_code:str{10}?:unique",
        ],
        True,
        True,
    ),
    "add_enum_value": (
        replace("status", "status:enum{draft,published,unpublished}=draft"),
        True,
        True,
    ),
    "add_ref": ([*BASE, "author:ref:Author?", "parent:ref:Post?"], True, True),
    "change_types": (
        replace("score", "score:decimal{10,3}?", base=replace("rank", "rank:str{20}")),
        True,
        True,
    ),
    "owned_to_shared": (BASE, False, False),
    "add_unique_together": (BASE, True, True),
    "add_ref_with_unique_together": ([*BASE, "author:ref:Author?"], True, True),
}
#: The unique_together groups of a scenario's new spec.
GROUPS = {
    "add_unique_together": [["title", "rank"], ["slug", "status"]],
    "add_ref_with_unique_together": [["author", "title"]],
}
#: Values the existing row holds after the upgrade, as the model reads them.
EXPECTED: dict[str, dict[str, object]] = {
    "add_required_with_defaults": {
        "title": "Hello",
        "views": 0,
        "featured": False,
        "kind": "news",
        "label": "bb",
        "launched": "2024-01-01T08:00:00Z",
        "ratio": 1.5,
        "price": "9.99",
        "key": "123e4567-e89b-12d3-a456-426614174000",
        "meta": [],
        "day": "2024-01-31",
        "note": "it's",
    },
    "optional_to_required_with_default": {"subtitle": "untitled"},
    "rename": {"tagline": None},
    "change_types": {"rank": "3", "score": "1.500"},
    "add_enum_value": {"status": "published"},
}


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project holding Author and Post (BASE) and their migrations."""
    project = generate_project(tmp_path_factory.mktemp("schema_diff"))
    head = add_resource(project, parse_resource("Author", ["name:str{100}"]), None)
    add_resource(project, post(*BASE), head)
    (project / "_drive.py").write_text(DRIVER, encoding="utf-8")
    return project


def add_resource(project: Path, spec: ResourceSpec, down_revision: str | None) -> str:
    """What ``fastgen add resource`` writes that Alembic reads: the model, its
    registration, the create migration and the spec. Returns the revision."""
    names = spec.names
    revision = hashlib.sha256(f"create:{names.plural_snake}".encode()).hexdigest()[:12]
    migration = Migration(
        revision,
        down_revision,
        f"migrations/versions/{revision}_create_{names.plural_snake}.py",
    )
    files = render_code(spec)
    files[migration.path] = render_create_migration(
        spec, targets=TARGETS, migration=migration
    )
    files[ResourcePaths(spec).spec_file] = dump_spec(spec)
    models = project / "app" / "models.py"
    files["app/models.py"] = register_model(
        models.read_text(encoding="utf-8"),
        module=f"app.{names.plural_snake}.models",
        name=names.class_name,
    )
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    return revision


def render_code(spec: ResourceSpec) -> dict[str, str]:
    """The resource's code and tests as ``fastgen sync`` would re-render them."""
    return format_python_files(render_resource(spec, targets=TARGETS))


def update_project(project: Path, new: ResourceSpec) -> tuple[str, str, str, str]:
    """Write the update migration and the new spec's files into ``project``.

    Returns the create revision, the migration's path, the old models text and
    the models path.
    """
    old = load_spec_file(project / "resources/post.yaml")
    revisions = read_revisions(project)
    head = current_head(revisions)
    create = next(r.revision for r in revisions if r.path.endswith("create_posts.py"))
    rendered = render_update_migration(
        old,
        new,
        targets=TARGETS,
        revision=REVISION,
        down_revision=head,
        header="# test update",
    )
    assert rendered is not None
    versions = project / "migrations" / "versions"
    migration = versions / f"{REVISION}_{rendered.slug}.py"
    migration.write_text(rendered.text, encoding="utf-8")
    models = ResourcePaths(new).parts()["models"]
    old_models = (project / models).read_text(encoding="utf-8")
    for path, text in render_code(new).items():
        (project / path).write_text(text, encoding="utf-8")
    return create, str(migration.relative_to(project)), old_models, models


@pytest.mark.e2e
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_update_migration_on_database(
    scenario: str, database_url: str, base_project: Path, tmp_path: Path
) -> None:
    fields, owned, with_row = SCENARIOS[scenario]
    project = tmp_path / "project"
    shutil.copytree(base_project, project)
    create, migration, old_models, models_path = update_project(
        project, post(*fields, owned=owned, unique_together=GROUPS.get(scenario))
    )
    rows = [ROW] if with_row else []
    forward = run(
        project, "_drive", "forward", create, *rows, DATABASE_URL=database_url
    )
    assert "No new upgrade operations detected" in forward.stdout
    if with_row:
        (row,) = [
            json.loads(line[4:])
            for line in forward.stdout.splitlines()
            if line.startswith("ROW ")
        ]
        for column, value in EXPECTED.get(scenario, {}).items():
            assert row[column] == value, column
    (project / models_path).write_text(old_models, encoding="utf-8")
    back = run(project, "_drive", "back", migration, DATABASE_URL=database_url)
    assert "No new upgrade operations detected" in back.stdout


@pytest.mark.e2e
def test_update_migration_is_black_ruff_and_mypy_strict_clean(
    base_project: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(base_project, project)
    new = post(
        *replace("score", "score:decimal{10,3}", base=replace("rank", "rank:str{20}")),
        *DEFAULTS,
        "author:ref:Author",
        "subtitle2:str{5}?:unique",
        "long_choice:enum{" + ",".join(f"choice_{n}" for n in range(20)) + "}=choice_1",
    )
    update_project(project, new)
    migrations = [str(p) for p in (project / "migrations" / "versions").glob("*.py")]
    run(project, "black", "--check", *migrations)
    run(project, "ruff", "check", *migrations)
    mypy(project, "--strict", "migrations")
