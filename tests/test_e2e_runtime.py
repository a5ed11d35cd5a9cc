"""End to end: the generated app's runtime on PostgreSQL.

Pooled connections are not pinged on every checkout (that cost three round trips
per request); one idle for longer than ``DATABASE_IDLE_CHECK_SECONDS`` is. These
tests kill the server side of the pooled connections, as Neon does when it scales
an idle compute to zero, and show the next request still succeeds. The last one
shows each list's default order read from its index, with no sort, and ``sync``
migrating a table fastgen created before lists had an index.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.e2e import alembic_session, generate_project, run, serving

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_runtime"))
    run(project, "fastgen", "add", "resource", "Note", "title:str{100}")
    run(project, "fastgen", "add", "resource", "Tag", "name:str{50}", "--no-owner")
    return project


def _dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://")


def _terminate_app_connections(database_url: str) -> int:
    """Kill every other session on the app's database; the number killed."""
    dsn = _dsn(database_url)
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


# The page queries of the services' lists, as they send them for the default order
# (newest first) and its reverse: ties break on id in the same direction.
_PAGE_QUERIES = {
    "ix_notes_owner_id_created_at": (
        "SELECT * FROM notes WHERE notes.owner_id = 'user-7'"
        " ORDER BY notes.created_at {order}, notes.id {order} LIMIT 50 OFFSET 100"
    ),
    "ix_tags_created_at": (
        "SELECT * FROM tags ORDER BY tags.created_at {order}, tags.id {order}"
        " LIMIT 50 OFFSET 100"
    ),
}
_SEED = [
    "INSERT INTO notes (id, owner_id, title, created_at, updated_at)"
    " SELECT gen_random_uuid(), 'user-' || (i % 20), 'note ' || i,"
    " now() - i * interval '1 second', now() FROM generate_series(1, 20000) AS i",
    "INSERT INTO tags (id, name, created_at, updated_at)"
    " SELECT gen_random_uuid(), 'tag ' || i, now() - i * interval '1 second', now()"
    " FROM generate_series(1, 20000) AS i",
    "ANALYZE notes",
    "ANALYZE tags",
]


def test_each_list_order_is_read_from_its_index(
    project: Path, pg_database: str
) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=pg_database)

    async def plans() -> dict[str, str]:
        connection = await asyncpg.connect(_dsn(pg_database), timeout=5)
        try:
            for statement in _SEED:
                await connection.execute(statement)
            found: dict[str, str] = {}
            for index, query in _PAGE_QUERIES.items():
                for order in ("DESC", "ASC"):
                    rows = await connection.fetch(
                        "EXPLAIN " + query.format(order=order)
                    )
                    found[f"{index} {order}"] = "\n".join(r[0] for r in rows)
            return found
        finally:
            await connection.close()

    for key, plan in asyncio.run(plans()).items():
        index, order = key.split()
        scan = "Index Scan Backward" if order == "DESC" else "Index Scan"
        assert f"{scan} using {index}" in plan, plan
        assert "Sort" not in plan, plan


def _as_before_list_indexes(project: Path) -> None:
    """The notes table and manifest as fastgen wrote them before lists had an
    index: ``ix_notes_owner_id`` instead of the list's."""
    [create] = (project / "migrations" / "versions").glob("*_create_notes.py")
    text = re.sub(
        r"    op\.create_index\(\n\s+op\.f\(\"ix_notes_owner_id_created_at\"\)"
        r".*?\n    \)\n",
        '    op.create_index(op.f("ix_notes_owner_id"), "notes", ["owner_id"])\n',
        create.read_text(),
        flags=re.DOTALL,
    )
    assert "ix_notes_owner_id_created_at" not in text
    create.write_text(text)
    manifest = project / ".fastgen" / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["resources"]["Note"]["list_index"]
    manifest.write_text(json.dumps(data, indent=2))


def test_sync_gives_an_existing_table_its_list_index(
    project: Path, pg_database: str, tmp_path: Path
) -> None:
    old = Path(shutil.copytree(project, tmp_path / "old"))
    _as_before_list_indexes(old)
    run(old, "alembic", "upgrade", "head", DATABASE_URL=pg_database)

    run(old, "fastgen", "sync")
    with alembic_session(old, DATABASE_URL=pg_database) as alembic:
        alembic("upgrade", "head")
        alembic("check")
        alembic("downgrade", "-1")
        alembic("upgrade", "head")
    run(old, "fastgen", "check")
