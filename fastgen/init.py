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

A project that already has ``[tool.fastgen]`` is left alone: the plan is empty and
``already_initialised`` is set.
"""

from __future__ import annotations

import ast
import configparser
import re
import tempfile
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
import libcst.matchers as m

from fastgen.dev_keys import PRIVATE_JWK, PUBLIC_JWKS, write_dev_keys
from fastgen.errors import FastgenError
from fastgen.plan import Plan, make_plan
from fastgen.project_config import ProjectConfig
from fastgen.render import format_python
from fastgen.templates_dir import templates_dir
from fastgen.wiring import LINE_LENGTH, find_router_targets, wire_router

ALREADY_INITIALISED = (
    "{root} is already initialised ([tool.fastgen] in pyproject.toml): " "nothing to do"
)
CORE_MODULES = ("config", "db", "auth", "errors", "responses", "types")
INSTALL_FUNCTION = "install_fastgen"
_SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "site-packages",
        "build",
        "dist",
        "migrations",
        "alembic",
        "tests",
        "test",
        "venv",
        "env",
        "__pycache__",
    }
)
_APP_CONSTRUCTOR = "FastAPI"
_ROUTER_CONSTRUCTORS = frozenset({"FastAPI", "APIRouter"})
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
    notes: tuple[str, ...] = ()
    already_initialised: bool = False


@dataclass(frozen=True)
class _Candidate:
    """A FastAPI app or APIRouter found in the project."""

    module: str
    path: str
    variable: str
    function: str | None
    is_app: bool
    includes: tuple[str, ...]  # dotted names of the routers it includes
    factory_needs_args: bool = False
    prefix: str | None = ""  # its own ``prefix=`` (None: not a string literal)
    include_prefixes: tuple[str | None, ...] = ()  # ``prefix=`` of each include

    @property
    def name(self) -> str:
        """``module:attr`` as ``--router`` takes it."""
        if self.function is None:
            return f"{self.module}:{self.variable}"
        return f"{self.module}:{self.function}():{self.variable}"

    @property
    def dotted(self) -> str:
        """How another module refers to it (module-level ones only)."""
        return f"{self.module}.{self.variable}"


@dataclass
class _Scan:
    candidates: list[_Candidate] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- API


def plan_init(
    root: Path,
    *,
    app_package: str | None = None,
    router: str | None = None,
    app: str | None = None,
) -> InitPlan:
    """The plan that adopts the FastAPI project at ``root``.

    ``app_package`` (dotted) overrides the detected package; ``router``
    (``module:attr``) the router resources are wired into; ``app``
    (``module:attr``, e.g. ``svc.main:app`` or ``svc.main:create_app``) the app that
    gets ``install_fastgen`` when the project has several. Raises FastgenError when
    the app or the router cannot be determined, naming the candidates.
    """
    root = root.resolve()
    if not root.is_dir():
        raise FastgenError(f"{root} is not a directory: run init in a project")
    pyproject = root / "pyproject.toml"
    pyproject_text = _read_text(pyproject)
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

    scan = _scan(root)
    target = _choose_router(root, scan, router)
    installed = _choose_app(scan, target, app)
    package = app_package or _package_of(installed, root)
    config = ProjectConfig(root=root, app_package=package)
    package_dir = config.module_dir(package)
    core = _core_package(root, package, package_dir)
    tests = _tests_package(root)
    models = f"{package}.models"
    layout = _Rewrite(package=package, core=core, models=models, tests=tests)

    files: dict[str, str] = {}
    notes: list[str] = []
    if not (root / package_dir / "__init__.py").exists():
        files[f"{package_dir}/__init__.py"] = (
            f'"""{package}: the application package."""\n'
        )
    files |= _core_files(root, layout, package_dir, core)
    files |= _models_file(config, layout)
    files |= _alembic_files(root, layout, package_dir, notes)
    files |= _test_files(root, layout, installed, notes)
    files |= _key_files(root)
    api_prefix = _mount_prefix(root, scan, target, notes)
    files[installed.path] = _install_call(
        (root / installed.path).read_text(encoding="utf-8"), installed, core
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
        ),
        notes,
    )
    notes.extend(_dependency_notes(pyproject_text))
    if scan.unparsable:
        notes.append(
            "skipped files with syntax errors: " + ", ".join(sorted(scan.unparsable))
        )
    plan = make_plan(
        root,
        files,
        written_hashes={},
        edited_in_place=frozenset({installed.path, "pyproject.toml"}),
    )
    return InitPlan(
        changes=plan.changes,
        app_package=package,
        app=_app_reference(installed),
        router=target,
        core_package=core,
        tests_package=tests,
        api_prefix=api_prefix,
        notes=tuple(notes),
    )


# ------------------------------------------------------------------ pyproject


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FastgenError(f"cannot read {path}: {exc.strerror}") from exc


def _has_fastgen_table(pyproject: Path, text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FastgenError(f"cannot read {pyproject}: {exc}; fix the file") from exc
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "fastgen" in tool


def _fastgen_table(
    *, package: str, router: str, models: str, core: str, tests: str, api_prefix: str
) -> str:
    lines = [
        "[tool.fastgen]",
        f'app_package = "{package}"',
        f'api_router = "{router}"',
        f'models_module = "{models}"',
        f'dev_private_key = "{PRIVATE_JWK.as_posix()}"',
        f'api_prefix = "{api_prefix}"',
    ]
    if core != f"{package}.core":
        lines.append(f'core_package = "{core}"')
    if tests != "tests":
        lines.append(f'tests_package = "{tests}"')
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
    if not path.is_file():
        return False
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return False
    section = "tool:pytest" if path.name == "setup.cfg" else "pytest"
    return parser.has_section(section)


def _dependency_notes(text: str | None) -> list[str]:
    data = tomllib.loads(text) if text else {}
    declared = data.get("project", {}).get("dependencies", [])
    names = {
        re.split(r"[\s\[<>=!~;]", str(dep), maxsplit=1)[0].lower().replace("_", "-")
        for dep in declared
    }
    missing = [dep for dep in _RUNTIME_DEPENDENCIES if dep not in names]
    if not missing:
        return []
    return [
        "the generated code needs these dependencies, not declared in "
        f"[project] dependencies: {', '.join(missing)} (and pytest-asyncio for "
        "the tests)"
    ]


# -------------------------------------------------------------- finding the app


def _python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts[:-1]
        if any(part.startswith(".") or part in _SKIPPED_DIRS for part in parts):
            continue
        yield path


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _scan(root: Path) -> _Scan:
    scan = _Scan()
    for path in _python_files(root):
        source = path.read_text(encoding="utf-8", errors="replace")
        if "FastAPI" not in source and "APIRouter" not in source:
            continue
        relative = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(source)
            names = find_router_targets(source)
        except (SyntaxError, FastgenError):
            scan.unparsable.append(relative)
            continue
        module = _module_name(root, path)
        scan.candidates.extend(_candidates(tree, names, module, relative))
    return scan


def _call_name(node: ast.expr | None) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    return _dotted(node.func)


def _dotted(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _prefix(call: ast.Call) -> str | None:
    """The ``prefix=`` of a call: "" when absent, None when not a literal."""
    for keyword in call.keywords:
        if keyword.arg == "prefix":
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
            return None
    return ""


def _constructed(body: list[ast.stmt]) -> dict[str, tuple[bool, str | None]]:
    """Names assigned ``FastAPI(...)``/``APIRouter(...)`` -> (is an app, prefix)."""
    found: dict[str, tuple[bool, str | None]] = {}
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        kind = (_call_name(value) or "").rsplit(".", 1)[-1]
        if kind in _ROUTER_CONSTRUCTORS and isinstance(value, ast.Call):
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (kind == _APP_CONSTRUCTOR, _prefix(value))
    return found


def _includes(body: list[ast.stmt], variable: str) -> list[tuple[str, str | None]]:
    """Routers ``variable.include_router(...)`` statements of ``body`` include,
    with the ``prefix=`` of each include."""
    refs = []
    for stmt in body:
        if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
            continue
        call = stmt.value
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "include_router"
            and _dotted(func.value) == variable
        ):
            continue
        arg = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg == "router":
                arg = keyword.value
        refs.append((_dotted(arg) or "?", _prefix(call)))
    return refs


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Bound name -> the dotted name it refers to, for every import in the file."""
    package = module.rsplit(".", 1)[0] if "." in module else ""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = (
                    parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                )
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return bound


