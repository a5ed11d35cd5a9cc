"""``fastgen init`` adopts FastAPI projects that fastgen did not create."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen.add_resource import plan_add_resource
from fastgen.apply import apply_plan
from fastgen.check import check_project
from fastgen.cli import app
from fastgen.errors import FastgenError
from fastgen.init import InitPlan, plan_init
from fastgen.plan import Action
from fastgen.project_config import find_project
from fastgen.spec import parse_resource
from tests.e2e import project_env

PYPROJECT = """\
# The service's packaging.
[project]
name = "myservice"
version = "1.0.0"
dependencies = [
    "fastapi>=0.115",  # the web framework
]

[tool.ruff]
line-length = 88
"""

MODULE_LEVEL_APP = {
    "myservice/__init__.py": "",
    "myservice/main.py": '''\
"""My service."""

from fastapi import FastAPI

# Routers of the service.
from myservice.routers import items, users

app = FastAPI(title="My service")  # the app

app.include_router(users.router, prefix="/users")
app.include_router(items.router)


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"ping": "pong"}
''',
    "myservice/routers/__init__.py": "",
    "myservice/routers/users.py": """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/")
def list_users() -> list[str]:
    return []
""",
    "myservice/routers/items.py": """\
from fastapi import APIRouter

router = APIRouter(prefix="/items", tags=["items"])
""",
}

AGGREGATING_ROUTER = {
    "shop/__init__.py": '"""The shop."""\n',
    "shop/main.py": """\
from fastapi import FastAPI

from shop.api import api_router

app = FastAPI()
app.include_router(api_router)
""",
    "shop/api.py": """\
from fastapi import APIRouter

from shop.routes import orders

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(orders.router)
""",
    "shop/routes/__init__.py": "",
    "shop/routes/orders.py": """\
from fastapi import APIRouter

router = APIRouter(prefix="/orders")
""",
}

APP_FACTORY = {
    "src/factory_app/__init__.py": "",
    "src/factory_app/app.py": '''\
from fastapi import FastAPI

from factory_app.health import router as health_router


def create_app() -> FastAPI:
    """Build the application."""
    application = FastAPI(title="Factory")
    application.include_router(health_router)
    return application


app = create_app()
''',
    "src/factory_app/health.py": """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
""",
}

AMBIGUOUS = {
    "twoapps/__init__.py": "",
    "twoapps/public.py": """\
from fastapi import APIRouter, FastAPI

a = APIRouter()
b = APIRouter()
public = FastAPI()
public.include_router(a)
""",
    "twoapps/admin.py": """\
from fastapi import APIRouter, FastAPI

c = APIRouter()
admin = FastAPI()
admin.include_router(c)
""",
}

NO_APP = {
    "lib/__init__.py": "",
    "lib/routes.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
}


def write_project(root: Path, files: dict[str, str]) -> dict[str, bytes]:
    """Write the project; return every file's bytes."""
    for path, text in {"pyproject.toml": PYPROJECT, **files}.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def init(root: Path) -> InitPlan:
    plan = plan_init(root, app_package=None, router=None)
    apply_plan(root, plan)
    return plan


def assert_only_expected_edits(
    before: dict[str, bytes], after: dict[str, bytes], app_module: str
) -> None:
    """Every existing file is byte-identical except pyproject and the app module."""
    changed = {path for path, data in before.items() if after.get(path) != data}
    assert changed <= {"pyproject.toml", app_module}
    pyproject = after["pyproject.toml"].decode()
    assert pyproject.startswith(PYPROJECT)


def test_module_level_app_with_includes(tmp_path: Path) -> None:
    before = write_project(tmp_path, MODULE_LEVEL_APP)
    plan = init(tmp_path)
    assert (plan.app_package, plan.app, plan.router) == (
        "myservice",
        "myservice.main:app",
        "myservice.main:app",
    )
    assert (plan.core_package, plan.tests_package, plan.api_prefix) == (
        "myservice.core",
        "tests",
        "",
    )
    after = snapshot(tmp_path)
    assert_only_expected_edits(before, after, "myservice/main.py")
    main = after["myservice/main.py"].decode()
    install_import = "from myservice.core.setup import install_fastgen\n"
    assert main == MODULE_LEVEL_APP["myservice/main.py"].replace(
        "from fastapi import FastAPI\n",
        f"from fastapi import FastAPI\n\n{install_import}",
    ).replace("  # the app\n", "  # the app\ninstall_fastgen(app)\n")
    for path in (
        "myservice/core/db.py",
        "myservice/core/setup.py",
        "myservice/models.py",
        "migrations/env.py",
        "alembic.ini",
        "tests/conftest.py",
        "tests/support.py",
        "tests/factories/__init__.py",
        "keys/dev-private.jwk.json",
    ):
        assert path in after, path
    assert "from app" not in after["tests/conftest.py"].decode()
    config = find_project(tmp_path)
    assert (config.app_package, config.api_router, config.api_prefix) == (
        "myservice",
        "myservice.main:app",
        "",
    )
    data = tomllib.loads(after["pyproject.toml"].decode())
    assert data["tool"]["pytest"]["ini_options"]["asyncio_mode"] == "auto"
    assert any("sqlmodel" in note for note in plan.notes)


