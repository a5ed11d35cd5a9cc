"""Request sessions wait for a connection first come, first served; on SQLite,
requests that may write take turns, the pool of a file keeps the connections it
opens, and the file runs in write-ahead-log mode. The default pool keeps every
connection it opens, on either database."""

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool

from app.core.config import Settings
from app.core.db import (
    create_engine,
    create_session_factory,
    create_session_slots,
    create_write_turn,
    get_session,
)
from tests.support import make_settings

SlotsOfPool = Callable[[int, int], AbstractAsyncContextManager[asyncio.Semaphore]]


@pytest.fixture
def slots_of_pool(tmp_path: Path) -> SlotsOfPool:
    """``slots_of_pool(pool_size, max_overflow)``: the session slots of an engine
    with that pool, disposed of on leaving."""

    @asynccontextmanager
    async def slots(size: int, overflow: int) -> AsyncIterator[asyncio.Semaphore]:
        engine = create_async_engine(
            f"sqlite+aiosqlite:///{tmp_path / 'slots.db'}",
            pool_size=size,
            max_overflow=overflow,
        )
        found = create_session_slots(engine)
        assert found is not None
        yield found
        await engine.dispose()

    return slots


async def test_there_is_one_slot_per_connection_the_pool_hands_out(
    slots_of_pool: SlotsOfPool,
) -> None:
    async with slots_of_pool(2, 3) as slots:
        for _ in range(5):
            await slots.acquire()

        assert slots.locked()


async def test_a_request_arriving_as_a_slot_frees_waits_its_turn(
    slots_of_pool: SlotsOfPool,
) -> None:
    served: list[str] = []
    async with slots_of_pool(1, 0) as slots:

        async def request(name: str) -> None:
            async with slots:
                served.append(name)

        await slots.acquire()
        waiting = asyncio.create_task(request("waiting"))
        await asyncio.sleep(0)  # it is now queued for the slot
        slots.release()
        newcomer = asyncio.create_task(request("newcomer"))
        await asyncio.gather(waiting, newcomer)

    assert served == ["waiting", "newcomer"]


async def _kept_after_use(settings: Settings, count: int) -> int:
    """How many connections the pool of ``create_engine(settings)`` still holds
    after ``count`` of them were open at once, used and returned."""
    engine = create_engine(settings)
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    try:
        connections = [await engine.connect() for _ in range(count)]
        for connection in connections:
            await connection.execute(text("SELECT 1"))
        for connection in connections:
            await connection.close()
        return pool.checkedin()
    finally:
        await engine.dispose()


async def test_a_sqlite_files_pool_keeps_every_connection_it_opens(
    tmp_path: Path,
) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}",
        database_pool_size=3,
        database_max_overflow=3,
    )

    # pool size plus overflow, none closed
    assert await _kept_after_use(settings, 6) == 6


async def test_the_default_pool_keeps_every_connection_it_opens(
    tmp_path: Path,
) -> None:
    """A connection closed as it returns to the pool is opened again moments later
    under load: a connect, a TLS handshake and a login for one request. On the
    suite's database (``TEST_DATABASE_URL``, else a SQLite file)."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}"
    )
    settings = make_settings(database_url=url)
    most = settings.database_pool_size + settings.database_max_overflow

    assert await _kept_after_use(settings, most) == most


async def test_an_in_memory_sqlite_database_keeps_its_one_connection() -> None:
    engine = create_engine(make_settings(database_url="sqlite+aiosqlite:///:memory:"))
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE kept (x INTEGER)"))
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT count(*) FROM kept"))
            assert found.scalar_one() == 0
    finally:
        await engine.dispose()


async def test_a_sqlite_file_runs_in_wal_mode_with_full_syncs(tmp_path: Path) -> None:
    engine = create_engine(
        make_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}")
    )
    try:
        async with engine.connect() as connection:
            settings = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "synchronous", "foreign_keys")
            ]
        assert settings == ["wal", 2, 1]  # 2: FULL
    finally:
        await engine.dispose()


async def test_requests_that_may_write_take_sqlites_write_turn_in_order(
    tmp_path: Path,
) -> None:
    engine = create_engine(
        make_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'turn.db'}")
    )
    app = FastAPI()
    app.state.session_factory = create_session_factory(engine)
    app.state.write_turn = create_write_turn(engine)
    served: list[str] = []
    first_done = asyncio.Event()

    async def request(method: str, done: asyncio.Event | None = None) -> None:
        scope = {"type": "http", "method": method, "app": app, "headers": []}
        async with asynccontextmanager(get_session)(Request(scope)):
            served.append(method)
            if done is not None:
                await done.wait()

    try:
        requests = [
            asyncio.create_task(request("POST", first_done)),
            asyncio.create_task(request("PATCH")),
            asyncio.create_task(request("GET")),
        ]
        await asyncio.sleep(0.05)
        assert served == ["POST", "GET"]  # PATCH waits for the POST's turn to end
        first_done.set()
        await asyncio.gather(*requests)
        assert served == ["POST", "GET", "PATCH"]
    finally:
        await engine.dispose()


def test_only_sqlite_has_a_write_turn() -> None:
    engine = create_async_engine("postgresql+asyncpg://app@127.0.0.1/app")
    assert create_write_turn(engine) is None