def _resolve(ref: str, imports: dict[str, str], module: str) -> str:
    head, _, rest = ref.partition(".")
    full = imports.get(head, f"{module}.{head}")
    return f"{full}.{rest}" if rest else full


def _candidates(
    tree: ast.Module, names: list[str], module: str, path: str
) -> list[_Candidate]:
    imports = _imports(tree, module)
    top_level = _constructed(tree.body)
    functions = {
        stmt.name: stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef)
    }
    found = []
    for name in names:
        function, _, variable = name.rpartition("():")
        if function:
            func = functions[function]
            body = func.body
            is_app, prefix = True, _constructed(body).get(variable, (True, ""))[1]
            arguments = func.args
            needs_args = len(arguments.posonlyargs) + len(arguments.args) > len(
                arguments.defaults
            ) or any(d is None for d in arguments.kw_defaults)
        else:
            body = tree.body
            is_app, prefix = top_level.get(variable, (False, ""))
            needs_args = False
        included = _includes(body, variable)
        found.append(
            _Candidate(
                module,
                path,
                variable,
                function or None,
                is_app,
                tuple(_resolve(ref, imports, module) for ref, _ in included),
                needs_args,
                prefix,
                tuple(include_prefix for _, include_prefix in included),
            )
        )
    return found


def _candidate_list(candidates: list[_Candidate]) -> str:
    return ", ".join(c.name for c in candidates) or "none"


