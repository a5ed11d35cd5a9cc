"""Tests for fastgen.spec: shorthand parsing, validation, spec files."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from fastgen.access import Access
from fastgen.errors import FastgenError
from fastgen.spec import (
    FieldSpec,
    FieldType,
    dump_spec,
    load_spec_file,
    parse_field,
    parse_resource,
    spec_hash,
)

VALID_FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("title:str{200}:index", {"type": "str", "max_length": 200, "index": True}),
    ("title:str", {"type": "str", "max_length": 255}),
    ("body:text", {"type": "text", "max_length": None}),
    ("price:decimal{10,2}", {"type": "decimal", "precision": 10, "scale": 2}),
    ("ratio:decimal{2,2}=0", {"default": Decimal("0")}),
    (
        "status:enum{draft,published}=draft",
        {"choices": ["draft", "published"], "default": "draft", "has_default": True},
    ),
    ("subtitle:str?", {"optional": True, "has_default": False, "default": None}),
    ("subtitle:str?=null", {"optional": True, "has_default": True, "default": None}),
    ("subtitle:str?=x", {"optional": True, "has_default": True, "default": "x"}),
    ("body:text=", {"has_default": True, "default": ""}),
    ("author:ref:Author", {"type": "ref", "ref": "Author", "optional": False}),
    ("author:ref:Author?", {"ref": "Author", "optional": True}),
    ("author:ref:Author:index", {"ref": "Author", "index": True}),
    ("email:email:unique", {"type": "email", "unique": True, "index": False}),
    ("code:str{8}:index:unique", {"index": True, "unique": True}),
    ("published:bool=false", {"default": False, "has_default": True}),
    ("published:bool=true", {"default": True}),
    ("rating:float=4.5", {"default": 4.5}),
    ("rating:float=4", {"default": 4.0}),
    ("score:int=-1", {"default": -1}),
    ("count:int", {"has_default": False, "default": None}),
    ("tags:json", {"type": "json"}),
    ("tags:json=[]", {"default": []}),
    ('extra:json={"b":1,"a":[1,2]}', {"default": {"a": [1, 2], "b": 1}}),
    ("due:date=2024-01-31", {"default": date(2024, 1, 31)}),
    (
        "starts:datetime=2024-01-01T10:00:00Z",
        {"default": datetime(2024, 1, 1, 10, tzinfo=UTC)},
    ),
    (
        "starts:datetime=2024-01-01T10:00:00Z:index",
        {"default": datetime(2024, 1, 1, 10, tzinfo=UTC), "index": True},
    ),
    ("site:url=https://x.y", {"default": "https://x.y"}),
    ("site:url=https://x.y/a:b:unique", {"default": "https://x.y/a:b", "unique": True}),
    ("contact:email=me@example.com", {"default": "me@example.com"}),
    ("price:decimal{5,2}=123.45", {"default": Decimal("123.45")}),
    (
        "key:uuid=123e4567-e89b-12d3-a456-426614174000",
        {"default": UUID("123e4567-e89b-12d3-a456-426614174000")},
    ),
    ("owner:str", {"name": "owner"}),
    ("title:str=x?", {"default": "x?", "optional": False}),
    ("rating:int{1,5}=3", {"min": 1, "max": 5, "default": 3}),
    ("servings:int{0,}", {"min": 0, "max": None}),
    ("depth:int{,-1}", {"min": None, "max": -1}),
    ("big:bigint{,9223372036854775807}", {"max": 2**63 - 1}),
    ("weight:float{0.5,10}", {"min": 0.5, "max": 10.0}),
    ("price:decimal{8,2,0,}", {"precision": 8, "min": Decimal("0"), "max": None}),
    ("price:decimal{8,2,-1.5,99.99}", {"min": Decimal("-1.5")}),
    ("name:str{3,50}", {"min_length": 3, "max_length": 50}),
    ("name:str{3,}", {"min_length": 3, "max_length": 255}),
    ("body:text{,5000}", {"min_length": None, "max_length": 5000}),
    ("body:text{10,}", {"min_length": 10, "max_length": None}),
    ("at:time=09:30", {"default": time(9, 30)}),
    ("at:time?:index", {"optional": True, "index": True}),
    ("slug:slug", {"max_length": 100, "unique": True}),
    ("slug:slug{40}=my-post", {"max_length": 40, "default": "my-post"}),
    ("post:ref:Post:cascade", {"ref": "Post", "on_delete": "cascade"}),
    ("post:ref:Post?:index:set_null", {"on_delete": "set_null", "index": True}),
    ("post:ref:Post", {"on_delete": None}),
    ("title:str{80}:search", {"search": True, "index": False}),
    ("body:text?:search", {"optional": True, "search": True}),
    ("contact:email:unique:search", {"unique": True, "search": True}),
    ("motto:str=a:b:search", {"default": "a:b", "search": True}),
]


@pytest.mark.parametrize(("text", "expected"), VALID_FIELDS)
def test_parse_field_valid(text: str, expected: dict[str, Any]) -> None:
    field = parse_field(text)
    assert field.name == expected.get("name", text.split(":")[0])
    actual = {key: getattr(field, key) for key in expected}
    assert actual == expected


@pytest.mark.parametrize(("text", "expected"), VALID_FIELDS)
def test_valid_field_round_trips(
    text: str, expected: dict[str, Any], tmp_path: Path
) -> None:
    spec = parse_resource("Post", [text], access=Access.SHARED)
    path = tmp_path / "post.yaml"
    path.write_text(dump_spec(spec), encoding="utf-8")
    loaded = load_spec_file(path)
    assert loaded == spec
    assert dump_spec(loaded) == dump_spec(spec)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("title:", "missing type after ':'"),
        (":str", "missing field name before ':'"),
        ("title", "missing ':type'"),
        ("title:strng", "unknown type 'strng'; did you mean 'str'? valid types: str,"),
        ("title:{200}", "missing type after ':'"),
        ("title:str{abc}", "expected whole numbers as {length}, got {abc}"),
        ("title:str{1,2,3}", "expected lengths as str{min,max}"),
        ("title:str{5,2}", "min_length 5 is larger than max_length 2"),
        ("title:str{,}", "expected lengths as str{min,max}"),
        ("rating:int{5,1}", "min 5 is larger than max 1"),
        ("rating:int{1}", "expected bounds as int{min,max}"),
        ("rating:int{1.5,}", "min: Decimal('1.5') is not a whole number"),
        ("rating:int{0,3000000000}", "outside the int range"),
        ("big:bigint{0,9223372036854775808}", "outside the bigint range"),
        ("rating:int{1,5}=7", "default 7 is above max 5"),
        ("price:decimal{4,2,0,100}", "100 does not fit decimal{4,2}"),
        ("price:decimal{4,2,5,1}", "min 5 is larger than max 1"),
        ("weight:float{0,1}:unique", "a unique float with bounds is not supported"),
        ("name:str{3,10}=ab", "default 'ab' is shorter than min_length 3"),
        ("at:time=25:00", "is not a valid time of day"),
        ("at:time=10:00+02:00", "is not a valid time of day"),
        ("slug:slug=Not-A-Slug", "is not a slug"),
        ("slug:slug{1,2}", "expected whole numbers as {length}"),
        ("post:ref:Post:set_null", "on_delete set_null needs an optional ref"),
        (
            "post:ref:Post?:cascade:set_null",
            ":cascade and :set_null exclude each other",
        ),
        ("title:str:cascade", "on_delete only applies to ref fields, not str"),
        ("post:ref:Post:drop", "unknown flag ':drop'"),
        ("title:str{200", "missing '}'"),
        ("title:str{0}", "max_length: must be a positive integer"),
        ("price:decimal{2,5}", "scale 5 is larger than precision 2"),
        ("price:decimal", "decimal needs precision and scale"),
        ("price:decimal{10}", "expected whole numbers as {precision,scale}"),
        ("price:decimal{0,0}", "precision: must be a positive integer"),
        ("status:enum", "enum needs its choices"),
        ("status:enum{}", "enum needs at least one choice"),
        ("status:enum{a,b,a}", "duplicate enum choice 'a'"),
        ("status:enum{in-progress}", "enum choice 'in-progress' must be an identifier"),
        ("status:enum{1st}", "enum choice '1st' must be an identifier"),
        ("status:enum{class}", "enum choice 'class' must be an identifier"),
        ("title:str:foo", "unknown flag ':foo'; valid flags: :index, :unique"),
        ("title:str:index:foo", "unknown flag ':foo'"),
        ("title:str:", "unknown flag ':'"),
        ("title:str:index:index", "flag ':index' is given twice"),
        ("author:ref", "ref needs a target resource"),
        ("author:ref?", "ref needs a target resource"),
        ("author:ref:index", "ref needs a target resource"),
        ("author:ref:author", "'author' must be a PascalCase resource class name"),
        ("author:ref:Model", "clash with the project's own 'models' module"),
        ("author:ref:Author{3}", "type 'ref' takes no {...} arguments"),
        ("author_id:ref:Author", "write author:ref:Author (the column is named"),
        ("author:ref:Author=1", "ref fields cannot have a default"),
        ("flag:bool{3}", "type 'bool' takes no {...} arguments"),
        ("body:text{500}", "write text{,500} for at most 500 characters"),
        ("title:str?{3}", "unexpected '{3}'"),
        ("id:int", "'id' is reserved"),
        ("owner_id:int", "'owner_id' is reserved"),
        ("created_at:datetime", "'created_at' is reserved"),
        ("updated_at:datetime", "'updated_at' is reserved"),
        ("class:str", "'class' is a Python keyword"),
        ("my-field:str", "'my-field' is not a valid field name"),
        ("a" * 45 + ":str", "45 characters, at most 44"),
        ("2x:int", "'2x' is not a valid field name"),
        ("_secret:str", "starts with '_'"),
        ("model_name:str", "starts with 'model_'"),
        ("metadata:json", "clashes with a SQLModel/pydantic model attribute"),
        ("registry:str", "clashes with a SQLModel/pydantic model attribute"),
        ("model_config:str", "starts with 'model_'"),
        ("dict:str", "clashes with a SQLModel/pydantic model attribute"),
        ("json:json", "clashes with a SQLModel/pydantic model attribute"),
        ("copy:str", "clashes with a SQLModel/pydantic model attribute"),
        ("Title:str", "field names must be snake_case: write 'title'"),
        ("myField:str", "field names must be snake_case: write 'my_field'"),
        ("count:int=abc", "invalid int default 'abc'"),
        ("count:int=1.5", "invalid int default '1.5'"),
        ("flag:bool=yes", "invalid bool default 'yes': use true or false"),
        ("flag:bool=True", "invalid bool default 'True'"),
        ("rating:float=nan", "invalid float default 'nan'"),
        ("title:str{3}=toolong", "'toolong' is longer than max_length 3"),
        ("title:str=null", "default null needs an optional field"),
        ("status:enum{a,b}=c", "'c' is not one of the choices a, b"),
        ("price:decimal{5,2}=1.234", "does not fit decimal{5,2}"),
        ("price:decimal{5,2}=1234", "does not fit decimal{5,2}"),
        ("price:decimal{5,2}=abc", "is not a decimal number"),
        ("due:date=2024-13-01", "is not a valid date"),
        ("due:date=tomorrow", "is not a valid date"),
        ("starts:datetime=noon", "is not a valid datetime"),
        ("key:uuid=nope", "is not a valid UUID"),
        ("contact:email=nope", "is not a valid email address"),
        ("site:url=ftp://x.y", "is not a valid http(s) URL"),
        ("site:url=x.y", "is not a valid http(s) URL"),
        ("tags:json={bad", "invalid JSON default"),
        ("body:text:unique", ":unique is not supported on text fields"),
        ("body:text:index", ":index is not supported on text fields"),
        ("tags:json:index", ":index is not supported on json fields"),
        ("tags:json:unique", ":unique is not supported on json fields"),
        ("views:int:search", ":search is not supported on int fields"),
        ("tags:json:search", "only on str, text, email, slug fields"),
        ("author:ref:Author:search", ":search is not supported on ref fields"),
        ("title:str:search:search", "flag ':search' is given twice"),
        ("title:str:serch", "valid flags: :index, :unique, :search"),
    ],
)
def test_parse_field_errors(text: str, problem: str) -> None:
    with pytest.raises(FastgenError) as caught:
        parse_field(text)
    message = caught.value.message
    assert message.startswith(f"invalid field {text!r}: ")
    assert problem in message
    assert "\n" not in message


def test_str_length_defaults_to_255() -> None:
    assert FieldSpec.model_validate({"name": "title", "type": "str"}).max_length == 255


@pytest.mark.parametrize(
    ("text", "column", "required", "filterable", "sortable"),
    [
        ("author:ref:Author", "author_id", True, True, False),
        ("title:str", "title", True, True, True),
        ("subtitle:str?", "subtitle", False, True, True),
        ("homepage:url", "homepage", True, True, False),
        ("key:uuid", "key", True, True, False),
        ("q:str", "q", True, False, True),
        ("published:bool=false", "published", False, True, False),
        ("status:enum{a,b}", "status", True, True, True),
        ("body:text", "body", True, False, False),
        ("tags:json?", "tags", False, False, False),
    ],
)
def test_field_helpers(
    text: str, column: str, required: bool, filterable: bool, sortable: bool
) -> None:
    field = parse_field(text)
    assert (
        field.column_name,
        field.is_required,
        field.is_filterable,
        field.is_sortable,
    ) == (column, required, filterable, sortable)


def test_parse_resource_builds_spec() -> None:
    spec = parse_resource(
        "blog_post", ["title:str{200}", "author:ref:Author"], access=Access.SHARED
    )
    assert spec.name == "BlogPost"
    assert [field.name for field in spec.fields] == ["title", "author"]
    assert spec.owned is False
    assert spec.ejected == []
    assert spec.names.plural_kebab == "blog-posts"


@pytest.mark.parametrize(
    ("name", "args", "problem"),
    [
        ("Post", [], "resource 'Post': fields: add at least one field"),
        ("Post", ["title:str", "title:text"], "duplicate field 'title'"),
        (
            "Post",
            ["author:ref:Author", "author_id:int"],
            "field 'author_id' clashes with the 'author_id' column of ref field",
        ),
        ("Post", ["owner:str"], "field 'owner' is reserved for the owner relation"),
        ("2x", ["title:str"], "invalid resource name '2x'"),
        ("Model", ["title:str"], "clash with the project's own 'models' module"),
        ("Post", ["title:str", "class:str"], "invalid field 'class:str'"),
    ],
)
def test_parse_resource_errors(name: str, args: list[str], problem: str) -> None:
    with pytest.raises(FastgenError) as caught:
        parse_resource(name, args)
    assert problem in caught.value.message
    assert "\n" not in caught.value.message


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a spec file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FULL_YAML = """\
name: Post
owned: true
ejected: [tests, router]
fields:
  title: {type: str, max_length: 200, index: true}
  body: {type: text}
  published: {type: bool, default: false}
  price: {type: decimal, precision: 10, scale: 2, optional: true, default: 9.99}
  status: {type: enum, choices: [draft, published], default: draft}
  author: {type: ref, ref: Author}
  starts: {type: datetime, default: 2024-01-01T10:00:00Z}
  due: {type: date, default: 2024-01-31}
  subtitle: "str{20}?=null"
  'on': "bool=true"
  extra: {type: json, default: {b: 1, a: [1, 2]}}
