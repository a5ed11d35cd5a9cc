"""Black given only the unsettled statements of a file (``fastgen.settled``) must
give what black gives for the whole file, byte for byte.

Checked on odd hand-written sources (each a case black changes in a way the
settled check must notice) and on every Python file rendered from random specs,
with descriptions and defaults of any text. The snapshots
(``tests/test_snapshots.py``) check the same on fixed specs.
"""

# The odd sources below hold rows too long on purpose: black must split them.
# ruff: noqa: E501

from __future__ import annotations

import textwrap
from functools import partial
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import fastgen.schema_diff
from fastgen.access import Access
from fastgen.errors import FastgenError
from fastgen.render import _black, _black_where_unsettled, render_template
from fastgen.resource_context import targets_of
from fastgen.resource_render import Migration, render_create_migration, render_resource
from fastgen.schema_diff import render_update_migration
from fastgen.settled import Span, unsettled
from fastgen.spec import FieldSpec, ResourceSpec, parse_resource
from tests.test_property_specs import field_args

ODD_SOURCES = {
    "long_rows_in_blocks": """
        class Post(BaseModel):
            title: str = Field(default="x", max_length=200, description="The title of the post, shown in lists.")

            def method(self, value: object) -> object:
                if value is None:
                    raise ValueError("may not be null, and this message is long enough to need a split")
                return value
        """,
    "decorators_long_and_short": """
        @router.get("/{post_id}", summary="Get a post", description="Returns one of your posts by its id.")
        @other
        async def get_post(post_id: uuid.UUID, session: SessionDep, user: CurrentUserDep) -> PostPublic:
            return await service.get_post(session, owner_id=user.id, post_id=post_id)
        """,
    "clauses": """
        def f(x: int) -> int:
            if x > 1:
                return 1
            elif x == some_function_with_a_long_name(argument_number_one, argument_number_two):
                return 2
            else:
                return 3
            try:
                pass
            except (ValueError, TypeError, KeyError, AttributeError, LookupError, RuntimeError):
                pass
        """,
    "strings_black_rewrites": """
        a = 'single'
        b = "with \\"escape\\""
        c = U"unicode prefix"
        d = F"{a}"
        e = "joined " "pieces"
        f = x=("lone")
        g = '''triple single'''
        """,
    # the first six statements are kept exploded, as black keeps them; black
    # joins or splits the others, which the exploded rule does not know
    "exploded_by_trailing_commas": """
        router = APIRouter(
            prefix="/posts",
            tags=["posts"],
        )
        payload: dict[str, Any] = {
            "title": "title-0",
            "published": True,
        }


        @router.get(
            "/{post_id}",
            summary="Get a post",
        )
        async def get(x: int) -> Page:
            second = await client.get(
                URL,
                params={"page": 2},
            )
            return Page(
                data=[row for row in rows],
                total=total,
            )


        one = call(
            alone,
        )
        pair = (
            first,
            second,
        )
        subscript = table[
            first,
            second,
        ]
        two = call(
            first, second,
        )
        after = call(
            first,
            second,
        ).method()
        chained = first = call(
            first,
            second,
        )
        short = call(
            first,
            second
        )
        """,
    "numbers_black_rewrites": """
        a = 1E5
        b = 0XFF
        c = 10J
        d = 1e+05
        e = 1.
        f = .5
        g = 1_000.5
        """,
    "comments_black_rewrites": """
        x = 1 # one space
        y = 2  #no space
        #: a doc comment
        z = 3  # fine
        #bare
        w = 4
        """,
    "comment_at_the_end_of_a_block": """
        def f() -> None:
            x = 1
            # trailing

        y = 2
        """,
    "docstrings": """
        def a() -> None:
            \"\"\" leading blank.\"\"\"


        def b() -> None:
            \"\"\"Ends with a quote "x\\"\"\"\"


        def c() -> None:
            \"\"\"Several rows,
              indented more than the first.
              \"\"\"


        def d() -> None:
            \"\"\"Several rows,
            as black writes them.
            \"\"\"
            x = "a row that is much too long to stay on one row once it is laid out as black wants"
        """,
    "prefixed_docstrings": """
        def f() -> None:
            r\"\"\"A raw docstring,
            over two rows.\"\"\"
            x = "a row that is much too long to stay on one row once it is laid out as black wants"


        def g() -> None:
            u\"\"\"A docstring black drops the prefix of.\"\"\"
        """,
    "lone_strings_after_code": """
        x = 1
        "not a docstring, and long enough to need attention from the formatter when it runs"


        def f() -> None:
            x = 1
            "a string statement that is not a docstring and is rather long for its own row, too"
        """,
    "blank_rows_black_removes": """
        import os



        class A:
            x = 1


            y = 2
        """,
    "one_row_blocks_and_semicolons": """
        class A: pass
        if x: y = 1
        a = 1; b = 2
        """,
    "magic_trailing_commas_and_joins": """
        x = f(a,)
        y = [
            1, 2
        ]
        z = call(
            one,
            two,
        )
        """,
    "signatures": """
        async def create_post(
            session: AsyncSession, *, owner_id: str, data: PostCreate
        ) -> Post:
            return Post()


        def short(
            a: int,
        ) -> None:
            pass


        def joined(
            a: int
        ) -> None:
            pass
        """,
    "soft_keywords": """
        match = re.match(pattern_with_a_long_name, text_with_an_even_longer_name_than_that_one)
        match command:
            case "go":
                pass
            case {"a_key_with_a_long_name": value_with_a_long_name, "other": other_value}:
                pass
        """,
    "tabs_non_ascii_backslashes": """
        x = "café"
        y = 1 + \\
            2
        z = "tab\there"
        """,
    "multiline_string_in_an_expression": """
        def f() -> str:
            return textwrap.dedent(
                \"\"\"
                text
                \"\"\"
            )
        """,
}


