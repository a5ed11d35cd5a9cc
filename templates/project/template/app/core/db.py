"""Async database engine, sessions and the metadata naming convention."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import (
    ConnectionPoolEntry,
    PoolProxiedConnection,
    PoolResetState,
    QueuePool,
)
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings

#: Deterministic constraint names, so migrations are identical on every database
#: and constraints can be dropped by name later.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# Neon suspends idle computes after 5 minutes; recycle connections before that.
POSTGRES_POOL_RECYCLE_SECONDS = 240

# No ``pool_pre_ping``: it costs three round trips (BEGIN, ping, ROLLBACK) on
# every checkout. Connections idle for a while are checked instead, see
# :func:`check_idle_connections`.
_POSTGRES_ENGINE_KWARGS: dict[str, Any] = {
    "pool_recycle": POSTGRES_POOL_RECYCLE_SECONDS,
}
#: Requests that only read run without a transaction (no BEGIN and ROLLBACK);
#: under READ COMMITTED each statement sees its own snapshot either way.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LAST_USED = "fastgen_last_used"
_SSL_MODES = frozenset(
    {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
)


@dataclass(frozen=True)
class DatabaseConfig:
    """A database URL translated for SQLAlchemy's async drivers."""

    url: str
    connect_args: dict[str, Any] = field(default_factory=dict)
    engine_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        """Whether the URL targets SQLite."""
        return self.url.startswith("sqlite")

    @property
    def is_sqlite_memory(self) -> bool:
        """Whether the URL is an in-memory SQLite database (one connection)."""
        if not self.is_sqlite:
            return False
        url = make_url(self.url)
        in_memory = url.database in (None, "", ":memory:")
        return in_memory or url.query.get("mode") == "memory"


