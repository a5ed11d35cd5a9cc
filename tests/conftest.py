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
