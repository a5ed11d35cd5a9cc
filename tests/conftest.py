"""Shared fixtures: running the CLI, and throwaway PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

# Projects the tests copy and run, not tests of fastgen.
collect_ignore = ["fixtures"]

# The slowest test files, with their seconds in a full run on 2 cores (measured at
# 1cd5f7b, a busy machine): pytest-xdist (``--dist loadfile``) hands whole files to
# the workers in collection order, so these go first, slowest first, and the short
# files fill in at the end (longest processing time first). Left to itself, xdist
# would order files by their number of tests, which puts the e2e files (a few long
# tests each) last: one worker then ran three of them alone for 80 s after the
# other had finished. The numbers only order the queue; a file not listed here
# keeps its place after them.
SLOW_FILES = {
    "test_e2e_resources.py": 155,
    "test_e2e_sync.py": 135,
    "test_e2e_recipes.py": 119,
    "test_e2e_constraints.py": 103,
    "test_schema_diff.py": 103,
    "test_e2e_lifecycle.py": 98,
    "test_property_specs.py": 97,
    "test_e2e_schemathesis.py": 95,
    "test_line_split.py": 32,
    "test_crash_safety.py": 32,
    "test_init.py": 27,
    "test_e2e_better_auth.py": 24,
    "test_e2e_adopt_full_stack.py": 23,
    "test_check_sync.py": 21,
    "test_e2e_project.py": 17,
    "test_e2e_names.py": 16,
    "test_e2e_long_names.py": 16,
    "test_rename.py": 15,
    "test_e2e_runtime.py": 11,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow files first, slowest first (see ``SLOW_FILES``); the tests of a
    file keep their order."""
    items.sort(key=lambda item: -SLOW_FILES.get(item.path.name, 0))


PG_ADMIN_DSN = os.environ.get(
    "FASTGEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """fastgen's cache (fastgen.text_cache) in a directory of this session, for
    the processes the tests start too: the user's cache is never read or written."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner for the typer app, working in an empty temp directory."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _pg_execute(dsn: str, *statements: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def _require_postgres() -> None:
    try:
        _pg_execute(PG_ADMIN_DSN, "SELECT 1")
    except Exception as exc:  # any failure means "not reachable" here
        message = f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message + "; start it to run these tests")


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards.

    Yields its SQLAlchemy asyncpg URL. Skips outside CI when no server is running;
    fails under CI, where these tests must run.
    """
    _require_postgres()
    name = f"fastgen_test_{uuid.uuid4().hex[:12]}"
    _pg_execute(PG_ADMIN_DSN, f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    finally:
        _pg_execute(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