"""

CANONICAL_YAML = """\
# fastgen resource spec: the source of truth for app/posts. \
Edit, then run `fastgen sync`.
name: Post
owned: true
ejected: [router, tests]
fields:
  title: {type: str, max_length: 200, index: true}
  body: {type: text}
  published: {type: bool, default: false}
  price: {type: decimal, precision: 10, scale: 2, optional: true, default: '9.99'}
  status: {type: enum, choices: [draft, published], default: draft}
  author: {type: ref, ref: Author}
  starts: {type: datetime, default: '2024-01-01T10:00:00+00:00'}
  due: {type: date, default: 2024-01-31}
  subtitle: {type: str, max_length: 20, optional: true, default: null}
  'on': {type: bool, default: true}
  extra: {type: json, default: {a: [1, 2], b: 1}}
"""


def test_load_yaml_spec_with_native_values(tmp_path: Path) -> None:
    spec = load_spec_file(write(tmp_path, "post.yaml", FULL_YAML))
    by_name = {field.name: field for field in spec.fields}
    assert spec.ejected == ["router", "tests"]
    assert by_name["price"].default == Decimal("9.99")
    assert by_name["starts"].default == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert by_name["due"].default == date(2024, 1, 31)
    assert by_name["subtitle"].has_default and by_name["subtitle"].default is None
    assert by_name["on"].default is True
    assert by_name["extra"].default == {"a": [1, 2], "b": 1}


def test_dump_is_canonical_and_round_trips(tmp_path: Path) -> None:
    spec = load_spec_file(write(tmp_path, "post.yaml", FULL_YAML))
    assert dump_spec(spec) == CANONICAL_YAML
    reloaded = load_spec_file(write(tmp_path, "again.yml", CANONICAL_YAML))
    assert reloaded == spec


def test_load_toml_spec(tmp_path: Path) -> None:
    toml = """\
