"""Finding a project and reading its ``[tool.fastgen]`` settings."""

from __future__ import annotations

import keyword
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fastgen.errors import FastgenError


@dataclass(frozen=True)
class ProjectConfig:
    """Where fastgen finds and writes things inside one project.

    ``app_package`` is the dotted application package; its directory is
    ``<root>/<app_package as a path>`` or, in a src layout, ``<root>/src/...`` (the
    first that exists; the plain one when neither does). ``core_package`` holds
    fastgen's shared modules (db, auth, errors, responses, types) and defaults to
    ``<app_package>.core``; ``tests_package`` is where generated tests and factories
    go; ``api_prefix`` is the URL path ``api_router`` is served under (empty for
    an app's root), which the generated tests call. ``migrations_dir`` is Alembic's
    ``script_location`` relative to the root (revisions go in its ``versions``).
    ``user_dependency`` (``module:name``) is the project's own current-user
    dependency when ``fastgen init --user-dependency`` adopted it, and
    ``test_client_fixture`` the name of the fixture the generated tests call the
    app with (another than ``client`` when the project's tests have one);
    ``openapi_url`` is where the app serves its OpenAPI document.
    ``rejects_unknown_query`` says the app answers a query parameter no route
    declares with a 422 (a new project's ``core.query``; an adopted app keeps its
    own behaviour), so the generated tests check it. ``counts_statements`` says
    the project's conftest has the ``sql_statements`` fixture (a new project's
    does), so the generated tests bound the SQL statements per request. Every
    module named here is looked up the same way as the app package.
    """

    root: Path
    app_package: str = "app"
    api_router: str = "app.api:api_router"
    models_module: str = "app.models"
    dev_private_key: str = "keys/dev-private.jwk.json"
    core_package: str = ""
    tests_package: str = "tests"
    api_prefix: str = "/api/v1"
    migrations_dir: str = "migrations"
    user_dependency: str = ""
    database_url: str = ""
    test_client_fixture: str = "client"
    openapi_url: str = "/openapi.json"

    @property
    def versions_dir(self) -> str:
        """The directory of the Alembic revisions, relative to the root."""
        return f"{self.migrations_dir}/versions"

    def is_migration(self, path: str) -> bool:
        """Whether ``path`` (relative to the root) is an Alembic revision."""
        return path.startswith(f"{self.versions_dir}/")

    rejects_unknown_query: bool = False
    counts_statements: bool = False

    @property
    def core(self) -> str:
        """The dotted package of the core modules."""
        return self.core_package or f"{self.app_package}.core"

    def module_dir(self, dotted: str) -> str:
        """The directory of package ``dotted`` relative to the root: ``a/b``, or
        ``src/a/b`` when only that exists (src layout)."""
        relative = dotted.replace(".", "/")
        if (
            not (self.root / relative).exists()
            and (self.root / "src" / relative).is_dir()
        ):
            return f"src/{relative}"
        return relative

    def module_path(self, dotted: str) -> str:
        """The file of module ``dotted`` relative to the root: ``a/b.py`` or
        ``a/b/__init__.py``, under ``src/`` when it is there; a new module goes in
        its package's directory."""
        relative = dotted.replace(".", "/")
        for base in (relative, f"src/{relative}"):
            if (self.root / f"{base}.py").is_file():
                return f"{base}.py"
            if (self.root / base / "__init__.py").is_file():
                return f"{base}/__init__.py"
        parent, _, name = dotted.rpartition(".")
        return f"{self.module_dir(parent)}/{name}.py" if parent else f"{name}.py"


def find_project(start: Path | None = None) -> ProjectConfig:
    """Return the config of the nearest project at or above ``start``.

    A project is a directory whose ``pyproject.toml`` has a ``[tool.fastgen]`` table.
    The project is locked for the rest of the command, and an apply that was
    interrupted is rolled forward or back first (``fastgen.apply.enter_project``).
    """
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            settings = _fastgen_table(pyproject)
            if settings is not None:
                config = _config_from(directory, settings, pyproject)
                from fastgen.apply import enter_project

                enter_project(directory)
                return config
    raise FastgenError(
        f"no fastgen project found at or above {here}: run this inside a project "
        "created by `fastgen new project`, pass --project DIR, or run `fastgen init`"
    )


