"""End to end: the generated app's runtime on PostgreSQL.

Pooled connections are not pinged on every checkout (that cost three round trips
per request); one idle for longer than ``DATABASE_IDLE_CHECK_SECONDS`` is. These
tests kill the server side of the pooled connections, as Neon does when it scales
an idle compute to zero, and show the next request still succeeds.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.e2e import generate_project, run, serving

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_runtime"))
    run(project, "fastgen", "add", "resource", "Note", "title:str{100}")
    return project


def _terminate_app_connections(database_url: str) -> int:
    """Kill every other session on the app's database; the number killed."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    database = dsn.rsplit("/", 1)[1]

    async def terminate() -> int:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            killed = await connection.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                database,
            )
        finally:
            await connection.close()
        return int(killed)

    return asyncio.run(terminate())


def _notes(base_url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(f"{base_url}/api/v1/notes", headers=headers, timeout=10)


def test_a_connection_killed_while_idle_is_replaced(
    project: Path, pg_database: str
) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=pg_database)
    token = run(project, "fastgen", "token", "--sub", "alice").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}

    with serving(
        project, DATABASE_URL=pg_database, DATABASE_IDLE_CHECK_SECONDS="0.2"
    ) as base_url:
        created = httpx.post(
            f"{base_url}/api/v1/notes", json={"title": "kept"}, headers=headers
        )
        assert created.status_code == 201, created.text
        assert _notes(base_url, headers).status_code == 200

        assert _terminate_app_connections(pg_database) >= 1
        time.sleep(0.5)  # idle past the threshold: the next checkout pings

        after = _notes(base_url, headers)
        assert after.status_code == 200, after.text
        assert after.json()["total"] == 1
        written = httpx.post(
            f"{base_url}/api/v1/notes", json={"title": "new"}, headers=headers
        )
        assert written.status_code == 201, written.text


def test_a_recently_used_connection_is_trusted_without_a_ping(
    project: Path, pg_database: str
) -> None:
    """The control: with a threshold nothing reaches, a killed connection is used
    unchecked and its request fails; the pool then starts afresh."""
    run(project, "alembic", "upgrade", "head", DATABASE_URL=pg_database)
    token = run(project, "fastgen", "token", "--sub", "alice").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}

    with serving(
        project, DATABASE_URL=pg_database, DATABASE_IDLE_CHECK_SECONDS="3600"
    ) as base_url:
        assert _notes(base_url, headers).status_code == 200
        assert _terminate_app_connections(pg_database) >= 1

        failed = _notes(base_url, headers)
        recovered = _notes(base_url, headers)

    assert failed.status_code == 500, failed.text
    assert recovered.status_code == 200, recovered.text