name = "blog_post"
owned = false
[fields]
title = "str{200}:index"
starts = { type = "datetime", default = 2024-01-01T10:00:00Z }
price = { type = "decimal", precision = 5, scale = 2, default = "1.50" }
"""
    spec = load_spec_file(write(tmp_path, "blog_post.toml", toml))
    assert spec == parse_resource(
        "BlogPost",
        [
            "title:str{200}:index",
            "starts:datetime=2024-01-01T10:00:00+00:00",
            "price:decimal{5,2}=1.50",
        ],
        access=Access.SHARED,
    )


def test_spec_hash_is_sha256_of_dump() -> None:
    spec = parse_resource("Post", ["title:str{200}"])
    other = parse_resource("Post", ["title:str{201}"])
    expected = hashlib.sha256(dump_spec(spec).encode("utf-8")).hexdigest()
    assert spec_hash(spec) == expected
    assert spec_hash(parse_resource("Post", ["title:str{200}"])) == expected
    assert spec_hash(other) != expected


def test_equal_json_defaults_dump_identically() -> None:
    first = parse_resource("Post", ['extra:json={"a":1,"b":2}'])
    second = parse_resource("Post", ['extra:json={"b":2,"a":1}'])
    assert spec_hash(first) == spec_hash(second)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "name: Post\nfields:\n  title: {type: str, max_length: 0}\n",
            "post.yaml: fields.title.max_length: must be a positive integer",
        ),
        (
            "name: Post\nfields:\n  title: {type: str, max_length: '200'}\n",
            "post.yaml: fields.title.max_length: Input should be a valid integer",
        ),
        (
            "name: Post\nfields:\n  title: {max_length: 20}\n",
            "post.yaml: fields.title.type: is required",
        ),
        (
            "name: Post\nfields:\n  title: {type: strng}\n",
            "post.yaml: fields.title.type: Input should be 'str', 'text'",
        ),
        (
            "name: Post\nfields:\n  title: {type: str, lenght: 20}\n",
            "post.yaml: fields.title: unknown key 'lenght'; valid keys: type,",
        ),
        (
            "name: Post\nfields:\n  done: {type: bool, optional: 'yes'}\n",
            "post.yaml: fields.done.optional: Input should be a valid boolean",
        ),
        (
            "name: Post\nfields:\n  count: {type: int, default: '5'}\n",
            "post.yaml: fields.count.default: '5' is not a whole number",
        ),
        (
            "name: Post\nfields:\n  price: {type: decimal, precision: 2, scale: 5}\n",
            "post.yaml: fields.price: scale 5 is larger than precision 2",
        ),
        (
            "name: Post\nfields:\n  title: 'str{0}'\n",
            "post.yaml: fields.title: max_length: must be a positive integer",
        ),
        (
            "name: Post\nfields:\n  Title: str\n",
            "post.yaml: fields.Title: field names must be snake_case",
        ),
        (
            "name: Post\nfields:\n  1: str\n",
            "post.yaml: fields.1: field names must be strings",
        ),
        (
            "name: Post\nfields:\n  title: [str]\n",
            "post.yaml: fields.title: expected a type string like 'str{200}'",
        ),
        ("name: Post\nfields: {}\n", "post.yaml: fields: expected a mapping"),
        ("name: Post\n", "post.yaml: fields: expected a mapping"),
        ("fields:\n  title: str\n", "post.yaml: name: is required"),
        (
            "name: class\nfields:\n  title: str\n",
            "post.yaml: name: invalid resource name 'class'",
        ),
        (
            "name: Post\nfeilds:\n  title: str\n",
            "post.yaml: unknown key 'feilds'; valid keys: name, owned, access, "
            "public_if, write_role, singleton, unique_together, ejected, fields",
        ),
        (
            "name: Post\nejected: [views]\nfields:\n  title: str\n",
            "post.yaml: ejected: unknown part 'views'; valid parts: models,",
        ),
        (
            "name: Post\nejected: [tests, tests]\nfields:\n  title: str\n",
            "post.yaml: ejected: part 'tests' is listed twice",
        ),
        (
            "name: Post\nowned: maybe\nfields:\n  title: str\n",
            "post.yaml: owned: Input should be a valid boolean",
        ),
        ("- just\n- a list\n", "post.yaml: expected a mapping with 'name'"),
        ("", "post.yaml: expected a mapping with 'name'"),
        ("name: [unclosed\n", "post.yaml: invalid YAML: "),
    ],
)
def test_yaml_file_errors(text: str, problem: str, tmp_path: Path) -> None:
    with pytest.raises(FastgenError) as caught:
        load_spec_file(write(tmp_path, "post.yaml", text))
    message = caught.value.message
    assert message.startswith(str(tmp_path))
    assert problem in message
    assert "\n" not in message


def test_toml_syntax_error_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FastgenError) as caught:
        load_spec_file(write(tmp_path, "post.toml", "name = \n"))
    assert "post.toml: invalid TOML: " in caught.value.message
    assert "\n" not in caught.value.message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FastgenError, match="cannot read spec file"):
        load_spec_file(tmp_path / "absent.yaml")


def test_unsupported_extension_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FastgenError, match=r"use \.yaml, \.yml or \.toml"):
        load_spec_file(write(tmp_path, "post.json", "{}"))


def test_has_default_follows_default_key() -> None:
    with_null = FieldSpec.model_validate(
        {"name": "note", "type": "str", "optional": True, "default": None}
    )
    without = FieldSpec.model_validate(
        {"name": "note", "type": "str", "optional": True}
    )
    assert (with_null.has_default, without.has_default) == (True, False)
    assert with_null != without
    assert FieldSpec.model_validate(with_null.model_dump()) == with_null


def test_specs_are_immutable() -> None:
    spec = parse_resource("Post", ["title:str"])
    with pytest.raises(ValueError, match="frozen"):
        spec.owned = False


def test_field_type_values_are_strings() -> None:
    assert [member.value for member in FieldType][:3] == ["str", "text", "int"]
    assert FieldType("ref") is FieldType.REF
    assert f"{FieldType.DECIMAL}" == "decimal"


def test_field_descriptions_round_trip_through_spec_files(tmp_path: Path) -> None:
    spec = parse_resource("Post", ["title:str{200}"])
    described = spec.model_copy(
        update={
            "fields": [
                spec.fields[0].model_copy(update={"description": "Headline shown."})
            ]
        }
    )
    path = tmp_path / "post.yaml"
    path.write_text(dump_spec(described))
    assert load_spec_file(path).fields[0].description == "Headline shown."


@pytest.mark.parametrize("bad", ["", "two\nlines", "x" * 201])
def test_field_descriptions_are_one_short_line(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "post.yaml"
    path.write_text(
        "name: Post\nfields:\n  title: {type: str, description: "
        + json.dumps(bad)
        + "}\n"
    )
    with pytest.raises(FastgenError, match="description"):
        load_spec_file(path)


def test_constraints_in_spec_files_round_trip(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "code.yaml",
        """
