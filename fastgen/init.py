"""``fastgen init``: adopt an existing FastAPI project so resources can be added.

What init does, all of it through one plan (so dry-run and re-runs are free):

* finds the project's FastAPI app (module-level ``app = FastAPI(...)`` or a factory
  ``def create_app() -> FastAPI`` that builds and returns one) and the router that
  resources are wired into (the innermost aggregating ``APIRouter``/app, by the
  rules of :mod:`fastgen.wiring`, across every module of the project);
* the app package is the top-level package holding the app's module (``myservice``
  for ``myservice/main.py`` or ``src/myservice/main.py``), unless given;
* appends a ``[tool.fastgen]`` table to ``pyproject.toml`` (as text: the rest of the
  file stays byte for byte; ``asyncio_mode = "auto"`` is added for pytest when the
  project has no pytest setting for it, as the generated tests are async);
* adds only what is missing, copied from the project template with the ``app.``
  package rewritten: the core modules (``<pkg>/core/``, or ``<pkg>/fastgen_core/``
  when the project already has a ``core`` package of its own), ``<pkg>/models.py``,
  Alembic (``alembic.ini`` + ``migrations/``) when the project has none, the test
  fixtures the generated tests use (``tests/``, or ``tests/generated/`` when
  ``tests/conftest.py`` already exists) and the development signing keys;
* installs fastgen's machinery on the app with one call, ``install_fastgen(app)``
  (from ``<core>/setup.py``), inserted with libcst right after the app is created
  (module level) or before ``return app`` (factory), plus its import. That call
  puts the session factory and the token verifier on ``app.state``, registers the
  standard error handlers (keeping handlers the app registered itself) and disposes
  of the engine at shutdown. It is the only edit to an existing file besides
  ``pyproject.toml``.

It adopts what the project already has instead (see :mod:`fastgen.adoption`):

* its Alembic, where ``alembic.ini``'s ``script_location`` (or ``[tool.alembic]``)
  says: revisions go to its ``versions`` on the project's head; its ``env.py``
  must target ``SQLModel.metadata``, and gets an import of the models module
  (just above ``target_metadata``) when it has none;
* its database: the URL of its pydantic-settings object (``settings.DATABASE_URL``,
  ``settings.SQLALCHEMY_DATABASE_URI``...), reached by an async engine on the same
  URL, which ``<core>/setup.py`` reads;
* with ``user_dependency``, its current-user dependency: ``<core>/auth.py`` wraps
  it (owner id ``str(user.id)``) instead of verifying better-auth tokens, and the
  generated tests sign in with its ``*token_headers`` fixtures from a conftest of
  their own next to the project's (``<tests>/generated``).

Every choice is written to ``[tool.fastgen]``. What cannot be adopted is one line
each in the FastgenError, and nothing is planned.

A project that already has ``[tool.fastgen]`` is left alone: the plan is empty and
``already_initialised`` is set.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from fastgen.adoption import (
    ProjectFixtures,
    adopt_env,
    alembic_location,
    auth_fixtures,
    database_url_setting,
    read_ini,
    user_dependency_problem,
)
from fastgen.app_discovery import (
    Candidate,
    app_reference,
    choose_app,
    choose_router,
    mount_prefix,
    openapi_url,
    package_of,
    scan_project,
)
from fastgen.dev_keys import PRIVATE_JWK, PUBLIC_JWKS, write_dev_keys
from fastgen.errors import FastgenError
from fastgen.plan import Plan, make_plan, read_exact
from fastgen.project_config import ProjectConfig
from fastgen.pysource import LINE_LENGTH
from fastgen.render import format_python, render_template
from fastgen.templates_dir import templates_dir
from fastgen.wiring import _nodes_of

ALREADY_INITIALISED = (
    "{root} is already initialised ([tool.fastgen] in pyproject.toml): " "nothing to do"
)
CORE_MODULES = ("config", "db", "auth", "errors", "responses", "types")
INSTALL_FUNCTION = "install_fastgen"
#: Distributions the generated code and tests import, by the name they are listed
#: under in ``[project] dependencies``.
_RUNTIME_DEPENDENCIES = (
    "fastapi",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "pydantic-settings",
    "pyjwt",
    "httpx",
    "aiosqlite",
    "email-validator",
)
_TEMPLATE = "project/template"


@dataclass(frozen=True)
class InitPlan(Plan):
    """The plan of ``fastgen init`` and what it found.

    ``app`` is the app that gets ``install_fastgen`` (``myservice.main:app`` or
    ``myservice.main:create_app()``), ``router`` the ``[tool.fastgen] api_router``
    resources are wired into; ``notes`` are things the user should know or do
    (missing dependencies, an Alembic env that needs SQLModel's metadata...).
    """

    app_package: str = ""
    app: str = ""
    router: str = ""
    core_package: str = ""
    tests_package: str = ""
    api_prefix: str = ""
    migrations_dir: str = "migrations"
    user_dependency: str = ""
    database_url: str = ""
    notes: tuple[str, ...] = ()
    already_initialised: bool = False


# --------------------------------------------------------------------------- API


def plan_init(
    root: Path,
    *,
    app_package: str | None = None,
    router: str | None = None,
    app: str | None = None,
    user_dependency: str | None = None,
) -> InitPlan:
    """The plan that adopts the FastAPI project at ``root``.

    ``app_package`` (dotted) overrides the detected package; ``router``
    (``module:attr``) the router resources are wired into; ``app``
    (``module:attr``, e.g. ``svc.main:app`` or ``svc.main:create_app``) the app that
    gets ``install_fastgen`` when the project has several; ``user_dependency``
    (``module:name``) the project's own current-user dependency, which generated
    routers then depend on instead of better-auth verification. Raises
    FastgenError when the app or the router cannot be determined, naming the
    candidates, and with one line per problem when something else cannot be
    adopted.
    """
    root = root.resolve()
    if not root.is_dir():
        raise FastgenError(f"{root} is not a directory: run init in a project")
    pyproject = root / "pyproject.toml"
    pyproject_text = read_exact(pyproject)
    if pyproject_text is not None and _has_fastgen_table(pyproject, pyproject_text):
        return InitPlan(
            changes=(),
            already_initialised=True,
            notes=(ALREADY_INITIALISED.format(root=root),),
        )
    if app_package is not None and not all(
        part.isidentifier() for part in app_package.split(".")
    ):
        raise FastgenError(
            f"--app-package {app_package!r} is not a dotted package name, "
            "e.g. myservice"
        )

    scan = scan_project(root)
    target = choose_router(root, scan, router)
    installed = choose_app(scan, target, app)
    package = app_package or package_of(installed)
    config = ProjectConfig(root=root, app_package=package)
    package_dir = config.module_dir(package)
    core = _core_package(root, package, package_dir)
    models = f"{package}.models"
    pyproject_data = tomllib.loads(pyproject_text) if pyproject_text else {}
    migrations = alembic_location(root, pyproject_data)
    if migrations is None and (root / "migrations").exists():
        migrations = "migrations"  # an env without alembic.ini is still theirs
    env: dict[str, str] = {}
    problems: list[str] = []
    if migrations is not None:
        env, problems = adopt_env(root, migrations, models)
    own_auth = _own_auth(config, user_dependency, problems)
    if problems:
        raise FastgenError("\n".join(problems))
    tests = _tests_package(root, own_auth)
    layout = _Rewrite(package=package, core=core, models=models, tests=tests)
    notes: list[str] = []
    adopted = _Adopted(
        user_dependency=user_dependency or "",
        database_url=database_url_setting(root, notes) or "",
        fixtures=own_auth,
    )

    files: dict[str, str] = {}
    if not (root / package_dir / "__init__.py").exists():
        files[f"{package_dir}/__init__.py"] = (
            f'"""{package}: the application package."""\n'
        )
    files |= _core_files(root, layout, package_dir, core, adopted)
    files |= _models_file(config, layout)
    files |= env if migrations is not None else _alembic_files(layout, package_dir)
    if own_auth is None:
        files |= _test_files(root, layout, installed, notes)
        files |= _key_files(root)
        files |= _gitignore(root, files)
    else:
        files |= _own_auth_test_files(root, layout, installed, adopted, notes)
    api_prefix = mount_prefix(root, scan, target, notes)
    openapi = openapi_url(root, installed, notes)
    source = read_exact(root / installed.path) or ""  # keeps CRLF line endings
    bom = "\ufeff" if source.startswith("\ufeff") else ""
    files[installed.path] = bom + _install_call(
        source.removeprefix(bom), installed, core
    )
    files["pyproject.toml"] = _pyproject(
        root,
        pyproject_text,
        _fastgen_table(
            package=package,
            router=target,
            models=models,
            core=core,
            tests=tests,
            api_prefix=api_prefix,
            migrations=migrations or "migrations",
            openapi=openapi,
            adopted=adopted,
        ),
        notes,
    )
    notes.extend(_dependency_notes(pyproject_text, adopted))
    if scan.unparsable:
        notes.append(
            "skipped files with syntax errors: " + ", ".join(sorted(scan.unparsable))
        )
    plan = make_plan(
        root,
        files,
        written_hashes={},
        edited_in_place=frozenset(
            {installed.path, "pyproject.toml", ".gitignore", *env}
        ),
    )
    return InitPlan(
        changes=plan.changes,
        app_package=package,
        app=app_reference(installed),
        router=target,
        core_package=core,
        tests_package=tests,
        api_prefix=api_prefix,
        migrations_dir=migrations or "migrations",
        user_dependency=adopted.user_dependency,
        database_url=adopted.database_url,
        notes=tuple(notes),
    )


# ------------------------------------------------------------------ pyproject


def _has_fastgen_table(pyproject: Path, text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FastgenError(f"cannot read {pyproject}: {exc}; fix the file") from exc
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "fastgen" in tool


def _fastgen_table(
    *,
    package: str,
    router: str,
    models: str,
    core: str,
    tests: str,
    api_prefix: str,
    migrations: str,
    openapi: str,
    adopted: _Adopted,
) -> str:
    lines = [
        "[tool.fastgen]",
        f'app_package = "{package}"',
        f'api_router = "{router}"',
        f'models_module = "{models}"',
    ]
    if not adopted.user_dependency:
        lines.append(f'dev_private_key = "{PRIVATE_JWK.as_posix()}"')
    lines.append(f'api_prefix = "{api_prefix}"')
    if core != f"{package}.core":
        lines.append(f'core_package = "{core}"')
    if tests != "tests":
        lines.append(f'tests_package = "{tests}"')
    if migrations != "migrations":
        lines.append(f'migrations_dir = "{migrations}"')
    if openapi != "/openapi.json":
        lines.append(f'openapi_url = "{openapi}"')
    if adopted.user_dependency:
        lines.append(f'user_dependency = "{adopted.user_dependency}"')
    if adopted.database_url:
        lines.append(f'database_url = "{adopted.database_url}"')
    if adopted.client_fixture != "client":
        lines.append(f'test_client_fixture = "{adopted.client_fixture}"')
    return "\n".join(lines) + "\n"


def _pyproject(root: Path, text: str | None, table: str, notes: list[str]) -> str:
    """The pyproject with ``[tool.fastgen]`` appended (and pytest's asyncio mode)."""
    original = text or ""
    result = original
    pytest_table = re.search(r"(?m)^\[tool\.pytest\.ini_options\][ \t]*\r?\n", result)
    other_config = [
        name
        for name in ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg")
        if _has_pytest_section(root / name)
    ]
    data = tomllib.loads(original) if original else {}
    options = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    mode = options.get("asyncio_mode") if isinstance(options, dict) else None
    if other_config:
        notes.append(
            f"pytest is configured in {other_config[0]}: set asyncio_mode = auto "
            "there, the generated tests are async"
        )
    elif mode is None and pytest_table is not None:
        end = pytest_table.end()
        result = result[:end] + 'asyncio_mode = "auto"\n' + result[end:]
    elif mode is None:
        table = (
            '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'
            'asyncio_default_fixture_loop_scope = "function"\n\n' + table
        )
    elif mode != "auto":
        notes.append(
            f'pytest runs with asyncio_mode = "{mode}": the generated tests need '
            '"auto"'
        )
    if result and not result.endswith("\n"):
        result += "\n"
    result += ("\n" if result else "") + table
    tomllib.loads(result)  # the appended text must keep the file valid
    return result


def _has_pytest_section(path: Path) -> bool:
    parser = read_ini(path)
    if parser is None:
        return False
    section = "tool:pytest" if path.name == "setup.cfg" else "pytest"
    return parser.has_section(section)


def _dependency_notes(text: str | None, adopted: _Adopted) -> list[str]:
    unused = {
        "pyjwt": bool(adopted.user_dependency),  # the project verifies tokens
        "aiosqlite": bool(adopted.database_url),  # the project's database
    }
    data = tomllib.loads(text) if text else {}
    declared = data.get("project", {}).get("dependencies", [])
    names = {
        re.split(r"[\s\[<>=!~;]", str(dep), maxsplit=1)[0].lower().replace("_", "-")
        for dep in declared
    }
    missing = [
        dep
        for dep in _RUNTIME_DEPENDENCIES
        if dep not in names and not unused.get(dep, False)
    ]
    if not missing:
        return []
    return [
        "the generated code needs these dependencies, not declared in "
        f"[project] dependencies: {', '.join(missing)} (and pytest-asyncio for "
        "the tests)"
    ]


# ----------------------------------------------------------- files to add


@dataclass(frozen=True)
class _Rewrite:
    """Rewrites template text from the ``app`` package to the project's names."""

    package: str
    core: str
    models: str
    tests: str

    def __call__(self, text: str) -> str:
        text = re.sub(r"\bapp\.core\b(?=[.\s])", self.core, text)
        text = re.sub(r"(?m)^import app\.models\b", f"import {self.models}", text)
        text = re.sub(r"(?m)^from app import models\b", self._models_import(), text)
        text = re.sub(r"(?m)^from tests\.", f"from {self.tests}.", text)
        return format_python(_fit_noqa_comments(text))

    def _models_import(self) -> str:
        parent, _, name = self.models.rpartition(".")
        return f"from {parent} import {name}" if parent else f"import {name}"


def _fit_noqa_comments(text: str) -> str:
    """Drop the explanation after a ``# noqa`` that a longer name pushed past 88."""
    lines = []
    for line in text.split("\n"):
        if len(line) > LINE_LENGTH and "  # noqa: F401  (" in line:
            line = line.split("  (", 1)[0]
        lines.append(line)
    return "\n".join(lines)


def _template(relative: str) -> str:
    return (templates_dir() / _TEMPLATE / relative).read_text(encoding="utf-8")


def _core_package(root: Path, package: str, package_dir: str) -> str:
    """``<pkg>.core`` unless the project has a ``core`` of its own there."""
    core_dir = root / package_dir / "core"
    if not (core_dir.exists() or (root / package_dir / "core.py").exists()):
        return f"{package}.core"
    if (core_dir / "setup.py").is_file() and INSTALL_FUNCTION in (
        core_dir / "setup.py"
    ).read_text(encoding="utf-8"):
        return f"{package}.core"  # fastgen's, from an earlier (interrupted) init
    fallback = f"{package}.fastgen_core"
    if (root / package_dir / "fastgen_core").exists() and not (
        root / package_dir / "fastgen_core" / "setup.py"
    ).is_file():
        raise FastgenError(
            f"{package_dir}/core and {package_dir}/fastgen_core both exist: fastgen "
            "needs one of them for its shared modules; rename one and re-run"
        )
    return fallback


def _core_files(
    root: Path, rewrite: _Rewrite, package_dir: str, core: str, adopted: _Adopted
) -> dict[str, str]:
    directory = f"{package_dir}/{core.rsplit('.', 1)[-1]}"
    context = _core_context(core, adopted)
    files = {
        f"{directory}/__init__.py": render_template("init/core_init.py.jinja", context),
        f"{directory}/setup.py": render_template("init/setup.py.jinja", context),
    }
    for name in CORE_MODULES:
        files[f"{directory}/{name}.py"] = rewrite(_template(f"app/core/{name}.py"))
    if adopted.user_dependency:
        files[f"{directory}/auth.py"] = render_template("init/auth.py.jinja", context)
    return _missing(root, files)


def _core_context(core: str, adopted: _Adopted) -> dict[str, object]:
    """What the ``templates/init`` modules are rendered with."""
    dependency_module, _, dependency = adopted.user_dependency.partition(":")
    settings_module, _, database_url = adopted.database_url.partition(":")
    return {
        "core": core,
        "user_dependency": adopted.user_dependency,
        "dependency_module": dependency_module,
        "dependency": dependency,
        "settings_module": settings_module,
        "database_url": database_url,
    }


def _missing(root: Path, files: dict[str, str]) -> dict[str, str]:
    """The files that do not exist yet (or exist exactly so: a re-run)."""
    return {
        path: text
        for path, text in files.items()
        if not (root / path).exists()
        or (root / path).read_text(encoding="utf-8") == text
    }


def _models_file(config: ProjectConfig, rewrite: _Rewrite) -> dict[str, str]:
    path = config.module_path(rewrite.models)
    if (config.root / path).exists():
        return {}
    text = _template("app/models.py").replace(
        "``from app.posts.models", f"``from {rewrite.package}.posts.models"
    )
    return {path: text}


def _alembic_files(rewrite: _Rewrite, package_dir: str) -> dict[str, str]:
    """fastgen's Alembic setup, for a project that has none."""
    alembic_ini = _template("alembic.ini")
    if package_dir.startswith("src/"):
        alembic_ini = alembic_ini.replace(
            "prepend_sys_path = .", "prepend_sys_path = . src"
        ).replace("path_separator = os", "path_separator = space")
    return {
        "alembic.ini": alembic_ini,
        "migrations/env.py": rewrite(_template("migrations/env.py")),
        "migrations/script.py.mako": _template("migrations/script.py.mako"),
        "migrations/versions/.gitkeep": "",
    }


@dataclass(frozen=True)
class _Adopted:
    """What init adopts from the project instead of installing fastgen's own:
    its current-user dependency, its database URL setting, its auth fixtures."""

    user_dependency: str = ""
    database_url: str = ""
    fixtures: ProjectFixtures | None = None

    @property
    def client_fixture(self) -> str:
        """The name of the generated tests' client fixture: ``client``, unless
        the project's conftest has one (a sync ``TestClient``, say)."""
        taken = self.fixtures is not None and self.fixtures.client
        return "fastgen_client" if taken else "client"


def _own_auth(
    config: ProjectConfig, user_dependency: str | None, problems: list[str]
) -> ProjectFixtures | None:
    """The project's auth fixtures when ``--user-dependency`` is given (problems
    are appended when the dependency or the fixtures cannot be found)."""
    if user_dependency is None:
        return None
    problem = user_dependency_problem(config, user_dependency)
    if problem is not None:
        problems.append(problem)
    fixtures = auth_fixtures(config.root)
    if fixtures is None:
        problems.append(
            "cannot find the project's auth fixtures: the generated tests sign in "
            "with two fixtures giving the Authorization headers of two different "
            "users, named *token_headers (e.g. normal_user_token_headers and "
            "superuser_token_headers); add them to a conftest.py"
        )
    return fixtures


def _tests_package(root: Path, own_auth: ProjectFixtures | None) -> str:
    """``tests``, or ``tests.generated`` when the project has its own fixtures
    (``<their directory>.generated`` when the generated tests use them)."""
    if own_auth is not None and own_auth.directory != ".":
        return f"{own_auth.directory.replace('/', '.')}.generated"
    if own_auth is not None:  # a conftest at the root: its fixtures reach tests/
        return "tests.generated"
    conftest = root / "tests" / "conftest.py"
    if not conftest.exists() or _is_fastgen_conftest(conftest):
        return "tests"
    return "tests.generated"


def _is_fastgen_conftest(path: Path) -> bool:
    return INSTALL_FUNCTION in path.read_text(encoding="utf-8")


# The template's app fixtures, from the shared application to the client fixture:
# an adopted project's tests use its own application instead.
_APP_FIXTURES = (
    '@pytest.fixture(scope="session")\ndef shared_app(',
    "@pytest.fixture\nasync def client(",
)
_TEMPLATE_APP_IMPORT = "from app.main import create_app, use_backends\n"


def _test_files(
    root: Path, rewrite: _Rewrite, app: Candidate, notes: list[str]
) -> dict[str, str]:
    tests_dir = rewrite.tests.replace(".", "/")
    conftest = rewrite(_template("tests/conftest.py"))
    module = app.module
    if app.function is None:
        load = f"app_module.{app.variable}"
    else:
        load = f"app_module.{app.function}()"
        if app.factory_needs_args:
            notes.append(
                f"{tests_dir}/conftest.py calls {app.function}() without "
                "arguments: pass the ones it needs there"
            )
    fixture = (
        "@pytest.fixture\n"
        "def app(settings: Settings, db_engine: AsyncEngine, verifier: TokenVerifier)"
        " -> FastAPI:\n"
        '    """The application, on the test database and the fake JWKS endpoint."""\n'
        f"    application = {load}\n"
        f"    {INSTALL_FUNCTION}(application, settings, engine=db_engine,"
        " token_verifier=verifier)\n"
        "    return application\n\n\n"
    )
    start, end = (conftest.find(marker) for marker in _APP_FIXTURES)
    if min(start, end) < 0 or _TEMPLATE_APP_IMPORT not in conftest:
        raise AssertionError("the template's conftest changed: update fastgen.init")
    conftest = (conftest[:start] + fixture + conftest[end:]).replace(
        _TEMPLATE_APP_IMPORT, f"from {rewrite.core}.setup import {INSTALL_FUNCTION}\n"
    )
    conftest = _sorted_first_party(conftest, f"import {module} as app_module\n")
    files = {
        f"{tests_dir}/conftest.py": conftest,
        f"{tests_dir}/support.py": rewrite(_template("tests/support.py")),
        f"{tests_dir}/factories/__init__.py": _template("tests/factories/__init__.py"),
    }
    for directory in _new_packages(root, tests_dir):
        files[f"{directory}/__init__.py"] = ""
    return _missing(root, files)


def _own_auth_test_files(
    root: Path, rewrite: _Rewrite, app: Candidate, adopted: _Adopted, notes: list[str]
) -> dict[str, str]:
    """The conftest of tests signed in by the project's own auth fixtures."""
    assert adopted.fixtures is not None
    tests_dir = rewrite.tests.replace(".", "/")
    load = app.variable if app.function is None else f"{app.function}()"
    conftest = render_template(
        "init/conftest.py.jinja",
        {
            "core": rewrite.core,
            "app_module": app.module,
            "load": f"app_module.{load}",
            "client": adopted.client_fixture,
            "user": adopted.fixtures.user,
            "other": adopted.fixtures.other,
            "database_url": adopted.database_url,
        },
    )
    notes.append(
        f"the generated tests sign in with the project's fixtures "
        f"{adopted.fixtures.user} and {adopted.fixtures.other} (two users) and call "
        f"the app with fastgen's fixture {adopted.client_fixture} "
        f"({tests_dir}/conftest.py)"
    )
    files = {
        f"{tests_dir}/conftest.py": conftest,
        f"{tests_dir}/factories/__init__.py": _template("tests/factories/__init__.py"),
    }
    for directory in _new_packages(root, tests_dir):
        files[f"{directory}/__init__.py"] = ""
    return _missing(root, files)


def _sorted_first_party(source: str, line: str) -> str:
    """Add an ``import x as y`` line to the conftest's first-party import block.

    ruff's isort puts ``import x`` lines before ``from x import y`` lines of a
    section, so it goes before the block's first line.
    """
    block_start = source.index("\n\n", source.index("from sqlmodel.ext")) + 2
    return source[:block_start] + line + source[block_start:]


def _new_packages(root: Path, tests_dir: str) -> list[str]:
    """Test directories that do not exist yet (``tests`` gets an ``__init__``
    only when init creates it; an existing ``tests`` is left as it is)."""
    parts = tests_dir.split("/")
    missing = []
    for index in range(len(parts)):
        directory = "/".join(parts[: index + 1])
        if not (root / directory).exists():
            missing.append(directory)
    return missing


def _key_files(root: Path) -> dict[str, str]:
    if (root / PRIVATE_JWK).exists() or (root / PUBLIC_JWKS).exists():
        return {}
    with tempfile.TemporaryDirectory() as staging:
        write_dev_keys(Path(staging))
        return {
            path.as_posix(): (Path(staging) / path).read_text(encoding="utf-8")
            for path in (PUBLIC_JWKS, PRIVATE_JWK)
        }


def _gitignore(root: Path, files: dict[str, str]) -> dict[str, str]:
    """``.gitignore`` with the private dev key in it, when init writes that key."""
    key = PRIVATE_JWK.as_posix()
    if key not in files:
        return {}
    text = read_exact(root / ".gitignore") or ""
    if any(line.strip() in (key, f"/{key}") for line in text.splitlines()):
        return {}
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline
    return {
        ".gitignore": f"{text}# fastgen's private development key{newline}"
        f"/{key}{newline}"
    }


# ------------------------------------------------------------ installing


def _install_call(source: str, app: Candidate, core: str) -> str:
    """``source`` with ``install_fastgen(<app>)`` after the app is created.

    Idempotent: a module that already calls ``install_fastgen`` is returned as is.
    """
    from fastgen.wiring import _add_import, _import_statement

    tree = cst.parse_module(source)
    if _calls_install(tree):
        return source
    call = cst.parse_statement(f"{INSTALL_FUNCTION}({app.variable})\n")
    body = list(tree.body)
    if app.function is None:
        index = _assignment_index(body, app.variable)
        body.insert(index + 1, call)
        anchor = index
    else:
        anchor = next(
            i
            for i, stmt in enumerate(body)
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == app.function
        )
        func = body[anchor]
        assert isinstance(func, cst.FunctionDef)
        assert isinstance(func.body, cst.IndentedBlock)
        inner = list(func.body.body)
        returns = [
            i
            for i, stmt in enumerate(inner)
            if isinstance(stmt, cst.SimpleStatementLine)
            and any(
                isinstance(s, cst.Return)
                and isinstance(s.value, cst.Name)
                and s.value.value == app.variable
                for s in stmt.body
            )
        ]
        inner.insert(returns[-1], call)
        body[anchor] = func.with_changes(body=func.body.with_changes(body=inner))
    tree = tree.with_changes(body=body)
    statement = _import_statement(
        f"{core}.setup", INSTALL_FUNCTION, INSTALL_FUNCTION, noqa=False
    )
    tree = _add_import(tree, statement, module=f"{core}.setup", before=anchor)
    return tree.code


def _calls_install(tree: cst.Module) -> bool:
    return any(
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == INSTALL_FUNCTION
        for call in _nodes_of(tree, cst.Call)
    )


def _assignment_index(body: Sequence[cst.BaseStatement], variable: str) -> int:
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                targets = [small.target]
            if any(isinstance(t, cst.Name) and t.value == variable for t in targets):
                return index
    raise LookupError(variable)
