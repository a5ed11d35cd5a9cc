"""End to end: a generated project passes its own checks, migrates, and serves."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e import generate_project, mypy, run, serving

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(tmp_path_factory.mktemp("e2e"))


def test_generated_code_is_black_ruff_and_mypy_strict_clean(project: Path) -> None:
    run(project, "black", "--check", ".")
    run(project, "ruff", "check", ".")
    mypy(project, "--strict", "app", "tests", "migrations")


def test_generated_suite_passes_on_sqlite(project: Path) -> None:
    result = run(project, "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in result.stdout


@pytest.mark.postgres
def test_generated_suite_passes_on_postgres(project: Path, pg_database: str) -> None:
    result = run(
        project, "pytest", "-q", "-p", "no:cacheprovider", TEST_DATABASE_URL=pg_database
    )
    assert " passed" in result.stdout
    assert " skipped" not in result.stdout


def test_migrations_run_on_sqlite(project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    run(project, "alembic", "upgrade", "head", DATABASE_URL=url)
    assert (tmp_path / "migrate.db").is_file()


@pytest.mark.postgres
def test_migrations_run_on_postgres(project: Path, pg_database: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=pg_database)


def test_app_serves_health_and_accepts_a_dev_token(
    project: Path, tmp_path: Path
) -> None:
    token = run(project, "fastgen", "token", "--sub", "alice").stdout.strip()
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    with serving(project, DATABASE_URL=url) as base_url:
        health = httpx.get(f"{base_url}/api/v1/health")
        me = httpx.get(
            f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        anonymous = httpx.get(f"{base_url}/api/v1/me")
    assert health.status_code == 200
    assert health.json() == {"data": {"status": "ok", "database": "ok"}}
    assert health.headers["x-request-id"]
    assert me.status_code == 200, me.text
    assert me.json()["data"]["id"] == "alice"
    assert anonymous.status_code == 401
    assert anonymous.json()["error_code"] == "UNAUTHORIZED"
    assert anonymous.headers["www-authenticate"] == "Bearer"
