"""End to end: the longest accepted names still give black- and ruff-clean code.

Black wraps code but not strings, comments, docstrings or names, so every template
line that holds a resource or field name is checked at the length limits: a
resource whose table name is ``MAX_NAME_LENGTH`` long, a single-word resource
just below it (the longest class name, which enum class names start with) and
fields of every type named ``MAX_FIELD_NAME_LENGTH`` long, without underscores
where that makes a longer enum class. A spec change then writes a migration that
must be clean too, and so must renames of fields and resources and a removal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fastgen.naming import MAX_NAME_LENGTH, Names
from fastgen.spec import MAX_FIELD_NAME_LENGTH
from tests.e2e import generate_project, run

pytestmark = pytest.mark.e2e

LONG = "VeryLongResourceNameForTesting"
WIDE = "Widest" + "q" * (MAX_NAME_LENGTH - 7)  # its plural is one character longer
# No underscores: with WIDE, the longest enum class name.
ENUM = "enum" + "q" * (MAX_FIELD_NAME_LENGTH - 4)


def _name(prefix: str) -> str:
    """A field name of exactly the maximum length."""
    return (prefix + "_" + "x" * MAX_FIELD_NAME_LENGTH)[:MAX_FIELD_NAME_LENGTH]


EVERY_TYPE = [
    "a_very_long_field_name_for_testing_purposes:str{200}:index:unique",
    f"{_name('text')}:text?:search",
    f"{_name('int')}:int=0:unique",
    f"{_name('float')}:float?:index",
    f"{_name('decimal')}:decimal{{10,2}}?",
    f"{_name('bool')}:bool=false:index",
    f"{_name('date')}:date?",
    f"{_name('datetime')}:datetime?",
    f"{_name('uuid')}:uuid?",
    f"{_name('email')}:email?:unique:search",
    f"{_name('url')}:url?",
    f"{_name('json')}:json?",
    f"{_name('enum')}:enum{{first_choice_value,second_choice_value}}=first_choice_value",
    f"{_name('str')}:str{{200}}=a default long enough to need more than one line",
    f"{_name('ref')}:ref:{WIDE}",
    f"{_name('unique_ref')}:ref:{WIDE}?:unique",
    f"{_name('bounded')}:int{{-1000000,1000000}}=1",
    f"{_name('bigint')}:bigint{{0,}}?",
    f"{_name('bounded_decimal')}:decimal{{10,2,-99999999.99,99999999.99}}?",
    f"{_name('time')}:time?",
    f"{_name('slug')}:slug{{60}}?",
    f"{_name('length')}:str{{3,50}}?",
    f"{_name('text_length')}:text{{,500}}?",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_long_names"))
    add = ("fastgen", "add")
    run(
        project,
        *add,
        "resource",
        WIDE,
        f"{_name('title')}:str{{100}}:unique",
        f"{ENUM}:enum{{a,b}}?:index",
        "--no-owner",
    )
    run(project, *add, "resource", LONG, *EVERY_TYPE)
    run(  # a schema change: the migration comes from fastgen.schema_diff
        project,
        *add,
        "field",
        LONG,
        f"{_name('added_later')}:str{{100}}:unique",
        f"{_name('enum_added_later')}:enum{{a,b}}?:index",
        f"{_name('self_reference')}:ref:{LONG}?",
    )
    return project


def test_the_names_are_at_the_limits() -> None:
    assert len(Names.from_name(LONG).plural_snake) == MAX_NAME_LENGTH
    assert len(Names.from_name(WIDE).plural_snake) == MAX_NAME_LENGTH
    assert len(ENUM) == MAX_FIELD_NAME_LENGTH
    assert {len(field.split(":")[0]) for field in EVERY_TYPE[1:]} == {
        MAX_FIELD_NAME_LENGTH
    }


def test_generated_code_is_black_and_ruff_clean(project: Path) -> None:
    assert len(list((project / "migrations/versions").glob("*.py"))) == 3
    run(project, "black", "--check", ".")
    run(project, "ruff", "check", ".")


def test_renames_and_removal_at_the_limits_are_black_and_ruff_clean(
    project: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, symlinks=True)
    renamed_wide = "Renamed" + "q" * (MAX_NAME_LENGTH - 8)
    for command in (
        ("rename", "field", LONG, EVERY_TYPE[0].split(":")[0], _name("heading")),
        ("rename", "field", LONG, _name("ref"), _name("other_ref")),
        ("rename", "resource", WIDE, renamed_wide),
        ("remove", "resource", LONG),
    ):
        run(copy, "fastgen", *command)
        run(copy, "black", "--check", ".")
        run(copy, "ruff", "check", ".")
    assert len(list((copy / "migrations/versions").glob("*.py"))) == 7
