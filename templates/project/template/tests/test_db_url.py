"""Translation of database URLs for the async drivers."""

from pathlib import Path

import pytest
from sqlalchemy import Connection
from sqlalchemy.pool import PoolProxiedConnection, QueuePool

from app.core.db import create_engine, normalize_database_url
from tests.support import make_settings

POSTGRES_ENGINE_KWARGS = {"pool_recycle": 240}


@pytest.mark.parametrize(
    "raw",
    [
        "postgres://user:pw@localhost:5432/app",
        "postgresql://user:pw@localhost:5432/app",
        "postgresql+asyncpg://user:pw@localhost:5432/app",
    ],
)
def test_postgres_urls_use_asyncpg(raw: str) -> None:
    config = normalize_database_url(raw)

    assert config.url == "postgresql+asyncpg://user:pw@localhost:5432/app"
    assert config.connect_args == {}
    assert config.engine_kwargs == POSTGRES_ENGINE_KWARGS
    assert not config.is_sqlite


def test_neon_pooler_url_as_printed_by_neon() -> None:
    config = normalize_database_url(
        "postgresql://neondb_owner:s3cr%40t@ep-cool-darkness-123456-pooler"
        ".eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require"
    )

    assert config.url == (
        "postgresql+asyncpg://neondb_owner:s3cr%40t@ep-cool-darkness-123456-pooler"
        ".eu-central-1.aws.neon.tech/neondb?prepared_statement_cache_size=0"
    )
    assert config.connect_args == {"ssl": "require", "statement_cache_size": 0}
    assert config.engine_kwargs == POSTGRES_ENGINE_KWARGS


def test_psycopg_urls_stay_on_psycopg() -> None:
    raw = "postgresql+psycopg://user:pw@localhost:5432/app?sslmode=require"

    config = normalize_database_url(raw)

    assert config.url == raw  # psycopg 3 is async too and reads sslmode itself
    assert config.connect_args == {}
    assert config.engine_kwargs == POSTGRES_ENGINE_KWARGS


def test_psycopg_pooler_urls_prepare_no_statements() -> None:
    config = normalize_database_url(
        "postgresql+psycopg://u:p@ep-cool-darkness-123456-pooler.aws.neon.tech/db"
    )

    assert config.connect_args == {"prepare_threshold": None}


def test_neon_direct_url_keeps_statement_cache() -> None:
    config = normalize_database_url(
        "postgresql://u:p@ep-cool-darkness-123456.eu-central-1.aws.neon.tech/db"
        "?sslmode=verify-full"
    )

    assert "prepared_statement_cache_size" not in config.url
    assert config.connect_args == {"ssl": "verify-full"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sqlite:///./app.db", "sqlite+aiosqlite:///./app.db"),
        ("sqlite+aiosqlite:///./app.db", "sqlite+aiosqlite:///./app.db"),
        ("sqlite:////tmp/app.db", "sqlite+aiosqlite:////tmp/app.db"),
    ],
)
def test_sqlite_urls_use_aiosqlite(raw: str, expected: str) -> None:
    config = normalize_database_url(raw)

    assert config.url == expected
    assert config.connect_args == {}
    assert config.engine_kwargs == {}
    assert config.is_sqlite


@pytest.mark.parametrize(
    "raw", ["mysql://u@localhost/app", "postgresql://u@h/db?sslmode=bogus"]
)
def test_unsupported_urls_are_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="Unsupported"):
        normalize_database_url(raw)


async def test_postgres_pool_is_sized_by_the_settings() -> None:
    engine = create_engine(
        make_settings(
            database_url="postgresql://u:p@db.example.com/app",
            database_pool_size=7,
            database_max_overflow=3,
        )
    )
    pool = engine.sync_engine.pool

    assert isinstance(pool, QueuePool)
    assert pool.size() == 7
    await engine.dispose()


def _in_transaction(raw: PoolProxiedConnection) -> bool:
    driver = raw.driver_connection
    assert driver is not None
    return bool(driver.in_transaction)


async def test_sqlite_connections_return_to_the_pool_without_a_transaction(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    engine = create_engine(make_settings(database_url=database_url))

    def write_without_commit(connection: Connection) -> tuple[bool, bool]:
        raw = connection.engine.raw_connection()
        raw.cursor().execute("CREATE TABLE t (x INTEGER)")
        raw.cursor().execute("INSERT INTO t VALUES (1)")
        opened = _in_transaction(raw)
        raw.close()  # back to the pool, the INSERT not committed
        raw = connection.engine.raw_connection()  # the same connection again
        still_open = _in_transaction(raw)
        raw.close()
        return opened, still_open

    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(write_without_commit) == (True, False)
    finally:
        await engine.dispose()
