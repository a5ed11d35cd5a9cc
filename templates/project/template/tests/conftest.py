"""Shared fixtures: the app on an isolated database and a fake better-auth.

Every test starts on an empty database: by default a copy of a SQLite file whose
tables the session creates once, or on the PostgreSQL server named by
``TEST_DATABASE_URL`` a schema the session creates once and empties after each
test. Tests share one application, pointed
at each test's database in turn. Tokens are signed with a
local Ed25519 key whose JWKS is served through ``httpx.MockTransport``, so the
real JWKS fetching code runs without a network.
"""

import asyncio
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import Connection, event, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app import models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.core.auth import TokenVerifier
from app.core.config import Settings
from app.core.db import (
    DatabaseConfig,
    create_engine,
    create_session_factory,
    normalize_database_url,
)
from app.main import create_app, use_backends
from tests.support import (
    AUTH_URL,
    JWKSServer,
    SigningKey,
    TokenFactory,
    make_settings,
    new_signing_key,
)

#: Whether the driver had a transaction open before a statement (SQLite).
_WAS_IN_TRANSACTION = "tests_was_in_transaction"


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The key that signs test tokens (shared by the whole session)."""
    return new_signing_key()


@pytest.fixture
def jwks_server(signing_key: SigningKey) -> JWKSServer:
    """The fake JWKS endpoint, publishing ``signing_key``."""
    return JWKSServer(keys=[signing_key.public_jwk])


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[tuple[DatabaseConfig, str] | None]:
    """On the PostgreSQL server named by ``TEST_DATABASE_URL`` (else None): a schema
    of this session's own with every table, dropped at the end."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        yield None
        return
    database = normalize_database_url(test_url)
    schema = f"test_{uuid.uuid4().hex}"
    asyncio.run(_on_server(database, f'CREATE SCHEMA "{schema}"'))
    try:
        asyncio.run(_create_tables_in(database, schema))
        yield database, schema
    finally:
        asyncio.run(_on_server(database, f'DROP SCHEMA "{schema}" CASCADE'))


async def _on_server(database: DatabaseConfig, statement: str) -> None:
    admin = create_async_engine(
        database.url, connect_args=database.connect_args, poolclass=pool.NullPool
    )
    async with admin.begin() as connection:
        await connection.execute(text(statement))
    await admin.dispose()


def _schema_engine(database: DatabaseConfig, schema: str) -> AsyncEngine:
    return create_async_engine(
        database.url,
        connect_args={
            **database.connect_args,
            # Nothing outlives the session: commits need not wait for the disk.
            "server_settings": {"search_path": schema, "synchronous_commit": "off"},
        },
    )


async def _create_tables_in(database: DatabaseConfig, schema: str) -> None:
    engine = _schema_engine(database, schema)
    await _create_tables(engine)
    await engine.dispose()


async def _create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)


def _without_durability(dbapi_connection: Any, _record: Any) -> None:
    """A test's SQLite file is thrown away after it: skip the disk syncs that make
    SQLite crash-safe, which cost more than the tests (the journal stays the app's
    write-ahead log)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    """Test settings, validated once: each test's are a copy with its database."""
    return make_settings()


@pytest.fixture(scope="session")
def sqlite_template(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_schema: tuple[DatabaseConfig, str] | None,
) -> Path | None:
    """Unless the session runs on PostgreSQL: a SQLite file with every table,
    created once, that each test's database copies."""
    if postgres_schema is not None:
        return None
    path = tmp_path_factory.mktemp("database") / "template.db"
    asyncio.run(_create_sqlite_tables(f"sqlite+aiosqlite:///{path}"))
    return path


async def _create_sqlite_tables(url: str) -> None:
    engine = create_async_engine(url)
    await _create_tables(engine)
    await engine.dispose()


