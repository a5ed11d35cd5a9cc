"""What ``fastgen init`` finds in a project it adopts, beyond its app and router.

Each finder reads the project's files without importing them (:mod:`ast`,
:mod:`configparser`, :mod:`tomllib`): where Alembic keeps the migrations and whether
its ``env.py`` sees SQLModel's metadata, the settings object holding the database
URL, the current-user dependency named by ``--user-dependency``, and the pytest
fixtures that sign test requests in. A finder that cannot adopt something returns a
problem: one line saying what and how to fix it (``init`` reports them all).
"""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass
from pathlib import Path

from fastgen.app_discovery import _module_name
from fastgen.plan import read_exact
from fastgen.project_config import ProjectConfig

#: Settings attributes that hold a database URL, most specific first.
_DATABASE_URL_NAMES = (
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_DATABASE_URL",
    "DATABASE_URL",
    "database_url",
    "db_url",
)
_SETTINGS_BASES = frozenset({"BaseSettings"})
_SKIPPED_PARTS = frozenset({"node_modules", "site-packages", "venv", "__pycache__"})


def _python_files(root: Path, name: str = "*.py") -> list[Path]:
    return [
        path
        for path in sorted(root.rglob(name))
        if not any(
            part.startswith(".") or part in _SKIPPED_PARTS
            for part in path.relative_to(root).parts[:-1]
        )
    ]


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
    except (SyntaxError, UnicodeDecodeError):
        return None


# ------------------------------------------------------------------- Alembic


def alembic_location(root: Path, pyproject: dict[str, object]) -> str | None:
    """Alembic's ``script_location`` relative to ``root``: from ``alembic.ini``,
    else ``[tool.alembic]`` in ``pyproject.toml``; None when neither says."""
    location = _ini_location(root / "alembic.ini")
    if location is None:
        tool = pyproject.get("tool", {})
        table = tool.get("alembic", {}) if isinstance(tool, dict) else {}
        value = table.get("script_location") if isinstance(table, dict) else None
        location = value if isinstance(value, str) else None
    if location is None:
        return None
    location = re.sub(r"^%\(here\)s[/\\]?", "", location.strip())
    return location.replace("\\", "/").rstrip("/") or "."


def read_ini(path: Path) -> configparser.ConfigParser | None:
    """``path`` parsed as an ini file, or ``None`` when missing or malformed."""
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return None
    return parser


def _ini_location(ini: Path) -> str | None:
    parser = read_ini(ini)
    if parser is None:
        return None
    return parser.get("alembic", "script_location", fallback=None)


def adopt_env(
    root: Path, location: str, models: str
) -> tuple[dict[str, str], list[str]]:
    """The Alembic env at ``location``, made to see fastgen's tables, or why it
    cannot be: its ``target_metadata`` must be ``SQLModel.metadata`` (shared by
    every SQLModel table, fastgen's too), and it must import ``models``, where
    fastgen registers each resource's model. The import is added right above
    ``target_metadata`` when it is missing (``{path: text}``); nothing else in
    the file changes."""
    if ":" in location or ".." in location.split("/") or Path(location).is_absolute():
        return {}, [
            f"alembic.ini's script_location {location} is not a directory inside the "
            "project, where fastgen writes revisions: give a relative path such as "
            "app/alembic"
        ]
    env_path = f"{location}/env.py"
    env = read_exact(root / env_path)
    if env is None:
        return {}, [
            f"{env_path} is missing (alembic.ini's script_location is {location}): "
            "restore the Alembic environment, or fix script_location"
        ]
    target = re.search(r"(?m)^target_metadata\b.*\bSQLModel\.metadata\b", env)
    if target is None:
        return {}, [
            f"{env_path}: target_metadata is not SQLModel.metadata, where fastgen's "
            "tables are: set target_metadata = SQLModel.metadata (or a list with it "
            "and your own metadata)"
        ]
    if _imports_module(env, models):
        return {}, []
    newline = "\r\n" if "\r\n" in env else "\n"
    line = f"import {models}  # noqa: E402, F401  (fastgen's tables){newline}"
    return {env_path: env[: target.start()] + line + env[target.start() :]}, []


def _imports_module(source: str, module: str) -> bool:
    """Whether ``source`` imports ``module`` (or a name from it, or it from its
    package) at the start of a line."""
    parent, _, name = module.rpartition(".")
    patterns = [rf"import {re.escape(module)}\b", rf"from {re.escape(module)} import"]
    if parent:
        patterns.append(rf"from {re.escape(parent)} import .*\b{re.escape(name)}\b")
    return re.search(rf"(?m)^\s*({'|'.join(patterns)})", source) is not None