def test_init_twice_is_a_no_op(tmp_path: Path) -> None:
    write_project(tmp_path, MODULE_LEVEL_APP)
    init(tmp_path)
    before = snapshot(tmp_path)
    again = plan_init(tmp_path, app_package=None, router=None)
    assert again.already_initialised
    assert again.is_noop and not again.changes
    assert "already initialised" in again.notes[0]
    assert snapshot(tmp_path) == before


def test_an_existing_fastgen_project_is_already_initialised(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.fastgen]\napp_package = "app"\n')
    assert plan_init(tmp_path, app_package=None, router=None).already_initialised


def test_aggregating_router_is_the_target(tmp_path: Path) -> None:
    before = write_project(tmp_path, AGGREGATING_ROUTER)
    plan = init(tmp_path)
    assert (plan.app, plan.router, plan.api_prefix) == (
        "shop.main:app",
        "shop.api:api_router",
        "/api/v1",
    )
    after = snapshot(tmp_path)
    assert_only_expected_edits(before, after, "shop/main.py")
    assert after["shop/main.py"].decode() == (
        "from fastapi import FastAPI\n"
        "\n"
        "from shop.api import api_router\n"
        "from shop.core.setup import install_fastgen\n"
        "\n"
        "app = FastAPI()\n"
        "install_fastgen(app)\n"
        "app.include_router(api_router)\n"
    )


def test_app_factory_in_a_src_layout(tmp_path: Path) -> None:
    before = write_project(tmp_path, APP_FACTORY)
    plan = init(tmp_path)
    assert (plan.app_package, plan.app, plan.router) == (
        "factory_app",
        "factory_app.app:create_app()",
        "factory_app.app:create_app():application",
    )
    after = snapshot(tmp_path)
    assert_only_expected_edits(before, after, "src/factory_app/app.py")
    assert "    install_fastgen(application)\n    return application\n" in (
        after["src/factory_app/app.py"].decode()
    )
    assert "src/factory_app/core/setup.py" in after
    assert "app_module.create_app()" in after["tests/conftest.py"].decode()
    config = find_project(tmp_path)
    assert config.module_path(config.models_module) == "src/factory_app/models.py"


def test_existing_core_and_conftest_are_left_alone(tmp_path: Path) -> None:
    files = MODULE_LEVEL_APP | {
        "myservice/core/__init__.py": "",
        "myservice/core/config.py": "DEBUG = True\n",
        "tests/__init__.py": "",
        "tests/conftest.py": "import pytest\n",
    }
    before = write_project(tmp_path, files)
    plan = init(tmp_path)
    assert plan.core_package == "myservice.fastgen_core"
    assert plan.tests_package == "tests.generated"
    after = snapshot(tmp_path)
    assert_only_expected_edits(before, after, "myservice/main.py")
    assert "myservice/fastgen_core/db.py" in after
    assert "tests/generated/conftest.py" in after
    config = find_project(tmp_path)
    assert (config.core, config.tests_package) == (
        "myservice.fastgen_core",
        "tests.generated",
    )


def test_ambiguous_target_lists_candidates_and_names_router(tmp_path: Path) -> None:
    write_project(tmp_path, AMBIGUOUS)
    with pytest.raises(FastgenError) as error:
        plan_init(tmp_path, app_package=None, router=None)
    message = error.value.message
    assert "twoapps.admin:admin" in message and "twoapps.public:public" in message
    assert "--router" in message


def test_explicit_router_resolves_the_ambiguity(tmp_path: Path) -> None:
    write_project(tmp_path, AMBIGUOUS)
    plan = plan_init(tmp_path, app_package=None, router="twoapps.public:a")
    assert (plan.router, plan.app) == ("twoapps.public:a", "twoapps.public:public")
    with pytest.raises(FastgenError, match="--router"):
        plan_init(tmp_path, app_package=None, router="twoapps.public:nothing")


