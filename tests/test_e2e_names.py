"""End to end: field names users really use (SQL keywords, words the generated
code also uses) and the defaults issue 8 found broken generate a project that
migrates on SQLite and PostgreSQL and passes its own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import generate_project, run

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
    "sort:enum{a,b}",
    "expand:bool=false",
    "client:str{9}",
    "headers:str{9}",
    "session:str{9}?",
    "data:str{9}?",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_names"))
    run(project, "fastgen", "add", "resource", "Note", *FIELDS)
    return project


def test_the_project_migrates_and_passes_its_own_tests_on_sqlite(
    project: Path,
) -> None:
    run(project, "alembic", "upgrade", "head")
    run(project, "pytest", "-q", "-p", "no:cacheprovider", "tests/test_notes.py")


@pytest.mark.postgres
def test_the_migration_runs_on_postgresql(project: Path, pg_database: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=pg_database)