def _choose_router(root: Path, scan: _Scan, router: str | None) -> str:
    """The ``module:attr`` resources are wired into."""
    candidates = scan.candidates
    if not any(c.is_app for c in candidates):
        raise FastgenError(
            f"cannot find a FastAPI app in {root}: no module assigns FastAPI(...) "
            "at module level or in a factory function that returns it "
            f"(router candidates: {_candidate_list(candidates)}); run `fastgen init` "
            "in the project's root, and pass --router MODULE:NAME to choose the "
            "router resources are wired into"
        )
    if router is not None:
        return _check_router(root, router, candidates)
    aggregators = [c for c in candidates if c.includes]
    if aggregators:
        dotted = {c.dotted for c in aggregators if c.function is None}
        innermost = [
            c for c in aggregators if not set(c.includes) & (dotted - {c.dotted})
        ]
        if len(innermost) == 1:
            return innermost[0].name
        problem = "several routers include others"
        shown = innermost
    elif len(candidates) == 1:
        return candidates[0].name
    else:
        problem = "no router includes another one"
        shown = candidates
    raise FastgenError(
        f"cannot choose where resources are wired in {root} ({problem}): "
        f"candidates are {_candidate_list(shown)}; pass --router MODULE:NAME, "
        f"e.g. --router {shown[0].name}"
    )


def _check_router(root: Path, router: str, candidates: list[_Candidate]) -> str:
    module, sep, attribute = router.partition(":")
    if (
        not sep
        or not attribute
        or not all(part.isidentifier() for part in module.split("."))
    ):
        raise FastgenError(
            f"--router {router!r} is not module:attribute, e.g. "
            f"{candidates[0].name if candidates else 'app.api:api_router'}"
        )
    config = ProjectConfig(root=root)
    path = config.module_path(module)
    source = _read_text(root / path)
    if source is None:
        raise FastgenError(
            f"--router {router}: cannot find {path}; candidates are "
            f"{_candidate_list(candidates)}"
        )
    wire_router(  # raises FastgenError naming the candidates when it cannot wire
        source,
        module="fastgen_probe.probe.router",
        alias="fastgen_probe_router",
        target=attribute,
        path=path,
    )
    return router


def _choose_app(scan: _Scan, router: str, app: str | None) -> _Candidate:
    """The FastAPI app that gets ``install_fastgen``."""
    apps = [c for c in scan.candidates if c.is_app]
    if app is not None:
        module, _, attribute = app.partition(":")
        bare = attribute.removesuffix("()").split("():")[0]
        chosen = [
            c for c in apps if c.module == module and bare in {c.variable, c.function}
        ]
        if len(chosen) != 1:
            raise FastgenError(
                f"--app {app} is not a FastAPI app of the project; candidates are "
                f"{_candidate_list(apps)}"
            )
        return chosen[0]
    if len(apps) == 1:
        return apps[0]
    router_dotted = router.replace(":", ".")
    serving = [c for c in apps if c.name == router or router_dotted in c.includes]
    if len(serving) == 1:
        return serving[0]
    raise FastgenError(
        f"the project has several FastAPI apps ({_candidate_list(apps)}) and "
        "fastgen cannot tell which one serves the resources: pass --app "
        f"MODULE:NAME, e.g. --app {apps[0].name}"
    )