@pytest.fixture
async def db_engine(
    tmp_path: Path,
    base_settings: Settings,
    sqlite_template: Path | None,
    postgres_schema: tuple[DatabaseConfig, str] | None,
) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty, isolated database with every table created: a SQLite
    file of the test's own, or the session's PostgreSQL schema, emptied after the
    test."""
    if sqlite_template is not None:
        database = shutil.copyfile(sqlite_template, tmp_path / "test.db")
        url = f"sqlite+aiosqlite:///{database}"
        engine = create_engine(base_settings.model_copy(update={"database_url": url}))
        event.listen(engine.sync_engine, "connect", _without_durability)
        yield engine
        await engine.dispose()
        return

    assert postgres_schema is not None
    engine = _schema_engine(*postgres_schema)
    try:
        yield engine
    finally:
        async with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                await connection.execute(table.delete())
        await engine.dispose()


@pytest.fixture
def sql_statements(db_engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements the app sends to the test database, in order.

    Counted: every statement SQLAlchemy executes (``before_cursor_execute``) and
    the BEGIN, COMMIT and ROLLBACK of every real transaction. On PostgreSQL reads
    run in AUTOCOMMIT and open none; on SQLite the driver itself opens one before
    a write only (counted as BEGIN when it does). Not counted: the ping of a pooled
    connection idle for longer than ``DATABASE_IDLE_CHECK_SECONDS``, which is rare
    by design.
    """
    statements: list[str] = []
    sqlite = db_engine.dialect.name == "sqlite"

    def driver_in_transaction(connection: Connection) -> bool:
        driver: Any = connection.connection.driver_connection
        return bool(driver.in_transaction)

    def on_execute(
        connection: Connection, _cursor: Any, statement: str, *_args: Any
    ) -> None:
        if sqlite:
            connection.info[_WAS_IN_TRANSACTION] = driver_in_transaction(connection)
        statements.append(statement)

    def on_executed(connection: Connection, *_args: Any) -> None:
        was_in_transaction = connection.info.pop(_WAS_IN_TRANSACTION, True)
        if not was_in_transaction and driver_in_transaction(connection):
            statements.insert(len(statements) - 1, "BEGIN")

    def on_transaction(name: str) -> Callable[..., None]:
        def record(connection: Connection, *_args: Any) -> None:
            if sqlite:
                real = driver_in_transaction(connection)
            else:
                options = connection.get_execution_options()
                real = options.get("isolation_level") != "AUTOCOMMIT"
            if real:
                statements.append(name)

        return record

    listeners: list[tuple[str, Callable[..., None]]] = [
        ("before_cursor_execute", on_execute),
        ("commit", on_transaction("COMMIT")),
        ("rollback", on_transaction("ROLLBACK")),
    ]
    listeners.append(
        ("after_cursor_execute", on_executed)
        if sqlite
        else ("begin", on_transaction("BEGIN"))
    )
    for name, listener in listeners:
        event.listen(db_engine.sync_engine, name, listener)
    yield statements
    for name, listener in listeners:
        event.remove(db_engine.sync_engine, name, listener)


@pytest.fixture
def settings(base_settings: Settings, db_engine: AsyncEngine) -> Settings:
    """Settings of the application under test."""
    url = db_engine.url.render_as_string(hide_password=False)
    return base_settings.model_copy(update={"database_url": url})


@pytest.fixture
async def verifier(
    settings: Settings, jwks_server: JWKSServer
) -> AsyncIterator[TokenVerifier]:
    """The token verifier of the app under test, fetching keys from ``jwks_server``."""
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(jwks_server.handle)
    ) as jwks_client:
        yield TokenVerifier(settings, http_client=jwks_client)


@pytest.fixture(scope="session")
def shared_app(base_settings: Settings) -> FastAPI:
    """One application for the session: building it is cheap, but FastAPI
    prepares its routes on its first request, and that costs more than most tests.
    """
    return create_app(base_settings)


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    shared_app: FastAPI,
    settings: Settings,
    db_engine: AsyncEngine,
    verifier: TokenVerifier,
) -> FastAPI:
    """The application, on the test database and the fake JWKS endpoint.

    Tests marked ``new_app`` (they add routes) get a new application, so their
    routes do not outlive them; the others share one.
    """
    if request.node.get_closest_marker("new_app"):
        return create_app(settings, engine=db_engine, token_verifier=verifier)
    use_backends(shared_app, settings, engine=db_engine, token_verifier=verifier)
    return shared_app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling ``app`` in-process."""
    # Unhandled errors must come back as 500 responses, as in production.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test"
    ) as http_client:
        yield http_client


@pytest.fixture
def token_factory(signing_key: SigningKey) -> TokenFactory:
    """Build signed tokens: ``token_factory(sub="user-a", **overrides)``.

    Keyword overrides replace claims (``None`` removes one); ``headers=`` is
    merged into the JWT header and ``key=`` signs with another private key.
    """

    def make_token(
        sub: str | None = "user-a",
        *,
        headers: dict[str, Any] | None = None,
        key: Ed25519PrivateKey | None = None,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": sub,
            "email": f"{sub}@example.com" if sub else None,
            "iss": AUTH_URL,
            "aud": AUTH_URL,
            "iat": now,
            "exp": now + 300,
            **overrides,
        }
        payload = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(
            payload,
            key or signing_key.private_key,
            algorithm="EdDSA",
            headers={"kid": signing_key.kid, **(headers or {})},
        )

    return make_token


@pytest.fixture
def user_headers(token_factory: TokenFactory) -> dict[str, str]:
    """Authorization headers of user ``user-a``."""
    return {"Authorization": f"Bearer {token_factory('user-a')}"}


@pytest.fixture
def other_user_headers(token_factory: TokenFactory) -> dict[str, str]:
    """Authorization headers of user ``user-b``."""
    return {"Authorization": f"Bearer {token_factory('user-b')}"}


@pytest.fixture
def admin_headers(token_factory: TokenFactory) -> dict[str, str]:
    """Authorization headers of user ``admin``, who holds the ``admin`` role (the
    role claim, comma-separated as better-auth's admin plugin writes it)."""
    return {"Authorization": f"Bearer {token_factory('admin', role='admin')}"}


@pytest.fixture
async def db_session(db_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database (the one the app uses)."""
    async with create_session_factory(db_engine)() as session:
        yield session
