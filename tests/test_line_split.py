"""Long lines split as black splits them, so black formats rendered code in one pass.

Each case is a before/after pair, and the after is black's own output for the
before: the module is only right where it agrees with black.
"""

from __future__ import annotations

from unittest.mock import patch

import black
import pytest
from hypothesis import assume, given, settings

from fastgen import line_split, render
from fastgen.errors import FastgenError
from fastgen.line_split import lay_out
from fastgen.render import _laid_out
from fastgen.resource_context import targets_of
from fastgen.resource_render import render_create_migration, render_resource
from fastgen.spec import parse_resource
from tests.test_property_specs import specs
from tests.test_snapshots import MIGRATION, SPECS, TARGETS

MODE = black.Mode(target_versions={black.mode.TargetVersion.PY311})

CASES = {
    "arguments on a line of their own": (
        "post = await service.create_post(session, owner_id=user.id, data=data, "
        "extra=True, more=False)\n",
        "post = await service.create_post(\n"
        "    session, owner_id=user.id, data=data, extra=True, more=False\n"
        ")\n",
    ),
    "one argument per line": (
        "class PostUpdate(BaseModel):\n"
        "    title: SafeStr | None = Field(default=None, max_length=200, "
        'description="Title of the post.", examples=["An example title"])\n',
        "class PostUpdate(BaseModel):\n"
        "    title: SafeStr | None = Field(\n"
        "        default=None,\n"
        "        max_length=200,\n"
        '        description="Title of the post.",\n'
        '        examples=["An example title"],\n'
        "    )\n",
    ),
    "a literal's items one per line": (
        'REQUIRED = ["title", "body", "published", "author_id", "rating", '
        '"views", "contact", "homepage"]\n',
        "REQUIRED = [\n"
        '    "title",\n'
        '    "body",\n'
        '    "published",\n'
        '    "author_id",\n'
        '    "rating",\n'
        '    "views",\n'
        '    "contact",\n'
        '    "homepage",\n'
        "]\n",
    ),
    "a signature at its parameters": (
        "async def create_post(client: httpx.AsyncClient, headers: dict[str, str], "
        "/, **overrides: Any) -> dict[str, Any]:\n    pass\n",
        "async def create_post(\n"
        "    client: httpx.AsyncClient, headers: dict[str, str], /, **overrides: Any\n"
        ") -> dict[str, Any]:\n    pass\n",
    ),
    "an import in brackets": (
        "from app.comments.schemas import CommentCreate, CommentExpand, "
        "CommentFilters, CommentSort\n",
        "from app.comments.schemas import (\n"
        "    CommentCreate,\n"
        "    CommentExpand,\n"
        "    CommentFilters,\n"
        "    CommentSort,\n"
        ")\n",
    ),
    "a conditional in brackets of its own": (
        "if PARENT in related:\n"
        "    item.parent_comment = None if parent_comment is None else "
        "CommentPublic.model_validate(parent_comment)\n",
        "if PARENT in related:\n"
        "    item.parent_comment = (\n"
        "        None if parent_comment is None else "
        "CommentPublic.model_validate(parent_comment)\n"
        "    )\n",
    ),
    "a comprehension at its clauses": (
        "unchanged = {key: value for key, value in created.items() "
        'if key not in {"title", "updated_at", "created_at", "owner_id"}}\n',
        "unchanged = {\n"
        "    key: value\n"
        "    for key, value in created.items()\n"
        '    if key not in {"title", "updated_at", "created_at", "owner_id"}\n'
        "}\n",
    ),
    "one argument, itself split": (
        "def upgrade() -> None:\n"
        '    with op.batch_alter_table("posts") as batch_op:\n'
        "        batch_op.add_column(sa.Column("
        '"extra", sa.Integer(), nullable=False, '
        'server_default=sa.literal_column("3")))\n',
        "def upgrade() -> None:\n"
        '    with op.batch_alter_table("posts") as batch_op:\n'
        "        batch_op.add_column(\n"
        "            sa.Column(\n"
        '                "extra",\n'
        "                sa.Integer(),\n"
        "                nullable=False,\n"
        '                server_default=sa.literal_column("3"),\n'
        "            )\n"
        "        )\n",
    ),
    "a statement split by hand, joined": (
        "ascending = await client.get(\n"
        '    URL, params={"sort": "title"}, headers=user_headers\n'
        ")\n",
        'ascending = await client.get(URL, params={"sort": "title"}, '
        "headers=user_headers)\n",
    ),
    "a trailing comma keeps the items apart, each laid out": (
        "op.create_table(\n"
        '    "posts",\n'
        "    sa.UniqueConstraint(\n"
        '        "owner_id", "slug", name=op.f("uq_posts_owner_id_slug")\n'
        "    ),\n"
        '    sa.CheckConstraint("length(title) >= 3 AND length(title) <= 120", '
        'name=op.f("ck_posts_title_length")),\n'
        ")\n",
        "op.create_table(\n"
        '    "posts",\n'
        '    sa.UniqueConstraint("owner_id", "slug", '
        'name=op.f("uq_posts_owner_id_slug")),\n'
        "    sa.CheckConstraint(\n"
        '        "length(title) >= 3 AND length(title) <= 120",\n'
        '        name=op.f("ck_posts_title_length"),\n'
        "    ),\n"
        ")\n",
    ),
    "an implicit concatenation, a piece per line": (
        "router = APIRouter(\n"
        '    description=("Lists your own posts, one page at a time, sorted by '
        '`sort`. " "Filters narrow it."),\n'
        ")\n",
        "router = APIRouter(\n"
        "    description=(\n"
        '        "Lists your own posts, one page at a time, sorted by `sort`. "\n'
        '        "Filters narrow it."\n'
        "    ),\n"
        ")\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_lines_are_laid_out_as_black_lays_them_out(case: str) -> None:
    before, after = CASES[case]
    assert black.format_str(before, mode=MODE) == after, "the case is black's"
    assert lay_out(before) == after


@pytest.mark.parametrize(
    "source",
    [
        "# a comment longer than the line length, which black leaves alone, "
        "as it is\n",
        'x = "a string longer than the line length, which black cannot split '
        'either, so it stays"\n',
        "f = lambda first, second, third, fourth, fifth: first + second + third "
        "+ fourth + fifth\n",
        "values = rows[first_index_of_the_page:last_index_of_the_page, "
        "first_column:last_column]\n",
    ],
)
def test_shapes_it_does_not_know_are_left_to_black(source: str) -> None:
    assert lay_out(source) == source


def test_a_layout_that_would_change_the_code_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long_call = (
        "value = compute(" + ", ".join(f"argument_{n}" for n in range(9)) + ")\n"
    )
    monkeypatch.setattr(line_split, "split_long_lines", lambda text: "value = 2\n")
    assert lay_out(long_call) == long_call


def test_a_statement_that_cannot_be_checked_on_its_own_is_left_alone() -> None:
    source = "if ready:\n    pass\nelse:  # a comment\n    pass\n"
    assert lay_out(source) == source


def test_rendered_resources_need_one_pass_of_black() -> None:
    """Every resource file of the snapshot specs, laid out, is black's output
    already: black reads it once and changes nothing (a second pass otherwise)."""
    unstable = []
    for spec in SPECS.values():
        files = render_resource(spec, targets=TARGETS)
        files["create.py"] = render_create_migration(
            spec, targets=TARGETS, migration=MIGRATION, formatted=False
        )
        for path, text in files.items():
            if path.endswith(".py"):
                laid_out = _laid_out(text)
                if black.format_str(laid_out, mode=MODE) != laid_out:
                    unstable.append(f"{spec.name}: {path}")
    # annotations too long for their line: black's optional brackets decide
    assert unstable == ["Recipe: app/recipes/schemas.py"]


@settings(max_examples=25, derandomize=True, deadline=None)
@given(spec=specs)
def test_laying_out_first_never_changes_what_black_gives(
    spec: tuple[str, list[str], bool],
) -> None:
    """Random specs (those of the property test): each rendered file formats to
    the same text with the pre-pass as without it."""
    name, fields, _ = spec
    try:
        resource = parse_resource(name, fields)
        post = parse_resource("Post", ["title:str{200}"])
    except FastgenError:
        assume(False)
    targets = targets_of({"Post": post} | {resource.name: resource})
    for path, text in render_resource(resource, targets=targets).items():
        if path.endswith(".py"):
            with patch.object(render, "_laid_out", lambda source: source):
                without = render._black(text)
            assert render._black(text) == without, path