def normalize_database_url(raw_url: str) -> DatabaseConfig:
    """Translate a database URL, as a provider prints it, for the async drivers.

    ``postgres://`` and ``postgresql://`` use asyncpg and ``sqlite://`` uses
    aiosqlite. libpq-only query parameters are translated: ``sslmode`` becomes
    asyncpg's ``ssl`` argument and ``channel_binding`` is dropped. Pooler hosts
    (Neon's ``-pooler`` endpoints, PgBouncer in transaction mode) cannot keep
    prepared statements, so statement caching is disabled for them.
    ``postgresql+psycopg://`` stays on psycopg 3, which is async as well and
    reads libpq's parameters itself.
    """
    url = make_url(raw_url.strip())
    if url.drivername == "postgresql+psycopg":
        return _psycopg_config(url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return DatabaseConfig(
            url=url.set(drivername="sqlite+aiosqlite").render_as_string(
                hide_password=False
            )
        )
    if backend not in {"postgres", "postgresql"}:
        raise ValueError(
            f"Unsupported database {backend!r}: use a PostgreSQL or SQLite URL"
        )

    connect_args: dict[str, Any] = {}
    query = dict(url.query)
    ssl_mode = query.pop("sslmode", None)
    if isinstance(ssl_mode, str):
        if ssl_mode not in _SSL_MODES:
            raise ValueError(f"Unsupported sslmode {ssl_mode!r} in DATABASE_URL")
        connect_args["ssl"] = ssl_mode
    query.pop("channel_binding", None)
    if url.host and "-pooler" in url.host:
        connect_args["statement_cache_size"] = 0
        query["prepared_statement_cache_size"] = "0"

    url = url.set(drivername="postgresql+asyncpg", query=query)
    return DatabaseConfig(
        url=url.render_as_string(hide_password=False),
        connect_args=connect_args,
        engine_kwargs=_POSTGRES_ENGINE_KWARGS,
    )


def _psycopg_config(url: URL) -> DatabaseConfig:
    """A psycopg 3 URL as it is: only pooler hosts need a setting (no prepared
    statements)."""
    pooled = bool(url.host and "-pooler" in url.host)
    return DatabaseConfig(
        url=url.render_as_string(hide_password=False),
        connect_args={"prepare_threshold": None} if pooled else {},
        engine_kwargs=_POSTGRES_ENGINE_KWARGS,
    )


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys, and run a SQLite file in write-ahead-log mode.

    With the default rollback journal a commit writes and syncs a journal, then
    the database; in WAL mode it appends to the log and syncs that once, and
    reads no longer wait for a writer. ``synchronous`` stays FULL, so a committed
    write survives a power cut. The mode is kept in the file; an in-memory
    database keeps its own.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _roll_back_open_transaction(
    dbapi_connection: Any, _record: ConnectionPoolEntry, state: PoolResetState
) -> None:
    """Reset a SQLite connection returned to the pool: roll back a transaction
    only if one is still open.

    The pool's default reset rolls back every connection it gets back, one more
    call through aiosqlite's thread per request, though the session has ended
    its transaction already and the driver opens one before a write only.
    """
    if not state.asyncio_safe:
        return  # as the default reset: nothing can be awaited here
    try:
        in_transaction = dbapi_connection.driver_connection.in_transaction
    except ValueError:  # aiosqlite: the connection is closed
        return
    if in_transaction:
        dbapi_connection.rollback()


def check_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only if it sat idle over ``idle_seconds``.

    A connection used moments ago is trusted: pinging it on every checkout
    would add round trips to every request. One idle for longer may have been
    closed by the server (Neon closes idle connections when it scales to zero):
    if the ping fails, the pool replaces it with a fresh connection.
    """
    dialect = engine.sync_engine.dialect
    # What the driver raises (not wrapped in SQLAlchemy's DBAPIError yet).
    driver_error: type[Exception] = dialect.loaded_dbapi.Error

    def record_use(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_LAST_USED] = time.monotonic()

    def ping_if_idle(
        dbapi_connection: Any,
        record: ConnectionPoolEntry,
        _proxy: PoolProxiedConnection,
    ) -> None:
        last_used = record.info.get(_LAST_USED)
        if last_used is None or time.monotonic() - last_used < idle_seconds:
            return  # a new connection, or one in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except (driver_error, OSError) as exc:
            # The pool invalidates this connection and checks out a new one.
            raise DisconnectionError("idle connection was closed") from exc

    event.listen(engine.sync_engine, "checkin", record_use)
    event.listen(engine.sync_engine, "checkout", ping_if_idle)


def create_engine(settings: Settings) -> AsyncEngine:
    """Create the async engine for ``settings.database_url``."""
    config = normalize_database_url(settings.database_url)
    # A connection opened for a request that finds the pool empty costs far more
    # than the request: the pool is sized for the requests a worker serves at once.
    pool: dict[str, Any] = {
        "pool_size": settings.database_pool_size,
        "max_overflow": settings.database_max_overflow,
    }
    if config.is_sqlite:
        # A SQLite connection is a thread of aiosqlite's: the pool keeps every one
        # it opens (an overflow connection is closed when returned, and under load
        # another is opened moments later). An in-memory database has just one.
        kept = settings.database_pool_size + settings.database_max_overflow
        pool = {} if config.is_sqlite_memory else {"pool_size": kept, "max_overflow": 0}
        # See _roll_back_open_transaction, the pool's reset instead.
        pool["pool_reset_on_return"] = None
    engine = create_async_engine(
        config.url,
        connect_args=config.connect_args,
        **config.engine_kwargs,
        **pool,
    )
    if config.is_sqlite:
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        event.listen(engine.sync_engine, "reset", _roll_back_open_transaction)
    else:
        check_idle_connections(engine, settings.database_idle_check_seconds)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the factory of SQLModel sessions used by :func:`get_session`."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def create_read_session_factory(
    engine: AsyncEngine,
) -> async_sessionmaker[AsyncSession]:
    """Create the factory of sessions for requests that only read: each statement
    commits on its own, so a read costs no BEGIN and no ROLLBACK.

    On SQLite that is what a plain session does already (the driver opens a
    transaction before the first write only), so reads get plain sessions there:
    switching a connection to AUTOCOMMIT and back would cost several calls
    through aiosqlite's thread on every request.
    """
    if engine.dialect.name == "sqlite":
        return create_session_factory(engine)
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    return create_session_factory(autocommit)


def create_session_slots(engine: AsyncEngine) -> asyncio.Semaphore | None:
    """One slot per connection ``engine``'s pool can hand out, taken by each
    request's session in the order the requests came (None: a pool without a
    limit, or a single shared connection).

    The pool's own queue lets a request that arrives as a connection is returned
    take it ahead of requests already waiting, which then queue again at the back:
    under load some wait for seconds. The slots wait first come, first served,
    and a request holding one always finds a connection free.
    """
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None
    return asyncio.Semaphore(pool.size() + pool._max_overflow)


def create_write_turn(engine: AsyncEngine) -> asyncio.Lock | None:
    """On SQLite, the turn that requests which may write take one at a time, in
    the order they came (None on other databases).

    SQLite lets one connection write at a time. The others wait in its busy
    handler, which sleeps and tries again (after 1 ms, then 2, 5, 10 and up to
    100 ms), so under load a writer can miss its chance again and again while
    newcomers get in first: some requests waited seconds. A request holding the
    turn finds the database free to write.
    """
    return asyncio.Lock() if engine.dialect.name == "sqlite" else None


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield a session for one request; uncommitted work is rolled back.

    Reads (``GET``) use ``app.state.read_session_factory`` when the app has one,
    so they run without a transaction. Other requests first take
    ``app.state.write_turn`` when there is one (SQLite), and keep it for as long
    as their session lasts.
    """
    state = request.app.state
    factory: async_sessionmaker[AsyncSession] = state.session_factory
    reads = request.method in READ_ONLY_METHODS
    if reads:
        factory = getattr(state, "read_session_factory", factory)
    write_turn = None if reads else getattr(state, "write_turn", None)
    slots = getattr(state, "session_slots", None)
    async with (
        write_turn or nullcontext(),
        slots or nullcontext(),
        factory() as session,
    ):
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
