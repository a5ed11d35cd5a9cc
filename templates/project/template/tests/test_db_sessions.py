"""Request sessions wait for a connection first come, first served, and a SQLite
file's pool keeps the connections it opens."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool

from app.core.db import create_engine, create_session_slots
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


async def test_a_sqlite_files_pool_keeps_every_connection_it_opens(
    tmp_path: Path,
) -> None:
    engine = create_engine(
        make_settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}",
            database_pool_size=3,
            database_max_overflow=3,
        )
    )
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    try:
        connections = [await engine.connect() for _ in range(6)]
        for connection in connections:
            await connection.execute(text("SELECT 1"))
        for connection in connections:
            await connection.close()
        assert pool.checkedin() == 6  # pool size plus overflow, none closed
    finally:
        await engine.dispose()


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