def test_no_fastapi_app_is_an_error(tmp_path: Path) -> None:
    write_project(tmp_path, NO_APP)
    with pytest.raises(FastgenError) as error:
        plan_init(tmp_path, app_package=None, router=None)
    assert "cannot find a FastAPI app" in error.value.message
    assert "lib.routes:router" in error.value.message
    assert "--router" in error.value.message


def test_plan_lists_creates_and_two_updates(tmp_path: Path) -> None:
    write_project(tmp_path, AGGREGATING_ROUTER)
    plan = plan_init(tmp_path, app_package=None, router=None)
    updates = {c.path for c in plan.changes if c.action is Action.UPDATE}
    assert updates == {"pyproject.toml", "shop/main.py"}
    assert all(c.action is Action.CREATE for c in plan.changes if c.path not in updates)


def _add_post(root: Path) -> None:
    spec = parse_resource("Post", ["title:str{200}", "body:text"])
    apply_plan(root, plan_add_resource(find_project(root), spec).plan)


def _run(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m COMMAND`` in ``root`` in the environment of a project's
    tools (tests.e2e.project_env): no database settings of the outer shell, and
    its pytest loads pytest-asyncio alone, not every plugin installed here."""
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=root,
        env=project_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "files", [MODULE_LEVEL_APP, AGGREGATING_ROUTER], ids=["module-app", "api-router"]
)
def test_add_resource_works_in_an_adopted_project(
    tmp_path: Path, files: dict[str, str]
) -> None:
    write_project(tmp_path, files)
    init(tmp_path)
    _add_post(tmp_path)
    result = _run(tmp_path, "pytest", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    lint = _run(tmp_path, "ruff", "check", "--no-cache", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    black = _run(tmp_path, "black", "--check", "-q", ".")
    assert black.returncode == 0, black.stdout + black.stderr


def test_alembic_upgrade_works_in_an_adopted_project(tmp_path: Path) -> None:
    write_project(tmp_path, MODULE_LEVEL_APP)
    init(tmp_path)
    _add_post(tmp_path)
    result = _run(tmp_path, "alembic", "upgrade", "head")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "app.db").exists()


def test_check_finds_the_wiring_of_a_src_layout_project(tmp_path: Path) -> None:
    write_project(tmp_path, APP_FACTORY)
    apply_plan(tmp_path, init(tmp_path))
    _add_post(tmp_path)
    report = check_project(find_project(tmp_path))
    assert report.problems == []
    assert report.resources == 1


def test_help_names_the_table_it_writes() -> None:
    result = CliRunner().invoke(app, ["init", "--help"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "writes [tool.fastgen] into pyproject.toml" in text


def test_an_alembic_env_without_sqlmodel_metadata_is_refused(tmp_path: Path) -> None:
    before = write_project(
        tmp_path,
        MODULE_LEVEL_APP
        | {
            "alembic.ini": "[alembic]\nscript_location = %(here)s/db/migrations\n",
            "db/migrations/env.py": "from myservice.db import Base\n\n"
            "target_metadata = Base.metadata\n",
        },
    )

    result = CliRunner().invoke(app, ["init", "--path", str(tmp_path)])

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: db/migrations/env.py: target_metadata is not SQLModel.metadata, "
        "where fastgen's tables are: set target_metadata = SQLModel.metadata (or a "
        "list with it and your own metadata)",
    ]
    assert snapshot(tmp_path) == before


ENV_BEFORE = """\
from sqlmodel import SQLModel

from myservice.db import configure  # the project's own setup

configure()
target_metadata = SQLModel.metadata
"""


def test_an_alembic_env_gets_the_models_import_above_target_metadata(
    tmp_path: Path,
) -> None:
    write_project(
        tmp_path,
        MODULE_LEVEL_APP
        | {
            "alembic.ini": "[alembic]\nscript_location = db/migrations\n",
            "db/migrations/env.py": ENV_BEFORE,
        },
    )

    plan = init(tmp_path)

    assert plan.migrations_dir == "db/migrations"
    assert (tmp_path / "db/migrations/env.py").read_text() == ENV_BEFORE.replace(
        "target_metadata",
        "import myservice.models  # noqa: E402, F401  (fastgen's tables)\n"
        "target_metadata",
    )
    assert not (tmp_path / "migrations").exists()
    assert (
        'migrations_dir = "db/migrations"' in (tmp_path / "pyproject.toml").read_text()
    )
    assert init(tmp_path).already_initialised
