"""Defaults and type arguments are validated exactly as the generated API validates
values, so an accepted spec never renders a default the API would refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastgen.errors import FastgenError
from fastgen.naming import Names
from fastgen.resource_context import FieldView
from fastgen.spec import load_spec_file, parse_resource


@pytest.mark.parametrize(
    ("field", "phrase"),
    [
        ("at:datetime=2024-01-01T10:00:00", "has no timezone"),
        ("at:datetime=2024-01-01", "not a valid datetime"),
        ("n:int=99999999999", "outside the int range"),
        ("n:int=-2147483649", "outside the int range"),
        ("j:json=12345678901234567890123", "write it as a string"),
        ('j:json=[1,[{"a":-9007199254740993}]]', "write it as a string"),
        ("s:str{99999999}", "use text"),
        ("e:enum{A,a}", "differ only in case"),
        ("e:enum{draft,Draft,x}", "differ only in case"),
    ],
)
def test_a_default_or_argument_the_api_would_refuse_is_one_line(
    field: str, phrase: str
) -> None:
    with pytest.raises(FastgenError, match=phrase) as raised:
        parse_resource("Thing", [field])
    assert "\n" not in raised.value.message


@pytest.mark.parametrize(
    "field",
    [
        "at:datetime=2024-01-01T10:00:00Z",
        "at:datetime=2024-01-01T10:00:00+02:00",
        "n:int=2147483647",
        "n:int=-2147483648",
        "j:json=9007199254740991",
        "s:str{65535}",
        "e:enum{draft,published}",
    ],
)
def test_values_the_api_accepts_are_accepted(field: str) -> None:
    parse_resource("Thing", [field])


def test_a_naive_datetime_default_in_a_toml_spec_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "thing.toml"
    spec.write_text(
        'name = "Thing"\n[fields]\n'
        'at = { type = "datetime", default = 2024-01-01T10:00:00 }\n'
    )
    with pytest.raises(FastgenError, match="has no timezone"):
        load_spec_file(spec)


def test_ref_default_null_means_what_an_optional_ref_means() -> None:
    with_null = parse_resource("Thing", ["post:ref:Post?=null"])
    plain = parse_resource("Thing", ["post:ref:Post?"])
    assert with_null == plain


def test_a_json_default_is_rendered_as_python() -> None:
    spec = parse_resource("Thing", ['meta:json=[true,null,{"b":false}]'])
    view = FieldView(spec.fields[0], Names.from_name("Thing"), None, True)
    assert view.compare_default("data") == (
        "assert data['meta'] == [True, None, {'b': False}]"
    )


# ----------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name",
    ["date", "datetime", "bool", "int", "str", "float", "uuid", "sa", "utcnow", "cls"],
)
def test_a_field_name_that_would_hide_a_name_the_models_use_is_one_line(
    name: str,
) -> None:
    with pytest.raises(FastgenError, match="generated models and schemas use"):
        parse_resource("Thing", [f"{name}:int"])


@pytest.mark.parametrize("name", ["Type", "Error", "error"])
def test_a_resource_whose_tests_would_overwrite_the_projects_own_is_one_line(
    name: str,
) -> None:
    with pytest.raises(FastgenError, match="would overwrite the project's own"):
        parse_resource(name, ["label:str{20}"])


def test_an_enum_check_constraint_quotes_sql_keywords_only() -> None:
    spec = parse_resource(
        "Thing", ["order:enum{x,y}", "group:enum{a}", "user:enum{u}", "status:enum{s}"]
    )
    views = [FieldView(field, spec.names, None, True) for field in spec.fields]
    assert [view.check_sql for view in views] == [
        "\"order\" IN ('x', 'y')",
        "\"group\" IN ('a')",
        "\"user\" IN ('u')",
        "status IN ('s')",
    ]


def test_a_field_named_like_a_list_query_parameter_gets_no_filter() -> None:
    spec = parse_resource(
        "Thing", ["page:int", "sort:enum{a,b}", "expand:bool", "views:int"]
    )
    assert [f.name for f in spec.fields if f.is_filterable] == ["views"]
