"""End to end: field names users really use (SQL keywords, words the generated
code also uses: types, modules, helpers, test fixtures, list query parameters) and
the defaults issue 8 found broken generate a project that lints, type-checks,
migrates on SQLite and PostgreSQL and passes its own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import generate_project, mypy, run

pytestmark = pytest.mark.e2e

FIELDS = [
    "order:enum{x,y}",
    "select:enum{a,b}=a",
    "user:enum{u,v}?",
    "group:str{20}:index",
    "type:str{20}",
    "status:str{20}",
    "time:str{10}?",
    "meta:json=[true,null]",
    "parent:ref:Note?=null",
    "page:int",
    "page_size:int?",
    "sort:int?",
    "expand:bool=false",
    "client:str{9}",
    "headers:str{9}",
    "session:str{9}?",
    "data:str{9}?",
    "date:date",
    "datetime:datetime?",
    "bool:bool=false",
    "int:int=3",
    "str:str{9}?",
    "float:float?",
    "uuid:uuid?",
    "sa:str{9}?",
    "utcnow:str{9}?",
    "enum_values:str{9}?",
    "field_validator:str{9}?",
    "object:str{9}?",
]


# Refs named like the generated tests' fixtures and the service's locals (found by
# the property test: `client:ref:Post` overwrote the `client` fixture).
REFS = [
    "client:ref:Note",
    "session:ref:Note?",
    "values:ref:Note?",
    "headers:ref:Note?",
    "user_headers:ref:Note?",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_names"))
    run(project, "fastgen", "add", "resource", "Note", *FIELDS)
    run(project, "fastgen", "add", "resource", "Tag", *REFS)
    return project


def test_the_project_migrates_and_passes_its_own_tests_on_sqlite(
    project: Path,
) -> None:
    run(project, "ruff", "check", "app", "tests")
    run(project, "black", "--check", "-q", "app", "tests")
    mypy(project, "app/notes", "app/tags", "tests/test_notes.py")
    run(project, "alembic", "upgrade", "head")
    run(
        project,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_notes.py",
        "tests/test_tags.py",
    )


@pytest.mark.postgres
def test_the_migration_runs_on_postgresql(project: Path, pg_database: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=pg_database)
