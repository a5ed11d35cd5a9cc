"""Finding the FastAPI apps and routers of an existing project (for ``fastgen init``).

Every module of the project is parsed with :mod:`ast` (skipping virtualenvs, build
output, tests and migrations); each module-level ``FastAPI(...)``/``APIRouter(...)``
and each factory function returning a ``FastAPI`` becomes a :class:`Candidate`, with
the routers it includes and the ``prefix=`` literals along the way. From those come
the router resources are wired into, the app that gets ``install_fastgen``, the URL
prefix the router is served under and the app's package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from fastgen.errors import FastgenError
from fastgen.plain_wiring import dotted_name
from fastgen.plan import read_exact
from fastgen.project_config import ProjectConfig
from fastgen.wiring import find_router_targets, wire_router

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


@dataclass(frozen=True)
class Candidate:
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
class Scan:
    """What :func:`scan_project` found, and the files it could not parse."""

    candidates: list[Candidate] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)


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


def scan_project(root: Path) -> Scan:
    """Every app and router the project's modules construct."""
    scan = Scan()
    for path in _python_files(root):
        source = path.read_text(encoding="utf-8", errors="replace").removeprefix(
            "\ufeff"  # a byte order mark is not Python
        )
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
    if any(
        _SETTING in (prefix or "")
        for c in scan.candidates
        for prefix in (c.prefix, *c.include_prefixes)
    ):
        constants = _settings_constants(root)
        scan.candidates = [_resolved(c, constants) for c in scan.candidates]
    return scan


#: Marks a ``prefix=`` that names a setting (``settings.API_V1_STR``) until the
#: settings classes are read; NUL never occurs in a literal prefix.
_SETTING = "\0"


def _settings_constants(root: Path) -> dict[str, str | None]:
    """String defaults of the attributes of pydantic-settings classes: name ->
    value (None when two classes disagree)."""
    constants: dict[str, str | None] = {}
    for path in _python_files(root):
        source = path.read_text(encoding="utf-8", errors="replace")
        if "BaseSettings" not in source:
            continue
        try:
            tree = ast.parse(source.removeprefix("\ufeff"))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(
                (dotted_name(base) or "").endswith("BaseSettings")
                for base in node.bases
            ):
                for name, value in _string_attributes(node):
                    constants[name] = (
                        value if constants.get(name, value) == value else None
                    )
    return constants


def _string_attributes(node: ast.ClassDef) -> Iterator[tuple[str, str]]:
    for stmt in node.body:
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            yield stmt.target.id, stmt.value.value


def _resolved(candidate: Candidate, constants: dict[str, str | None]) -> Candidate:
    """``candidate`` with the prefixes naming a setting replaced by its default."""

    def resolve(prefix: str | None) -> str | None:
        if prefix is None or not prefix.startswith(_SETTING):
            return prefix
        return constants.get(prefix.rsplit(".", 1)[-1])

    return replace(
        candidate,
        prefix=resolve(candidate.prefix),
        include_prefixes=tuple(resolve(p) for p in candidate.include_prefixes),
    )


def _call_name(node: ast.expr | None) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    return dotted_name(node.func)


def _prefix(call: ast.Call) -> str | None:
    """The ``prefix=`` of a call: "" when absent, None when not a literal (or the
    ``settings.NAME`` it names, marked, see :data:`_SETTING`)."""
    for keyword in call.keywords:
        if keyword.arg == "prefix":
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
            if isinstance(value, ast.Attribute) and dotted_name(value) is not None:
                return f"{_SETTING}{dotted_name(value)}"
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
            and dotted_name(func.value) == variable
        ):
            continue
        arg = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg == "router":
                arg = keyword.value
        refs.append((dotted_name(arg) or "?", _prefix(call)))
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
) -> list[Candidate]:
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
            Candidate(
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


def _candidate_list(candidates: list[Candidate]) -> str:
    return ", ".join(c.name for c in candidates) or "none"


def choose_router(root: Path, scan: Scan, router: str | None) -> str:
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


def _check_router(root: Path, router: str, candidates: list[Candidate]) -> str:
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
    source = read_exact(root / path)
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


def choose_app(scan: Scan, router: str, app: str | None) -> Candidate:
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


def mount_prefix(root: Path, scan: Scan, router: str, notes: list[str]) -> str:
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
    target: Candidate, candidates: list[Candidate], seen: set[str]
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


def package_of(app: Candidate) -> str:
    """The top-level package holding the app's module."""
    if "." not in app.module:
        raise FastgenError(
            f"the app in {app.path} is not inside a package, and fastgen puts "
            "resources in one: pass --app-package NAME (e.g. --app-package app) "
            "to create it"
        )
    return app.module.split(".")[0]


def app_reference(app: Candidate) -> str:
    """``module:app`` or ``module:factory()``, as ``--app`` takes it."""
    if app.function is None:
        return f"{app.module}:{app.variable}"
    return f"{app.module}:{app.function}()"


def openapi_url(root: Path, app: Candidate, notes: list[str]) -> str:
    """Where ``app`` serves its OpenAPI document (its ``openapi_url=``, with the
    settings an f-string names read from their defaults)."""
    tree = ast.parse(
        (root / app.path).read_text(encoding="utf-8").removeprefix("\ufeff")
    )
    scope: list[ast.stmt] = tree.body
    if app.function is not None:
        scope = next(
            node.body
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name == app.function
        )
    value = next(
        (
            keyword.value
            for call in _app_calls(scope, app.variable)
            for keyword in call.keywords
            if keyword.arg == "openapi_url"
        ),
        None,
    )
    if value is None:
        return "/openapi.json"
    url = _string_value(value, _settings_constants(root))
    if url is None or not url.startswith("/"):
        notes.append(
            f"cannot tell where {app.name} serves its OpenAPI document: set "
            'openapi_url in [tool.fastgen] (e.g. "/api/v1/openapi.json"), the '
            "generated tests read it"
        )
        return "/openapi.json"
    return url


def _app_calls(scope: list[ast.stmt], variable: str) -> Iterator[ast.Call]:
    for stmt in scope:
        if (
            isinstance(stmt, ast.Assign | ast.AnnAssign)
            and isinstance(stmt.value, ast.Call)
            and any(
                isinstance(t, ast.Name) and t.id == variable
                for t in (
                    stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                )
            )
        ):
            yield stmt.value


def _string_value(node: ast.expr, constants: dict[str, str | None]) -> str | None:
    """A string literal, or an f-string of literals and ``settings.NAME`` values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):
        return constants.get(node.attr)
    if isinstance(node, ast.JoinedStr):
        parts = [
            _string_value(
                part.value if isinstance(part, ast.FormattedValue) else part, constants
            )
            for part in node.values
        ]
        return None if None in parts else "".join(p for p in parts if p is not None)
    return None
