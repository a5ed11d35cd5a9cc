"""``fastgen init`` adopting a backend shaped like full-stack-fastapi-template's.

No database here: these tests read what init and ``add resource`` write. The
end-to-end run on PostgreSQL is ``tests/test_e2e_adopt_full_stack.py``.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen.access import Access
from fastgen.add_resource import plan_add_resource
from fastgen.apply import apply_plan
from fastgen.check import check_project
from fastgen.cli import app
from fastgen.errors import FastgenError
from fastgen.init import plan_init
from fastgen.project_config import find_project
from fastgen.remove_resource import plan_remove_resource
from fastgen.spec import parse_resource

FIXTURE = Path(__file__).parent / "fixtures" / "full_stack_backend"
USER_DEPENDENCY = "app.api.deps:get_current_user"


def snapshot(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture
def backend(tmp_path: Path) -> Path:
    """A fresh copy of the backend fixture."""
    project = tmp_path / "backend"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    return project


def adopt(project: Path) -> None:
    apply_plan(project, plan_init(project, user_dependency=USER_DEPENDENCY))
    spec = parse_resource("Widget", ["name:str{50}", "price:decimal{8,2}"])
    apply_plan(project, plan_add_resource(find_project(project), spec).plan)


def test_shared_resources_are_refused_with_the_projects_own_auth(
    backend: Path,
) -> None:
    apply_plan(backend, plan_init(backend, user_dependency=USER_DEPENDENCY))
    spec = parse_resource("Tag", ["name:str{50}"], access=Access.SHARED)
    with pytest.raises(FastgenError) as caught:
        plan_add_resource(find_project(backend), spec)
    assert "the generated tests sign in through this project's own auth" in (
        caught.value.message
    )


def test_init_finds_what_the_backend_already_has(backend: Path) -> None:
    plan = plan_init(backend, user_dependency=USER_DEPENDENCY)

    assert (plan.app, plan.router, plan.api_prefix) == (
        "app.main:app",
        "app.api.main:api_router",
        "/api/v1",
    )
    assert (plan.core_package, plan.tests_package, plan.migrations_dir) == (
        "app.fastgen_core",  # app/core is the project's own
        "app.tests.generated",  # next to the project's conftest, whose fixtures
        "app/alembic",
    )
    assert plan.database_url == "app.core.config:settings.SQLALCHEMY_DATABASE_URI"
    assert any(
        "normal_user_token_headers and superuser_token_headers" in note
        and "fastgen_client" in note
        for note in plan.notes
    )
    written = {change.path for change in plan.writes}
    assert not {"alembic.ini", "migrations/env.py", "keys/dev-private.jwk.json"} & (
        written
    ), "the project's Alembic and auth are used, not fastgen's"
    assert "app/fastgen_core/auth.py" in written


def test_tool_fastgen_records_every_choice(backend: Path) -> None:
    apply_plan(backend, plan_init(backend, user_dependency=USER_DEPENDENCY))

    table = tomllib.loads((backend / "pyproject.toml").read_text())["tool"]["fastgen"]

    assert table == {
        "app_package": "app",
        "api_router": "app.api.main:api_router",
        "models_module": "app.models",
        "api_prefix": "/api/v1",
        "core_package": "app.fastgen_core",
        "tests_package": "app.tests.generated",
        "migrations_dir": "app/alembic",
        "openapi_url": "/api/v1/openapi.json",
        "user_dependency": USER_DEPENDENCY,
        "database_url": "app.core.config:settings.SQLALCHEMY_DATABASE_URI",
        "test_client_fixture": "fastgen_client",
    }
    config = find_project(backend)
    assert (config.versions_dir, config.test_client_fixture) == (
        "app/alembic/versions",
        "fastgen_client",
    )


MAIN_AFTER = """\
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.cors import CORSMiddleware

from app.api.main import api_router
from app.core.config import settings
from app.fastgen_core.setup import install_fastgen


def custom_generate_unique_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}"


app = FastAPI(
    title=settings.PROJECT_NAME,
    openapi_url=f"{settings.API_V1_STR}/openapi.json",
    generate_unique_id_function=custom_generate_unique_id,
)
install_fastgen(app)

# Set all CORS enabled origins
if settings.all_cors_origins:
"""

API_AFTER = """\
from fastapi import APIRouter

from app.api.routes import items, login
from app.widgets.router import router as widgets_router