# ------------------------------------------------------------------ database


def database_url_setting(root: Path, notes: list[str]) -> str | None:
    """``module:object.ATTRIBUTE`` of the project's database URL setting: an
    attribute of a pydantic-settings class with a module-level instance, e.g.
    ``app.core.config:settings.SQLALCHEMY_DATABASE_URI``. None (with a note when
    there are several) leaves fastgen's own ``DATABASE_URL``."""
    found: list[str] = []
    for path in _python_files(root):
        source = path.read_text(encoding="utf-8", errors="replace")
        if "BaseSettings" not in source:
            continue
        tree = _parse(path)
        if tree is not None:
            found.extend(
                f"{_module_name(root, path)}:{reference}"
                for reference in _settings_urls(tree)
            )
    if len(found) > 1:
        notes.append(
            f"several settings hold a database URL ({', '.join(found)}): fastgen "
            "cannot tell which one the app uses, so generated resources read the "
            "DATABASE_URL environment variable"
        )
    return found[0] if len(found) == 1 else None


def _settings_urls(tree: ast.Module) -> list[str]:
    classes = {
        node.name: _url_attribute(node)
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(_base_name(base) in _SETTINGS_BASES for base in node.bases)
    }
    references = []
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and classes.get(node.value.func.id)
        ):
            references.append(f"{node.targets[0].id}.{classes[node.value.func.id]}")
    return references


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _url_attribute(cls: ast.ClassDef) -> str | None:
    names = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
        elif isinstance(stmt, ast.FunctionDef):  # a (computed) property
            names.add(stmt.name)
    return next((name for name in _DATABASE_URL_NAMES if name in names), None)


# ---------------------------------------------------------------------- auth


def user_dependency_problem(config: ProjectConfig, reference: str) -> str | None:
    """Why ``--user-dependency MODULE:NAME`` does not name a dependency of the
    project, if it does not."""
    module, sep, name = reference.partition(":")
    example = "e.g. --user-dependency app.api.deps:get_current_user"
    if (
        not sep
        or not name.isidentifier()
        or not all(part.isidentifier() for part in module.split("."))
    ):
        return f"--user-dependency {reference!r} is not MODULE:NAME, {example}"
    path = config.module_path(module)
    tree = _parse(config.root / path) if (config.root / path).is_file() else None
    if tree is None:
        return f"--user-dependency {reference}: cannot read {path}; {example}"
    defined = _top_level_names(tree)
    if name in defined:
        return None
    candidates = ", ".join(sorted(n for n in defined if "user" in n.lower()))
    return (
        f"--user-dependency {reference}: {path} defines no {name} (names about "
        f"users there: {candidates or 'none'}); name the dependency that returns "
        "the current user"
    )


def _top_level_names(tree: ast.Module) -> set[str]:
    """Functions, classes and variables a module defines (a dependency may be
    ``current_user = fastapi_users.current_user()``)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


# --------------------------------------------------------------------- tests


@dataclass(frozen=True)
class ProjectFixtures:
    """The project's pytest fixtures the generated tests sign requests in with.

    ``directory`` holds the ``conftest.py`` defining them; ``user`` and ``other``
    give the ``Authorization`` headers of two different users; ``client`` is
    whether that conftest has a ``client`` fixture of its own (fastgen's then takes
    another name).
    """

    directory: str
    user: str
    other: str
    client: bool


def auth_fixtures(root: Path) -> ProjectFixtures | None:
    """The first ``conftest.py`` with two fixtures named ``*token_headers*`` (or
    ``*auth_headers*``): the one of an ordinary user first."""
    for path in _python_files(root, "conftest.py"):
        tree = _parse(path)
        if tree is None:
            continue
        names = _fixture_names(tree)
        headers = [n for n in names if n.endswith(("token_headers", "auth_headers"))]
        if len(headers) < 2:
            continue
        ordinary = sorted(headers, key=lambda n: ("super" in n or "admin" in n, n))
        return ProjectFixtures(
            path.parent.relative_to(root).as_posix(),
            ordinary[0],
            ordinary[1],
            "client" in names,
        )
    return None


def _fixture_names(tree: ast.Module) -> list[str]:
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any("fixture" in ast.unparse(d) for d in node.decorator_list)
    ]
