"""``fastgen init`` and ``add resource`` in a full-stack-fastapi-template backend.

The backend (``tests/fixtures/full_stack_backend``) keeps its Alembic in
``app/alembic``, uses sync SQLModel sessions on psycopg 3, its own HS256 JWT and
``CurrentUser`` with UUID ids, settings from ``POSTGRES_*`` variables and its own
pytest fixtures. After init and a Widget resource, on a fresh PostgreSQL database:
the app imports and serves the new routes, ``alembic upgrade head`` runs the
project's revisions and the new one, ``alembic check`` is clean, and the project's
tests and the generated ones (signed in by the project's auth) pass.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.e2e import alembic_session, mypy, project_env, run

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

FIXTURE = Path(__file__).parent / "fixtures" / "full_stack_backend"
PRINT_OPENAPI = (
    "import json; from app.main import app; print(json.dumps(app.openapi()))"
)
GENERATED = ("app/widgets", "app/fastgen_core", "app/tests/generated")


def backend_env(database_url: str) -> dict[str, str]:
    """The backend's settings, as its ``.env`` would give them."""
    url = make_url(database_url)
    return {
        "POSTGRES_SERVER": url.host or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "postgres",
        "POSTGRES_PASSWORD": url.password or "",
        "POSTGRES_DB": url.database or "",
        "PROJECT_NAME": "Full Stack Backend",
        "SECRET_KEY": "a-test-secret-of-the-backend-0123456789",
        "FIRST_SUPERUSER": "admin@example.com",
        "FIRST_SUPERUSER_PASSWORD": "changethis-admin",
    }


def test_adopted_backend_migrates_and_passes_both_suites(
    tmp_path: Path, pg_database: str
) -> None:
    project = tmp_path / "backend"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    env = backend_env(pg_database)

    init = run(
        project,
        "fastgen",
        "init",
        "--user-dependency",
        "app.api.deps:get_current_user",
    )
    assert "normal_user_token_headers and superuser_token_headers" in " ".join(
        init.stdout.split()
    )
    run(
        project,
        "fastgen",
        "add",
        "resource",
        "Widget",
        "name:str{50}",
        "price:decimal{8,2}",
    )

    openapi = subprocess.run(
        [sys.executable, "-c", PRINT_OPENAPI],
        cwd=project,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    paths = json.loads(openapi.stdout)["paths"]
    assert {"/api/v1/widgets", "/api/v1/widgets/{widget_id}"} <= set(paths)
    assert "/api/v1/items/" in paths

    with alembic_session(project, **env) as alembic:
        upgrade = alembic("upgrade", "head")
        check = alembic("check")
    applied = re.findall(r"Running upgrade \S* -> (\w+)", upgrade.stderr)
    (widgets,) = (project / "app/alembic/versions").glob("*_create_widgets.py")
    assert applied == ["4c1f0b7a9e21", "9a5d3e2b7c40", widgets.name.split("_")[0]]
    assert "No new upgrade operations detected" in check.stdout + check.stderr

    own = run(project, "pytest", "-q", "-p", "no:cacheprovider", "app/tests/api", **env)
    assert re.search(r"\b5 passed\b", own.stdout), own.stdout
    generated = run(
        project, "pytest", "-q", "-p", "no:cacheprovider", "app/tests/generated", **env
    )
    assert re.search(r"\b\d{2,} passed\b", generated.stdout), generated.stdout
    assert "failed" not in generated.stdout and "error" not in generated.stdout

    run(project, "black", "--check", "-q", *GENERATED)
    # fastgen's house rules (the backend's own selection adds ARG001, which
    # exception handlers' unused `request` parameters do not meet)
    run(
        project,
        "ruff",
        "check",
        "--no-cache",
        "--select",
        "E,F,W,I,B,UP,RUF",
        *GENERATED,
    )
    mypy(project, "--strict", *GENERATED)