api_router = APIRouter()
api_router.include_router(login.router)
api_router.include_router(items.router)
api_router.include_router(widgets_router)
"""

MODELS_AFTER = """\
import uuid

from pydantic import EmailStr
from sqlmodel import Field, Relationship, SQLModel

from app.widgets.models import Widget  # noqa: F401


# Shared properties
class UserBase(SQLModel):
"""


def test_wiring_keeps_every_line_of_the_project(backend: Path) -> None:
    before = snapshot(backend)

    adopt(backend)

    after = snapshot(backend)
    assert after["app/main.py"].startswith(MAIN_AFTER)
    assert after["app/api/main.py"] == API_AFTER
    assert after["app/models.py"].startswith(MODELS_AFTER)
    changed = sorted(path for path, text in before.items() if after[path] != text)
    assert changed == [
        "app/api/main.py",
        "app/main.py",
        "app/models.py",
        "pyproject.toml",
    ]
    for path in changed:
        old, new = before[path].splitlines(), iter(after[path].splitlines())
        assert all(line in new for line in old), f"{path} lost or reordered a line"
    assert after["pyproject.toml"].startswith(before["pyproject.toml"])


def test_the_revision_goes_to_the_projects_alembic_on_its_head(backend: Path) -> None:
    adopt(backend)

    (revision,) = (backend / "app/alembic/versions").glob("*_create_widgets.py")
    text = revision.read_text()
    assert 'down_revision: str | None = "9a5d3e2b7c40"' in text
    assert not (backend / "migrations").exists()
    report = check_project(find_project(backend))
    assert (report.problems, report.resources) == ([], 1)


def test_generated_code_uses_the_projects_auth_and_fixtures(backend: Path) -> None:
    adopt(backend)

    auth = (backend / "app/fastgen_core/auth.py").read_text()
    router = (backend / "app/widgets/router.py").read_text()
    tests = (backend / "app/tests/generated/test_widgets.py").read_text()
    conftest = (backend / "app/tests/generated/conftest.py").read_text()
    assert "from app.api.deps import get_current_user as project_current_user" in auth
    assert "return CurrentUser(id=str(user.id))" in auth
    assert "from app.fastgen_core.auth import CurrentUserDep" in router
    assert "TokenVerifier" not in (backend / "app/fastgen_core/setup.py").read_text()
    assert "fastgen_client: httpx.AsyncClient" in tests
    assert "client: httpx.AsyncClient" not in tests.replace("fastgen_client", "")
    assert 'assert data["owner_id"] == user_id' in tests
    assert 'fastgen_client.get("/api/v1/openapi.json")' in tests
    assert "def user_headers(normal_user_token_headers" in conftest
    assert "def other_user_headers(superuser_token_headers" in conftest


def test_init_again_changes_nothing(backend: Path) -> None:
    adopt(backend)
    before = snapshot(backend)

    result = CliRunner().invoke(
        app, ["init", "--path", str(backend), "--user-dependency", USER_DEPENDENCY]
    )

    assert result.exit_code == 0, result.output
    assert "already initialised" in " ".join(result.output.split())
    assert snapshot(backend) == before


def test_dry_run_shows_the_plan_and_writes_nothing(backend: Path) -> None:
    before = snapshot(backend)

    result = CliRunner().invoke(
        app,
        [
            "init",
            "--path",
            str(backend),
            "--user-dependency",
            USER_DEPENDENCY,
            "--dry-run",
        ],
    )

    assert result.exit_code == 0, result.output
    for path in ("app/fastgen_core/auth.py", "app/tests/generated/conftest.py"):
        assert path in result.output
    assert "install_fastgen(app)" in result.output  # the diff of app/main.py
    assert snapshot(backend) == before


def _init_errors(project: Path, *options: str) -> list[str]:
    before = snapshot(project)
    result = CliRunner().invoke(app, ["init", "--path", str(project), *options])
    assert result.exit_code == 2, result.output
    assert snapshot(project) == before, "nothing is written"
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    return lines


def test_what_cannot_be_adopted_is_one_line_each(backend: Path) -> None:
    env = backend / "app/alembic/env.py"
    env.write_text(
        env.read_text()
        .replace("from app.models import SQLModel  # noqa", "from app.db import Base")
        .replace(
            "target_metadata = SQLModel.metadata", "target_metadata = Base.metadata"
        )
    )
    (backend / "app/tests/conftest.py").unlink()

    lines = _init_errors(backend, "--user-dependency", "app.api.deps:current_user")

    assert len(lines) == 3, lines
    metadata, dependency, fixtures = lines
    assert "app/alembic/env.py: target_metadata is not SQLModel.metadata" in metadata
    assert "defines no current_user" in dependency
    assert "get_current_user" in dependency  # the candidates
    assert "normal_user_token_headers" in fixtures


def test_a_missing_env_is_named(backend: Path) -> None:
    (backend / "app/alembic/env.py").unlink()

    (line,) = _init_errors(backend)

    assert "app/alembic/env.py is missing" in line
    assert "script_location" in line


def test_alembic_location_from_pyproject(backend: Path) -> None:
    (backend / "alembic.ini").unlink()
    pyproject = backend / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[tool.alembic]\nscript_location = "%(here)s/app/alembic"\n'
    )

    plan = plan_init(backend, user_dependency=USER_DEPENDENCY)

    assert plan.migrations_dir == "app/alembic"


def test_without_user_dependency_init_keeps_better_auth(backend: Path) -> None:
    plan = plan_init(backend)

    written = {change.path for change in plan.writes}
    assert "keys/dev-private.jwk.json" in written
    assert "tests/conftest.py" in written  # fastgen's own fixtures, apart
    assert plan.tests_package == "tests"
    assert plan.migrations_dir == "app/alembic"
    assert plan.database_url  # still the project's database


def test_remove_resource_drops_the_table_in_the_projects_alembic(
    backend: Path,
) -> None:
    before = snapshot(backend)
    adopt(backend)

    apply_plan(backend, plan_remove_resource(find_project(backend), "Widget").plan)

    (drop,) = (backend / "app/alembic/versions").glob("*_drop_widgets.py")
    (create,) = (backend / "app/alembic/versions").glob("*_create_widgets.py")
    assert f'down_revision: str | None = "{create.name.split("_")[0]}"' in (
        drop.read_text()
    )
    after = snapshot(backend)
    for path in ("app/models.py", "app/api/main.py"):
        assert after[path] == before[path]


def test_an_env_importing_the_models_from_their_package_is_enough(
    backend: Path,
) -> None:
    env = backend / "app/alembic/env.py"
    env.write_text(
        env.read_text().replace(
            "from app.models import SQLModel  # noqa",
            "from app import models  # noqa\nfrom sqlmodel import SQLModel",
        )
    )

    plan = plan_init(backend, user_dependency=USER_DEPENDENCY)

    assert plan.migrations_dir == "app/alembic"


def test_two_database_url_settings_leave_fastgens_own(backend: Path) -> None:
    (backend / "app/core/replica.py").write_text(
        "from pydantic_settings import BaseSettings\n\n\n"
        "class ReplicaSettings(BaseSettings):\n"
        '    DATABASE_URL: str = "postgresql+psycopg://replica/db"\n\n\n'
        "replica = ReplicaSettings()\n"
    )

    plan = plan_init(backend, user_dependency=USER_DEPENDENCY)

    assert plan.database_url == ""
    (note,) = (n for n in plan.notes if "database URL" in n)
    assert "app.core.config:settings.SQLALCHEMY_DATABASE_URI" in note
    assert "app.core.replica:replica.DATABASE_URL" in note


@pytest.mark.parametrize(
    "location", ["../shared/alembic", "/srv/alembic", "app:alembic"]
)
def test_migrations_outside_the_project_are_refused(
    backend: Path, location: str
) -> None:
    ini = backend / "alembic.ini"
    ini.write_text(
        ini.read_text().replace(
            "script_location = app/alembic", f"script_location = {location}"
        )
    )

    (line,) = _init_errors(backend)

    assert f"script_location {location} is not a directory inside the project" in line


def test_a_dependency_bound_to_a_name_is_accepted(backend: Path) -> None:
    deps = backend / "app/api/deps.py"
    deps.write_text(deps.read_text() + "\n\ncurrent_active_user = get_current_user\n")

    plan = plan_init(backend, user_dependency="app.api.deps:current_active_user")

    assert plan.user_dependency == "app.api.deps:current_active_user"


def test_fixtures_in_a_root_conftest_put_the_tests_in_tests_generated(
    backend: Path,
) -> None:
    (backend / "app/tests/conftest.py").rename(backend / "conftest.py")

    plan = plan_init(backend, user_dependency=USER_DEPENDENCY)

    assert plan.tests_package == "tests.generated"
    written = {change.path for change in plan.writes}
    assert {"tests/__init__.py", "tests/generated/conftest.py"} <= written
