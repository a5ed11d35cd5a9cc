"""Request sessions wait for a connection first come, first served."""

import asyncio
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from app.core.db import create_session_slots


async def test_there_is_one_slot_per_connection_the_pool_hands_out(
    tmp_path: Path,
) -> None:
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'slots.db'}", pool_size=2, max_overflow=3
    )
    slots = create_session_slots(engine)
    assert slots is not None
    for _ in range(5):
        await slots.acquire()

    assert slots.locked()
    await engine.dispose()


async def test_a_request_arriving_as_a_slot_frees_waits_its_turn(
    tmp_path: Path,
) -> None:
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'slots.db'}", pool_size=1, max_overflow=0
    )
    slots = create_session_slots(engine)
    assert slots is not None
    served: list[str] = []

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
    await engine.dispose()
