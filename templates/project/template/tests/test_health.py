"""GET /api/v1/health."""

import asyncio
import threading
from pathlib import Path

import httpx

from app.core.config import Settings
from app.main import create_app


async def test_health_reports_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok", "database": "ok"}}


async def test_health_is_503_when_database_is_down(
    settings: Settings, tmp_path: Path
) -> None:
    unreachable = tmp_path / "missing-dir" / "app.db"
    threads_before = set(threading.enumerate())
    app = create_app(
        settings.model_copy(
            update={"database_url": f"sqlite+aiosqlite:///{unreachable}"}
        )
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1/health")
    await app.state.engine.dispose()
    # aiosqlite stops a connection that failed to open without waiting for its
    # thread, which then reports to this test's event loop: let it, before the
    # loop closes (omnilib/aiosqlite#259).
    for thread in set(threading.enumerate()) - threads_before:
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, 5)

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Database is unavailable",
        "error_code": "SERVICE_UNAVAILABLE",
    }


async def test_openapi_documents_health_and_errors(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()

    operation = schema["paths"]["/api/v1/health"]["get"]
    assert operation["summary"] == "Check service health"
    assert "503" in operation["responses"]
    assert "ErrorResponse" in schema["components"]["schemas"]
