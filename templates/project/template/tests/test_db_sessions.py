"""Request sessions wait for a connection first come, first served."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.db import create_session_slots

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