def _mount_prefix(root: Path, scan: _Scan, router: str, notes: list[str]) -> str:
    """The URL path the router resources are wired into is served under."""
    by_name = {c.name: c for c in scan.candidates}
    module, _, attribute = router.partition(":")
    target = by_name.get(router) or next(
        (
            c
            for c in scan.candidates
            if c.module == module and attribute.removesuffix("()") == c.function
        ),
        None,
    )
    prefix = None if target is None else _prefix_of(target, scan.candidates, set())
    if prefix is None:
        notes.append(
            f"cannot tell the URL path {router} is served under: set api_prefix in "
            "[tool.fastgen] (the generated tests call it) if it is not the root"
        )
        return ""
    return prefix.rstrip("/")


def _prefix_of(
    target: _Candidate, candidates: list[_Candidate], seen: set[str]
) -> str | None:
    """Prefix literals from the app down to ``target``; None when unknown."""
    if target.prefix is None or target.name in seen:
        return None
    seen.add(target.name)
    parents = [
        (parent, prefix)
        for parent in candidates
        for ref, prefix in zip(parent.includes, parent.include_prefixes, strict=True)
        if target.function is None and ref == target.dotted
    ]
    if not parents:
        return target.prefix
    if len(parents) > 1 or parents[0][1] is None:
        return None
    above = _prefix_of(parents[0][0], candidates, seen)
    return None if above is None else f"{above}{parents[0][1]}{target.prefix}"


def _package_of(app: _Candidate, root: Path) -> str:
    if "." not in app.module:
        raise FastgenError(
            f"the app in {app.path} is not inside a package, and fastgen puts "
            "resources in one: pass --app-package NAME (e.g. --app-package app) "
            "to create it"
        )
    return app.module.split(".")[0]


def _app_reference(app: _Candidate) -> str:
    if app.function is None:
        return f"{app.module}:{app.variable}"
    return f"{app.module}:{app.function}()"


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
    root: Path, rewrite: _Rewrite, package_dir: str, core: str
) -> dict[str, str]:
    directory = f"{package_dir}/{core.rsplit('.', 1)[-1]}"
    files = {
        f"{directory}/__init__.py": (
            '"""fastgen\'s shared machinery: settings, database, auth, errors, '
            "responses.\n\n"
            "``db`` is imported first so its metadata naming convention applies to "
            "every\ntable model (every model imports this package).\n"
            '"""\n\n'
            f"from {core} import db as _db  # noqa: F401\n"
        ),
        f"{directory}/setup.py": _setup_module(core),
    }
    for name in CORE_MODULES:
        files[f"{directory}/{name}.py"] = rewrite(_template(f"app/core/{name}.py"))
    return _missing(root, files)


def _missing(root: Path, files: dict[str, str]) -> dict[str, str]:
    """The files that do not exist yet (or exist exactly so: a re-run)."""
    return {
        path: text
        for path, text in files.items()
        if not (root / path).exists()
        or (root / path).read_text(encoding="utf-8") == text
    }