name: Code
fields:
  code: {type: str, max_length: 12, min_length: 3, pattern: "^[A-Z]+-[0-9]+$",
         example: ABC-1}
  rating: {type: int, min: 1, max: 5}
  price: {type: decimal, precision: 6, scale: 2, min: "0.50"}
  note: {type: text, max_length: 300}
  slug: {type: slug, unique: false}
""",
    )
    spec = load_spec_file(path)
    fields = {field.name: field for field in spec.fields}
    assert fields["code"].pattern == "^[A-Z]+-[0-9]+$"
    assert fields["code"].example == "ABC-1"
    assert (fields["rating"].min, fields["rating"].max) == (1, 5)
    assert fields["price"].min == Decimal("0.50")
    assert fields["slug"].unique is False
    again = write(tmp_path, "again.yaml", dump_spec(spec))
    assert load_spec_file(again) == spec
    assert "unique: false" in dump_spec(spec)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{type: str, pattern: '[a-z'}", "is not a regex pydantic accepts"),
        ("{type: str, pattern: '(?<=a)b', example: ab}", "look-around"),
        ("{type: str, pattern: '^[a-z]+$'}", "needs an example value matching it"),
        ("{type: str, pattern: '^[a-z]+$', example: ABC}", "does not match"),
        ("{type: int, min_length: 3}", "min_length only applies to str and text"),
        ("{type: str, min: 3}", "min only applies to int and bigint and float"),
        ("{type: int, min: '3'}", "min: '3' is not a whole number"),
        ("{type: text, max_length: 10, default: 'much too long'}", "longer than"),
    ],
)
def test_constraint_errors_in_spec_files(
    entry: str, problem: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "thing.yaml", f"name: Thing\nfields:\n  value: {entry}\n")
    with pytest.raises(FastgenError) as caught:
        load_spec_file(path)
    assert problem in caught.value.message
    assert "\n" not in caught.value.message


def test_singletons_round_trip_and_default_to_not_singleton(tmp_path: Path) -> None:
    spec = parse_resource("Settings", ["theme:str=light"], singleton=True)
    dumped = dump_spec(spec)
    assert "singleton: true" in dumped
    assert load_spec_file(write(tmp_path, "settings.yaml", dumped)) == spec
    assert "singleton" not in dump_spec(parse_resource("Post", ["title:str"]))


@pytest.mark.parametrize(
    ("fields", "owned", "problem"),
    [
        (["theme:str"], True, "field 'theme' of a singleton needs a default or '?'"),
        (["theme:str=a"], False, "a singleton is one row per user"),
        (["code:str?:unique"], True, "cannot be unique or refs"),
        (["post:ref:Post?"], True, "cannot be unique or refs"),
    ],
)
def test_singleton_errors(fields: list[str], owned: bool, problem: str) -> None:
    with pytest.raises(FastgenError) as caught:
        access = Access.PRIVATE if owned else Access.SHARED
        parse_resource("Settings", fields, access=access, singleton=True)
    assert problem in caught.value.message


@pytest.mark.parametrize(
    ("text", "parameters"),
    [
        ("views:int", ["views", "views_min", "views_max"]),
        ("price:decimal{6,2}?", ["price", "price_min", "price_max"]),
        ("score:float", ["score", "score_min", "score_max"]),
        ("due:date", ["due", "due_min", "due_max"]),
        ("at:datetime", ["at", "at_min", "at_max"]),
        ("title:str", ["title"]),
        ("author:ref:Author", ["author_id"]),
        ("body:text", []),
        ("meta:json", []),
        ("page:int", []),  # named like the list route's own parameter
    ],
)
def test_filter_parameters(text: str, parameters: list[str]) -> None:
    assert parse_field(text).filter_parameters == parameters


@pytest.mark.parametrize(
    "fields",
    [
        ["views:int", "views_min:int"],
        ["views_min:str", "views:int"],
        ["views_max:bool", "views:float"],
    ],
)
def test_a_field_named_like_a_range_filter_is_refused(fields: list[str]) -> None:
    with pytest.raises(FastgenError) as caught:
        parse_resource("Post", fields)
    message = caught.value.message
    clashing = next(f.split(":")[0] for f in fields if "_m" in f.split(":")[0])
    assert f"field {clashing!r} clashes with the range filter ?{clashing}=" in message
    assert "of field 'views'; rename" in message
    assert "\n" not in message


def test_a_range_filter_name_without_a_filter_is_no_clash() -> None:
    spec = parse_resource("Post", ["views:int", "views_min:text", "views_max:json"])
    assert [f.filter_parameters for f in spec.fields] == [
        ["views", "views_min", "views_max"],
        [],
        [],
    ]


def test_search_round_trips_through_spec_files(tmp_path: Path) -> None:
    spec = parse_resource("Post", ["title:str{80}:search", "body:text"])
    path = tmp_path / "post.yaml"
    path.write_text(dump_spec(spec), encoding="utf-8")

    assert "title: {type: str, max_length: 80, search: true}" in path.read_text()
    assert load_spec_file(path) == spec
    assert [f.name for f in spec.fields if f.search] == ["title"]


# --- access rules ---------------------------------------------------------------


def test_access_rules_round_trip_and_old_specs_keep_their_bytes(
    tmp_path: Path,
) -> None:
    public = parse_resource(
        "Recipe",
        ["title:str", "published:bool=false"],
        access=Access.PUBLIC,
        public_if="published",
    )
    dumped = dump_spec(public)
    assert "owned: true\naccess: public\npublic_if: published\n" in dumped
    assert load_spec_file(write(tmp_path, "recipe.yaml", dumped)) == public

    shared = parse_resource("Tag", ["name:str"], access=Access.SHARED)
    editor = parse_resource(
        "Tag", ["name:str"], access=Access.SHARED, write_role="editor"
    )
    assert "owned: false\nfields:" in dump_spec(shared)
    assert "owned: false\nwrite_role: editor\n" in dump_spec(editor)
    assert shared.rule.role == "admin"
    assert editor.rule.role == "editor"
    assert "access" not in dump_spec(parse_resource("Post", ["title:str"]))
    assert (
        parse_resource("Tag", ["name:str"], access=Access.SHARED, write_role="admin")
        == shared
    )


@pytest.mark.parametrize(
    ("text", "access", "owned"),
    [
        ("owned: false\n", Access.SHARED, False),
        ("owned: true\n", Access.PRIVATE, True),
        ("access: shared\n", Access.SHARED, False),
        ("access: public\n", Access.PUBLIC, True),
        ("", Access.PRIVATE, True),
    ],
)
def test_access_and_owned_imply_each_other(
    tmp_path: Path, text: str, access: Access, owned: bool
) -> None:
    path = write(tmp_path, "tag.yaml", f"name: Tag\n{text}fields:\n  name: str\n")
    spec = load_spec_file(path)
    assert (spec.access, spec.owned) == (access, owned)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("access: open\n", "unknown access 'open'; valid access rules: private, "),
        ("access: shared\nowned: true\n", "owned is true; drop owned"),
        ("access: public\nowned: false\n", "owned is false; drop owned"),
        ("public_if: name\n", "public_if only applies to public resources"),
        ("access: public\npublic_if: name\n", "'name' must name a bool field"),
        ("access: public\npublic_if: nope\n", "'nope' must name a bool field"),
        ("write_role: editor\n", "write_role only applies to shared resources"),
        ("owned: false\nwrite_role: 'a b'\n", "'a b' is not a role name"),
    ],
)
def test_access_errors_are_one_line(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, "tag.yaml", f"name: Tag\n{text}fields:\n  name: str\n")
    with pytest.raises(FastgenError) as caught:
        load_spec_file(path)
    assert problem in caught.value.message
    assert "\n" not in caught.value.message


def test_a_public_singleton_is_refused() -> None:
    with pytest.raises(FastgenError) as caught:
        parse_resource(
            "Settings", ["theme:str=a"], access=Access.PUBLIC, singleton=True
        )
    assert "a singleton is one row per user, so it is private" in caught.value.message


# --- unique_together --------------------------------------------------------------

LINK = ["recipe:ref:Recipe", "ingredient:ref:Ingredient", "quantity:str{50}?"]


def test_unique_together_round_trips_and_is_absent_by_default(tmp_path: Path) -> None:
    spec = parse_resource(
        "RecipeIngredient", LINK, unique_together=[["recipe", "ingredient"]]
    )
    dumped = dump_spec(spec)
    assert "unique_together: [[recipe, ingredient]]\n" in dumped
    assert load_spec_file(write(tmp_path, "link.yaml", dumped)) == spec
    assert "unique_together" not in dump_spec(parse_resource("Post", ["title:str"]))


@pytest.mark.parametrize(
    ("groups", "problem"),
    [
        ([["recipe"]], "group [recipe] names 1 field; a group needs at least 2"),
        ([["recipe", "nope"]], "names unknown field 'nope' of RecipeIngredient"),
        ([["recipe", "recipe_id"]], "name the field 'recipe', not its column"),
        ([["recipe", "recipe"]], "names 'recipe' twice; name it once"),
        (
            [["recipe", "ingredient"], ["ingredient", "recipe"]],
            "group [ingredient, recipe] is given twice; give each group once",
        ),
    ],
)
def test_unique_together_errors(groups: list[list[str]], problem: str) -> None:
    with pytest.raises(FastgenError) as caught:
        parse_resource("RecipeIngredient", LINK, unique_together=groups)
    assert problem in caught.value.message
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (["body:text", "title:str"], "text field 'body' cannot be part of a unique"),
        (["done:bool", "kind:enum{a,b}"], "needs a ref or a field that could be"),
    ],
)
def test_unique_together_members_must_fit_a_constraint(
    fields: list[str], problem: str
) -> None:
    names = [field.split(":")[0] for field in fields]
    with pytest.raises(FastgenError) as caught:
        parse_resource("Thing", fields, unique_together=[names])
    assert problem in caught.value.message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("unique_together: [recipe, ingredient]\n", "expected a list of groups"),
        ("unique_together: [[recipe, nope]]\n", "unknown field 'nope'"),
    ],
)
def test_unique_together_file_errors_are_one_line(
    tmp_path: Path, text: str, problem: str
) -> None:
    fields = "".join(f"  {f.split(':')[0]}: {f.split(':', 1)[1]}\n" for f in LINK)
    path = write(
        tmp_path, "link.yaml", f"name: RecipeIngredient\n{text}fields:\n{fields}"
    )
    with pytest.raises(FastgenError) as caught:
        load_spec_file(path)
    assert problem in caught.value.message
    assert "\n" not in caught.value.message


def test_the_varied_field_of_a_group_is_a_ref_else_one_that_could_be_unique() -> None:
    link = parse_resource("Link", ["note:str", *LINK[:2]])
    assert link.varied_field(["note", "ingredient"]).name == "ingredient"
    plain = parse_resource("Edition", ["done:bool", "year:int", "title:str"])
    assert plain.varied_field(["done", "year", "title"]).name == "year"
