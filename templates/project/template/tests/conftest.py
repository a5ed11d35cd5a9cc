"""Shared fixtures: the app on an isolated database and a fake better-auth.

Every test gets its own database: a SQLite file by default, or a fresh schema on
the PostgreSQL server named by ``TEST_DATABASE_URL``. Tokens are signed with a
local Ed25519 key whose JWKS is served through ``httpx.MockTransport``, so the
real JWKS fetching code runs without a network.
"""

import os
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
from app.core.db import create_engine, create_session_factory, normalize_database_url
from app.main import create_app
from tests.support import (
    AUTH_URL,
    JWKSServer,
    SigningKey,
    TokenFactory,
    make_settings,
    new_signing_key,
)


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The key that signs test tokens (shared by the whole session)."""
    return new_signing_key()


@pytest.fixture
def jwks_server(signing_key: SigningKey) -> JWKSServer:
    """The fake JWKS endpoint, publishing ``signing_key``."""
    return JWKSServer(keys=[signing_key.public_jwk])


@pytest.fixture
async def db_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty, isolated database with every table created."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        engine = create_engine(
            make_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        )
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        yield engine
        await engine.dispose()
        return

    database = normalize_database_url(test_url)
    schema = f"test_{uuid.uuid4().hex}"
    admin = create_async_engine(
        database.url, connect_args=database.connect_args, poolclass=pool.NullPool
    )
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_async_engine(
        database.url,
        connect_args={
            **database.connect_args,
            "server_settings": {"search_path": schema},
        },
    )
    try:
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def sql_statements(db_engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements the app sends to the test database, in order.

    Counted: every statement SQLAlchemy executes (``before_cursor_execute``) and
    the BEGIN, COMMIT and ROLLBACK of every real transaction; reads run in
    AUTOCOMMIT and open none. Not counted: the ping of a pooled connection idle
    for longer than ``DATABASE_IDLE_CHECK_SECONDS``, which is rare by design.
    """
    statements: list[str] = []

    def on_execute(
        _connection: Connection, _cursor: Any, statement: str, *_args: Any
    ) -> None:
        statements.append(statement)

    def on_transaction(name: str) -> Callable[..., None]:
        def record(connection: Connection, *_args: Any) -> None:
            options = connection.get_execution_options()
            if options.get("isolation_level") != "AUTOCOMMIT":
                statements.append(name)

        return record

    listeners: list[tuple[str, Callable[..., None]]] = [
        ("before_cursor_execute", on_execute),
        ("begin", on_transaction("BEGIN")),
        ("commit", on_transaction("COMMIT")),
        ("rollback", on_transaction("ROLLBACK")),
    ]
    for name, listener in listeners:
        event.listen(db_engine.sync_engine, name, listener)
    yield statements
    for name, listener in listeners:
        event.remove(db_engine.sync_engine, name, listener)


@pytest.fixture
def settings(db_engine: AsyncEngine) -> Settings:
    """Settings of the application under test."""
    return make_settings(
        database_url=db_engine.url.render_as_string(hide_password=False)
    )


@pytest.fixture
async def app(
    settings: Settings, db_engine: AsyncEngine, jwks_server: JWKSServer
) -> AsyncIterator[FastAPI]:
    """The application, on the test database and the fake JWKS endpoint."""
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(jwks_server.handle)
    ) as jwks_client:
        yield create_app(
            settings,
            engine=db_engine,
            token_verifier=TokenVerifier(settings, http_client=jwks_client),
        )


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
