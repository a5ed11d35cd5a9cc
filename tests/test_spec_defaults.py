"""Defaults and type arguments are validated exactly as the generated API validates
values, so an accepted spec never renders a default the API would refuse."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from fastgen.errors import FastgenError
from fastgen.naming import Names
from fastgen.resource_context import FieldView
from fastgen.shadowing import protect_class_names
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
        'assert data["meta"] == [True, None, {"b": False}]'
    )


# ----------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["cls", "classmethod"])
def test_a_field_name_the_class_methods_need_is_one_line(name: str) -> None:
    with pytest.raises(FastgenError, match="need for their class methods"):
        parse_resource("Thing", [f"{name}:int"])


SHADOWED = """import uuid
from datetime import date

import sqlalchemy as sa
from pydantic import BaseModel, Field, field_validator


def utcnow() -> str:
    return "now"


class Thing(BaseModel):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    date: date = Field(default=date(2024, 1, 2))
    uuid: str = "u"
    sa: str = "s"
    int: int = 1
    str: str = "x"
    when: date | None = None
    stamp: str = Field(default_factory=utcnow)
    kind: str = Field(default="a", max_length=int(sa.Integer().python_type(3)))

    @field_validator("str")
    @classmethod
    def _check(cls, value: str) -> str:
        return value + str(date.today().year > 0)
"""


def test_class_level_names_a_field_shadows_are_aliased_and_the_class_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = protect_class_names(SHADOWED)
    assert "_date = date\n" in source and "_uuid = uuid\n" in source
    assert "    date: _date = Field(default=_date(2024, 1, 2))" in source
    assert "return value + str(date.today().year > 0)" in source  # method body
    module = types.ModuleType("shadowed_thing")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(source, "thing.py", "exec"), module.__dict__)
    thing = module.Thing(str="y")
    assert thing.date.isoformat() == "2024-01-02"
    assert (thing.int, thing.str, thing.stamp) == (1, "yTrue", "now")


def test_a_module_without_shadowing_is_returned_unchanged() -> None:
    source = "from datetime import date\n\n\nclass A:\n    day: date\n"
    assert protect_class_names(source) is source


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
    assert [check.sql for view in views for check in view.checks] == [
        "\"order\" IN ('x', 'y')",
        "\"group\" IN ('a')",
        "\"user\" IN ('u')",
        "status IN ('s')",
    ]


def test_a_field_named_like_a_list_query_parameter_gets_no_filter() -> None:
    spec = parse_resource("Thing", ["page:int", "sort:int", "expand:bool", "views:int"])
    assert [f.name for f in spec.fields if f.is_filterable] == ["views"]


@pytest.mark.parametrize("name", ["sort", "filters", "create", "public"])
def test_an_enum_field_whose_class_would_be_a_schema_class_is_one_line(
    name: str,
) -> None:
    with pytest.raises(FastgenError, match="schemas already use"):
        parse_resource("Thing", [f"{name}:enum{{a,b}}"])
    parse_resource("Thing", [f"{name}:int"])