@pytest.mark.parametrize("case", sorted(ODD_SOURCES))
def test_odd_sources_format_as_black_formats_them_whole(case: str) -> None:
    source = textwrap.dedent(ODD_SOURCES[case]).lstrip("\n")
    assert _black_where_unsettled(source) == _black(source)


def test_only_the_statements_black_changes_are_given_to_it() -> None:
    source = textwrap.dedent(ODD_SOURCES["long_rows_in_blocks"]).lstrip("\n")
    parts = unsettled(source)
    assert parts is not None
    assert parts.spans == (Span(2, 2, 1), Span(6, 6, 3))
    assert parts.texts[1] == (
        "if _:\n    if _:\n        if _:\n" + source.splitlines(keepends=True)[5]
    )


def test_a_decorator_and_a_signature_are_formatted_alone() -> None:
    source = textwrap.dedent(ODD_SOURCES["decorators_long_and_short"]).lstrip("\n")
    parts = unsettled(source)
    assert parts is not None
    assert parts.spans == (
        Span(1, 1, 0, "def _():\n    pass\n"),
        Span(3, 3, 0, "    pass\n"),
    )


def test_statements_exploded_by_a_trailing_comma_are_kept_as_they_are() -> None:
    source = textwrap.dedent(ODD_SOURCES["exploded_by_trailing_commas"]).lstrip("\n")
    parts = unsettled(source)
    assert parts is not None
    first_rows = [span.first for span in parts.spans]
    assert first_rows == [26, 29, 33, 37, 40, 44, 48]  # from `one = call(` on


def test_a_file_black_may_rearrange_is_formatted_whole() -> None:
    whole = (
        "comment_at_the_end_of_a_block",
        "blank_rows_black_removes",
        "one_row_blocks_and_semicolons",
    )
    for case in whole:
        assert unsettled(textwrap.dedent(ODD_SOURCES[case]).lstrip("\n")) is None


#: Text a user may put in a description or a string default.
ANY_TEXT = st.text(
    st.sampled_from([*"ab Z'\"\\é\t#;{}()", "\u00a0", "\U0001f600"]),
    min_size=1,
    max_size=30,
)
TARGET = parse_resource("Post", ["title:str{80}"])


@st.composite
def rendered_specs(draw: st.DrawFn) -> ResourceSpec:
    name = draw(st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True))
    fields = draw(st.lists(field_args(), min_size=1, max_size=5))
    options = {"access": draw(st.sampled_from(list(Access)))}
    options["singleton"] = draw(st.integers(0, 4)) == 0
    try:
        spec = parse_resource(name, fields, **options)
    except FastgenError:
        spec = parse_resource(name, ["title:str{40}"])
    updated = []
    for field in spec.fields:
        data = field.model_dump(exclude_unset=True)
        if draw(st.booleans()):
            data["description"] = draw(ANY_TEXT.filter(str.strip))
        if field.type in ("str", "text") and draw(st.booleans()):
            data |= {"default": draw(ANY_TEXT), "has_default": True}
        try:
            updated.append(FieldSpec.model_validate(data))
        except ValueError:
            updated.append(field)
    return spec.model_copy(update={"fields": updated})


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(rendered_specs(), rendered_specs())
def test_rendered_files_format_as_black_formats_them_whole(
    spec: ResourceSpec, before: ResourceSpec
) -> None:
    """Every file of ``spec``, its create migration, and the migration from
    ``before`` (its fields, under ``spec``'s name) to it."""
    before = before.model_copy(update={"name": spec.name})
    targets = targets_of({TARGET.name: TARGET, spec.name: spec})
    migration = Migration("aaaaaaaaaaaa", None, "migrations/versions/x.py")
    unformatted = partial(render_template, formatted=False)
    try:
        files = render_resource(spec, targets=targets)
        files["migration.py"] = render_create_migration(
            spec, targets=targets, migration=migration, formatted=False
        )
        with patch.object(fastgen.schema_diff, "render_template", unformatted):
            update = render_update_migration(
                before,
                spec,
                targets=targets,
                revision="bbbbbbbbbbbb",
                down_revision="aaaaaaaaaaaa",
                header="# header",
            )
    except ValueError:  # a spec add resource refuses (a unique enum, say)
        reject()
    if update is not None:
        files["update.py"] = update.text
    for path, text in files.items():
        if path.endswith(".py"):
            assert _black_where_unsettled(text) == _black(text), path