def _setup_module(core: str) -> str:
    return f'''"""Install fastgen's machinery on the app (added by ``fastgen init``).

Generated resources read ``app.state.session_factory`` (database sessions) and
``app.state.token_verifier`` (JWT verification) and answer errors in the standard
format. ``install_fastgen(app)`` provides all three. Calling it again replaces the
engine and the verifier: that is how the tests put the app on a test database.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
    websocket_request_validation_exception_handler,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from {core}.auth import TokenVerifier
from {core}.config import Settings, get_settings
from {core}.db import create_engine, create_session_factory
from {core}.errors import install_error_handlers

_FASTAPI_DEFAULT_HANDLERS = (
    http_exception_handler,
    request_validation_exception_handler,
    websocket_request_validation_exception_handler,
)


def install_fastgen(
    app: FastAPI,
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
) -> None:
    """Give ``app`` a database session factory, a token verifier and error handlers.

    ``engine`` and ``token_verifier`` default to ones built from ``settings``; both
    are disposed of when the application shuts down. Exception handlers the app
    registered itself are kept.
    """
    settings = settings or get_settings()
    app.state.fastgen_engine = engine or create_engine(settings)
    app.state.session_factory = create_session_factory(app.state.fastgen_engine)
    app.state.token_verifier = token_verifier or TokenVerifier(settings)
    if getattr(app.state, "fastgen_installed", False):
        return
    app.state.fastgen_installed = True
    own = {{
        kind: handler
        for kind, handler in app.exception_handlers.items()
        if handler not in _FASTAPI_DEFAULT_HANDLERS
    }}
    install_error_handlers(app)
    app.exception_handlers.update(own)
    _dispose_on_shutdown(app)


def _dispose_on_shutdown(app: FastAPI) -> None:
    """Wrap the app's lifespan so the engine and the verifier are closed last."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        try:
            async with inner(application) as state:
                yield state
        finally:
            await application.state.token_verifier.aclose()
            await application.state.fastgen_engine.dispose()

    app.router.lifespan_context = lifespan
'''


def _models_file(config: ProjectConfig, rewrite: _Rewrite) -> dict[str, str]:
    path = config.module_path(rewrite.models)
    if (config.root / path).exists():
        return {}
    text = _template("app/models.py").replace(
        "``from app.posts.models", f"``from {rewrite.package}.posts.models"
    )
    return {path: text}


def _alembic_files(
    root: Path, rewrite: _Rewrite, package_dir: str, notes: list[str]
) -> dict[str, str]:
    ini = root / "alembic.ini"
    if ini.exists() or (root / "migrations").exists():
        location = _script_location(ini)
        if location not in {"migrations", "%(here)s/migrations", None}:
            raise FastgenError(
                f"alembic.ini keeps the migrations in {location}, but fastgen "
                "writes revisions to migrations/versions: move them there "
                "(script_location = %(here)s/migrations) and re-run"
            )
        env = _read_text(root / "migrations" / "env.py") or ""
        if "SQLModel.metadata" not in env or rewrite.models not in env:
            notes.append(
                f"migrations/env.py must import {rewrite.models} and use "
                "SQLModel.metadata (with your own metadata, if any) as "
                "target_metadata for autogenerate to see fastgen's tables"
            )
        return {}
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


def _script_location(ini: Path) -> str | None:
    if not ini.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except configparser.Error:
        return None
    return parser.get("alembic", "script_location", fallback=None)


def _tests_package(root: Path) -> str:
    """``tests``, or ``tests.generated`` when the project has its own fixtures."""
    conftest = root / "tests" / "conftest.py"
    if not conftest.exists() or _is_fastgen_conftest(conftest):
        return "tests"
    return "tests.generated"


def _is_fastgen_conftest(path: Path) -> bool:
    return INSTALL_FUNCTION in path.read_text(encoding="utf-8")


_APP_FIXTURE = """\
        yield create_app(
            settings,
            engine=db_engine,
            token_verifier=TokenVerifier(settings, http_client=jwks_client),
        )
"""


def _test_files(
    root: Path, rewrite: _Rewrite, app: _Candidate, notes: list[str]
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
        f"        application = {load}\n"
        f"        {INSTALL_FUNCTION}(\n"
        "            application,\n"
        "            settings,\n"
        "            engine=db_engine,\n"
        "            token_verifier=TokenVerifier(settings, http_client=jwks_client),\n"
        "        )\n"
        "        yield application\n"
    )
    if _APP_FIXTURE not in conftest or "from app.main import create_app\n" not in (
        conftest
    ):
        raise AssertionError("the template's conftest changed: update fastgen.init")
    conftest = conftest.replace(_APP_FIXTURE, fixture).replace(
        "from app.main import create_app\n",
        f"from {rewrite.core}.setup import {INSTALL_FUNCTION}\n",
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


# ------------------------------------------------------------ installing


def _install_call(source: str, app: _Candidate, core: str) -> str:
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
    return bool(m.findall(tree, m.Call(func=m.Name(INSTALL_FUNCTION))))


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