def _fastgen_table(pyproject: Path) -> dict[str, object] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FastgenError(f"cannot read {pyproject}: {exc}; fix the file") from exc
    except UnicodeDecodeError as exc:
        raise FastgenError(
            f"cannot read {pyproject}: not UTF-8 text (byte {exc.start}); save it "
            "as UTF-8"
        ) from exc
    table = data.get("tool", {}).get("fastgen")
    return table if isinstance(table, dict) else None


def _config_from(
    root: Path, settings: dict[str, object], pyproject: Path
) -> ProjectConfig:
    known = ProjectConfig.__dataclass_fields__.keys() - {"root", *_SWITCHES}
    values: dict[str, str | bool] = {
        key: _switch(settings, key, pyproject) for key in _SWITCHES
    }
    for key, value in settings.items():
        if key not in known:
            continue
        if key == "openapi_url":
            if not isinstance(value, str) or not value or not _is_url_prefix(value):
                raise FastgenError(
                    f"{pyproject}: [tool.fastgen] openapi_url must be a path like "
                    '"/openapi.json"'
                )
        elif key == "api_prefix":
            if not isinstance(value, str) or not _is_url_prefix(value):
                raise FastgenError(
                    f"{pyproject}: [tool.fastgen] api_prefix must be empty or a path "
                    'like "/api/v1" (a leading slash, no trailing one)'
                )
        elif not isinstance(value, str) or not value:
            raise FastgenError(
                f"{pyproject}: [tool.fastgen] {key} must be a non-empty string"
            )
        elif not _stays_inside(key, value):
            raise FastgenError(
                f"{pyproject}: [tool.fastgen] {key} = {value!r} "
                f"{_SHAPES.get(key, 'must be a dotted module name like app.core')}"
            )
        values[key] = value
    return ProjectConfig(root=root, **values)  # type: ignore[arg-type]  # keys checked


#: ``[tool.fastgen]`` settings that are true or false.
_SWITCHES = ("rejects_unknown_query", "counts_statements")


def _switch(settings: dict[str, object], key: str, pyproject: Path) -> bool:
    value = settings.get(key, False)
    if not isinstance(value, bool):
        raise FastgenError(f"{pyproject}: [tool.fastgen] {key} must be true or false")
    return value


_SHAPES = {
    "api_router": "must be a module or module:attribute, like app.api:api_router",
    "dev_private_key": "must be a relative path inside the project, like "
    "keys/dev-private.jwk.json",
    "migrations_dir": "must be a relative path inside the project, like migrations",
    "user_dependency": "must be module:name, like app.api.deps:get_current_user",
    "database_url": "must be module:expression, like "
    "app.core.config:settings.DATABASE_URL",
    "test_client_fixture": "must be a Python identifier, like client",
}


def _stays_inside(key: str, value: str) -> bool:
    """Whether a setting has its shape, which keeps every path it gives inside the
    project root (no leading dots, no ``..``, nothing absolute)."""
    if key in {"dev_private_key", "migrations_dir"}:
        path = PurePosixPath(value)
        return (
            not path.is_absolute()
            and ".." not in path.parts
            and "\\" not in value
            and not value.startswith("~")
        )
    if key == "api_router":
        return _is_dotted(value.partition(":")[0])  # the module names a file
    if key in {"user_dependency", "database_url"}:
        module, sep, name = value.partition(":")
        return bool(sep) and _is_dotted(module) and _is_dotted(name)
    if key == "test_client_fixture":
        return "." not in value and _is_dotted(value)
    return _is_dotted(value)


def _is_dotted(value: str) -> bool:
    return all(
        part.isidentifier() and not keyword.iskeyword(part) for part in value.split(".")
    )


def _is_url_prefix(value: str) -> bool:
    return value == "" or (
        value.startswith("/") and not value.endswith("/") and " " not in value
    )
