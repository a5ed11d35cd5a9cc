"""Render every file of one resource from its spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastgen.access import list_index_name, references_doc
from fastgen.field_types import Import, literal
from fastgen.imports import ImportSet
from fastgen.pysource import comment, py_literal
from fastgen.render import render_template
from fastgen.resource_context import (
    FieldView,
    Target,
    field_views,
    listed,
    nested_routes,
    unique_groups,
)
from fastgen.shadowing import protect_class_names, rename_name
from fastgen.spec import ResourceSpec

#: The longest ``?q=`` search text the list endpoint accepts.
SEARCH_MAX_LENGTH = 100
#: Characters a ``LIKE`` pattern treats specially; a search matches them literally.
LIKE_SPECIALS = ("%", "_", "/")


@dataclass(frozen=True)
class Migration:
    """The Alembic revision that creates or drops a resource's table."""

    revision: str
    down_revision: str | None
    path: str


@dataclass(frozen=True)
class Layout:
    """Where a project keeps its code: the import names and directories of its parts.

    ``package`` is the dotted application package (``app``, ``myservice``) and
    ``package_dir`` its directory relative to the project root (``app``, or
    ``src/myservice`` in a src layout); ``core`` is the dotted package holding
    fastgen's shared modules (db, auth, errors, responses, types) and ``tests`` the
    dotted test package the generated tests and factories go in. ``api_prefix``
    is the URL path the router resources are wired into is served under.
    ``client_fixture`` is the fixture the generated tests call the app with, and
    ``own_auth`` whether the project's own auth signs users in (the tests then
    learn the owner id from the ``user_id`` fixture); ``openapi_url`` is where
    the app serves its OpenAPI document.
    ``rejects_unknown_query``: the app answers undeclared query parameters with a
    422 (a new project does), which the generated tests then check.
    ``counts_statements``: the tests' conftest has the ``sql_statements`` fixture
    (a new project's does), so the generated tests bound the SQL per request.
    """

    package: str = "app"
    package_dir: str = "app"
    core: str = "app.core"
    tests: str = "tests"
    api_prefix: str = "/api/v1"
    client_fixture: str = "client"
    own_auth: bool = False
    openapi_url: str = "/openapi.json"
    rejects_unknown_query: bool = True
    counts_statements: bool = True

    @property
    def tests_dir(self) -> str:
        return self.tests.replace(".", "/")

    @property
    def first_party(self) -> frozenset[str]:
        """Top-level packages ruff's isort must sort as first-party."""
        return frozenset(
            name.split(".")[0] for name in (self.package, self.core, self.tests)
        )


DEFAULT_LAYOUT = Layout()


@dataclass(frozen=True)
class ResourcePaths:
    """Where each generated file of a resource lives in the project."""

    spec: ResourceSpec
    layout: Layout = DEFAULT_LAYOUT

    @property
    def package(self) -> str:
        return f"{self.layout.package_dir}/{self.spec.names.plural_snake}"

    @property
    def module(self) -> str:
        """The dotted name of the resource's package."""
        return f"{self.layout.package}.{self.spec.names.plural_snake}"

    @property
    def spec_file(self) -> str:
        return f"resources/{self.spec.names.snake}.yaml"

    @property
    def tests(self) -> str:
        return f"{self.layout.tests_dir}/test_{self.spec.names.plural_snake}.py"

    @property
    def factory(self) -> str:
        return f"{self.layout.tests_dir}/factories/{self.spec.names.plural_snake}.py"

    def parts(self) -> dict[str, str]:
        """Generated file path of each part a user may eject."""
        return {
            "models": f"{self.package}/models.py",
            "schemas": f"{self.package}/schemas.py",
            "service": f"{self.package}/service.py",
            "router": f"{self.package}/router.py",
            "tests": self.tests,
        }


def render_resource(
    spec: ResourceSpec,
    *,
    targets: dict[str, Target],
    layout: Layout = DEFAULT_LAYOUT,
) -> dict[str, str]:
    """``{path: text}`` of the code and tests of ``spec`` (ejected parts too: the
    caller compares, never writes them), not yet formatted: see
    :func:`fastgen.render.format_python_files`.

    Migrations are rendered separately: they are written once, never re-rendered.
    """
    paths = ResourcePaths(spec, layout)
    context = _context(spec, targets, layout)
    module = paths.module
    imports = _singleton_imports if spec.singleton else _collection_imports
    files = {
        f"{paths.package}/__init__.py": render_template(
            "resource/package_init.py.jinja", context, formatted=False
        ),
        paths.factory: render_template(
            _template("factory", singleton=spec.singleton),
            context | {"imports": imports("factory", context, module).render()},
            formatted=False,
        ),
    }
    for part, path in paths.parts().items():
        text = render_template(
            _template(part, singleton=spec.singleton),
            context
            | {
                "imports": imports(part, context, module).render(),
                "header": ownership_header(paths, part),
            },
            formatted=False,
        )
        # fields may be named like a name the class body uses (`date: date`)
        files[path] = protect_class_names(text) if part in _CLASS_PARTS else text
    if layout.client_fixture != DEFAULT_LAYOUT.client_fixture:
        files[paths.tests] = rename_name(
            files[paths.tests], DEFAULT_LAYOUT.client_fixture, layout.client_fixture
        )
    return files


_CLASS_PARTS = frozenset({"models", "schemas"})
#: Parts a singleton (one row per user at /me/...) renders from its own template.
_SINGLETON_PARTS = frozenset({"service", "router", "tests", "factory"})


def _template(part: str, *, singleton: bool) -> str:
    if singleton and part in _SINGLETON_PARTS:
        return f"resource/singleton_{part}.py.jinja"
    return f"resource/{'test_resource' if part == 'tests' else part}.py.jinja"


def _collection_imports(part: str, context: dict[str, Any], module: str) -> ImportSet:
    """The imports of one part of a resource with a collection of rows."""
    if part == "models":
        return _model_imports(context)
    if part == "schemas":
        return _schema_imports(context, module)
    if part == "service":
        return _service_imports(context, module)
    if part == "router":
        return _router_imports(context, module)
    if part == "factory":
        return _factory_imports(context)
    return _test_imports(context)


def _singleton_imports(part: str, context: dict[str, Any], module: str) -> ImportSet:
    """The imports of one part of a singleton resource."""
    names = context["r"]
    imports = _imports(context)
    if part == "models":
        return _model_imports(context)
    if part == "schemas":
        return _schema_imports(context, module)
    if part == "service":
        imports.add("typing", "Any")
        imports.add("sqlalchemy.exc", "IntegrityError")
        imports.add("sqlmodel", "col", "select")
        imports.add("sqlmodel.ext.asyncio.session", "AsyncSession")
        imports.add(_core(context, "types"), "utcnow")
        imports.add(f"{module}.models", names.class_name)
        imports.add(f"{module}.schemas", f"{names.class_name}Base")
        imports.add(f"{module}.schemas", f"{names.class_name}Update")
    elif part == "router":
        imports.add("fastapi", "APIRouter")
        imports.add(_core(context, "auth"), "CurrentUserDep")
        imports.add(_core(context, "db"), "SessionDep")
        imports.add(_core(context, "errors"), "error_responses")
        imports.add(_core(context, "responses"), "DataResponse")
        imports.add(module, "service")
        for suffix in ("Base", "Public", "Update"):
            imports.add(f"{module}.schemas", f"{names.class_name}{suffix}")
    elif part == "factory":
        imports.add("typing", "Any")
    else:
        imports = _test_module_imports(context)
        imports.add("asyncio")
        factory = f"{context['layout'].tests}.factories.{names.plural_snake}"
        imports.add(factory, f"{names.snake}_payload")
    return imports


def render_create_migration(
    spec: ResourceSpec,
    *,
    targets: dict[str, Target],
    migration: Migration,
    layout: Layout = DEFAULT_LAYOUT,
    formatted: bool = True,
) -> str:
    """The revision that creates ``spec``'s table, indexes and constraints."""
    return _table_migration(
        "migration", spec, targets, migration, layout, formatted=formatted
    )


def render_drop_migration(
    spec: ResourceSpec,
    *,
    targets: dict[str, Target],
    migration: Migration,
    layout: Layout = DEFAULT_LAYOUT,
) -> str:
    """The revision that drops ``spec``'s table (its downgrade creates it again)."""
    return _table_migration("drop_migration", spec, targets, migration, layout)


def _table_migration(
    template: str,
    spec: ResourceSpec,
    targets: dict[str, Target],
    migration: Migration,
    layout: Layout,
    *,
    formatted: bool = True,
) -> str:
    context = _context(spec, targets, layout) | {
        "header": migration_header(ResourcePaths(spec, layout)),
        "revision": migration.revision,
        "down_revision": migration.down_revision,
    }
    return render_template(
        f"resource/{template}.py.jinja", context, formatted=formatted
    )


def ownership_header(paths: ResourcePaths, part: str | None = None) -> str:
    """The comment on top of a generated file, naming its spec and the commands."""
    header = comment(
        "Generated by fastgen; do not edit by hand. Its source is the spec",
        f"{paths.spec_file}: change that, then run `fastgen sync`.",
    )
    if part is None:
        return header
    eject = f"To edit this file yourself: `fastgen eject {paths.spec.name} {part}`."
    return f"{header}\n{comment(eject)}"


def migration_header(paths: ResourcePaths) -> str:
    """The comment on top of every migration fastgen writes."""
    return comment(
        f"Written by fastgen for {paths.spec_file}. Migrations are append-only:",
        "a later spec change gets a new revision, this one is never rewritten.",
    )


def _context(
    spec: ResourceSpec, targets: dict[str, Target], layout: Layout
) -> dict[str, Any]:
    names = spec.names
    views = field_views(spec, targets)
    sortable = [v for v in views if v.spec.is_sortable]
    # A singleton has no list, and its unique owner_id is indexed already.
    list_columns = () if spec.singleton else spec.rule.list_index
    owner_indexed = spec.owned and not spec.singleton and list_columns[0] != "owner_id"
    indexed = ["owner_id"] if owner_indexed else []
    indexed += [v.column for v in views if v.has_single_index]
    kebab = names.snake.replace("_", "-")
    refs = [v for v in views if v.is_ref]
    groups = unique_groups(spec, views)
    value_checks = [c for v in views for c in v.checks if not c.from_type]
    return {
        "r": names,
        "owned": spec.owned,
        "access": spec.rule,
        "refs_doc": references_doc(
            spec.rule, [v.target.rule for v in refs if v.target]
        ),
        # roles the tests' users need to create rows (here and of referenced rows)
        "test_roles": _test_roles(spec, refs),
        "writers_comment": comment(
            f"Creating, changing and deleting {names.plural_title.lower()} needs "
            f"the {spec.rule.role!r} role (else 403)."
        ),
        "nested_comment": comment(
            f"The lists under the rows {names.plural_title.lower()} refer to lie "
            "outside the prefix: a router of their own declares them, and its routes "
            "join this one's at the end."
        ),
        "singleton": spec.singleton,
        "kebab": kebab,
        # The local holding one row: named after the resource unless that makes
        # `name = await service.update_name(` too long for a line.
        "var": names.snake if len(names.snake) <= 29 else "row",
        "layout": layout,
        "api_prefix": layout.api_prefix,
        "url": (
            f"{layout.api_prefix}/me/{kebab}"
            if spec.singleton
            else f"{layout.api_prefix}/{names.plural_kebab}"
        ),
        "header": ownership_header(ResourcePaths(spec, layout)),
        "model_doc": f"A {names.title.lower()}"
        + (", one per user." if spec.singleton else spec.rule.model_doc),
        "fields": views,
        "enums": [v for v in views if v.kind.defines_enum],
        "refs": refs,
        # writes read their row back: the database rounds some values
        "rereads": any(v.kind.rounded_by_database for v in views),
        "nested": [] if spec.singleton else nested_routes(names, refs),
        "expand_doc": listed([f"`{v.name}`" for v in refs], "or"),
        "expand_pattern": _expand_pattern([v.name for v in refs]),
        "checks": [check for v in views for check in v.checks],
        "value_checks": value_checks,
        "edge_values": [
            (v.column, literal) for v in views for literal in v.edge_literals
        ],
        "uniques": [v for v in views if v.spec.unique],
        "sequenced": [v for v in views if v.needs_sequence],
        "per_owner_unique": [v for v in views if v.unique_per_owner],
        "global_unique": [v for v in views if v.spec.unique and not v.unique_per_owner],
        "unique_groups": groups,
        # the service checks uniqueness before writing (409 otherwise)
        "checks_unique": bool(groups or any(v.spec.unique for v in views)),
        # constraints the model declares in __table_args__ (the others on fields)
        "table_args": bool(
            groups
            or value_checks
            or list_columns
            or any(v.unique_per_owner for v in views)
        ),
        "filters": [v for v in views if v.spec.is_filterable],
        "searched": [v for v in views if v.spec.search],
        "search_columns": listed([v.column for v in views if v.spec.search], "or"),
        # the Filters schema: filters and ``q`` (a text-only resource has no filter)
        "filter_schema": any(v.spec.is_filterable or v.spec.search for v in views),
        "search_max_length": SEARCH_MAX_LENGTH,
        "range_cases": _range_cases(views),
        "search_cases": _search_cases(views),
        "plain_search_row": _search_row(views, None, "1"),
        "not_null": [v for v in views if not v.nullable],
        "nullable": [v for v in views if v.nullable],
        "defaults": [v for v in views if v.spec.has_default],
        "required": [v for v in views if v.spec.is_required],
        "sort_members": _sort_members(sortable),
        "sort": _sort_case(sortable),
        "update": next((v for v in views if not v.is_ref), views[0]),
        "indexed_columns": indexed,
        "list_index": (
            (list_index_name(names.plural_snake, list_columns), list_columns)
            if list_columns
            else None
        ),
        "invalid_values": [
            (v.column, literal) for v in views for literal in v.invalid_literals
        ]
        + [("unknown_field", "1")],
        "invalid_filters": [
            (parameter, literal)
            for v in views
            for parameter in v.spec.filter_parameters
            for literal in v.invalid_filter_literals
        ]
        + _invalid_searches(views),
    }


def _test_roles(spec: ResourceSpec, refs: list[FieldView]) -> str:
    """The roles the generated tests' users hold, comma-separated: those creating
    a row of ``spec`` needs, with the rows the factories create for its refs."""
    roles = {role for v in refs if v.target for role in v.target.roles}
    if spec.rule.role is not None:
        roles.add(spec.rule.role)
    return ",".join(sorted(roles))


def _expand_pattern(relations: list[str]) -> str:
    """The pattern of ``?expand=``: relation names, comma-separated."""
    one = "|".join(relations)
    return f"^({one})(,({one}))*$"


def _invalid_searches(views: list[FieldView]) -> list[tuple[str, str]]:
    if not any(v.spec.search for v in views):
        return []
    return [("q", '""'), ("q", f'"x" * {SEARCH_MAX_LENGTH + 1}'), ("q", r'"\x00"')]


@dataclass(frozen=True)
class RangeCase:
    """A rangeable field the generated range test filters, with two ordered values."""

    field: FieldView
    low: str
    high: str


def _range_cases(views: list[FieldView]) -> list[RangeCase]:
    cases = []
    for view in views:
        if view.spec.is_rangeable and view.distinct_samples:
            low, high = sorted([view.sample(0), view.sample(1)], key=view.kind.sort_key)
            cases.append(RangeCase(view, literal(low), literal(high)))
    return cases


def _search_cases(views: list[FieldView]) -> list[tuple[str, dict[str, str]]]:
    """``(query, row)`` pairs for the generated search test: in ``row`` one searched
    field holds the ``LIKE`` special character ``query`` and an upper-case ``X``;
    one pair per special character and searched field that can hold them."""
    cases = []
    for view in views:
        if view.spec.search and view.kind.search_value(view.spec, "%X0"):
            for special in LIKE_SPECIALS:
                cases.append((special, _search_row(views, view, f"{special}X0")))
    return cases


def _search_row(
    views: list[FieldView], marked: FieldView | None, text: str
) -> dict[str, str]:
    """Values of every searched field: ``text`` in ``marked``, plain digits in the
    others (``"0"``, or ``"1"`` for the row no search may find)."""
    plain = "1" if marked is None else "0"
    row = {}
    for view in views:
        if view.spec.search:
            value = view.kind.search_value(view.spec, text if view is marked else plain)
            assert value is not None  # every searchable type holds a digit
            row[view.column] = value
    return row


def _sort_members(sortable: list[FieldView]) -> list[tuple[str, str]]:
    columns = ["created_at", "updated_at", *(v.column for v in sortable)]
    members = []
    for column in columns:
        members += [(column.upper(), column), (f"{column.upper()}_DESC", f"-{column}")]
    return members


@dataclass(frozen=True)
class SortCase:
    """The column the generated sort test orders by, with two ordered values."""

    column: str
    field: FieldView | None = None
    low: str = ""
    high: str = ""


def _sort_case(sortable: list[FieldView]) -> SortCase:
    for view in sortable:
        if view.distinct_samples:
            first, second = view.sample(0), view.sample(1)
            low, high = sorted([first, second], key=view.kind.sort_key)
            return SortCase(view.column, view, py_literal(low), py_literal(high))
    return SortCase("created_at")


# --- imports of each generated module -----------------------------------------


def _imports(context: dict[str, Any]) -> ImportSet:
    layout: Layout = context["layout"]
    return ImportSet(first_party=layout.first_party)


def _core(context: dict[str, Any], module: str) -> str:
    """The dotted name of a core module, e.g. ``app.core.db``."""
    layout: Layout = context["layout"]
    return f"{layout.core}.{module}"


def _add_all(imports: ImportSet, context: dict[str, Any], wanted: list[Import]) -> None:
    """Add ``wanted`` imports, placing ``core.`` modules in the project's core."""
    for module, *names in wanted:
        if module.startswith("core."):
            module = _core(context, module.removeprefix("core."))
        imports.add(module, *names)


def _model_imports(context: dict[str, Any]) -> ImportSet:
    imports = _imports(context)
    imports.add("uuid")
    imports.add("datetime", "datetime")
    imports.add("sqlmodel", "Field", "SQLModel")
    imports.add(_core(context, "types"), "UTCDateTime", "utcnow")
    for view in context["fields"]:
        _add_all(imports, context, view.kind.model_imports(view.spec))
    if context["table_args"]:
        imports.add("sqlalchemy as sa")
    return imports


def _schema_imports(context: dict[str, Any], module: str) -> ImportSet:
    imports = _imports(context)
    imports.add("datetime", "datetime")
    if not context["singleton"]:
        imports.add("uuid")
        imports.add("enum", "StrEnum")
    imports.add("pydantic", "BaseModel", "ConfigDict", "Field")
    for view in context["fields"]:
        _add_all(imports, context, view.kind.schema_imports(view.spec))
    for view in context["filters"]:
        _add_all(imports, context, view.kind.filter_imports())
    if context["searched"]:
        imports.add(_core(context, "types"), "SafeStr")
    if context["not_null"]:
        imports.add("pydantic", "field_validator")
        imports.add(_core(context, "types"), "not_null_schema")
    if context["enums"]:
        imports.add(f"{module}.models", *(v.enum_class for v in context["enums"]))
    return imports


def _service_imports(context: dict[str, Any], module: str) -> ImportSet:
    names = context["r"]
    imports = _imports(context)
    imports.add("uuid")
    imports.add("collections.abc", "Sequence")
    imports.add("sqlalchemy", "ColumnElement", "UnaryExpression")
    imports.add("typing", "Any")
    imports.add("sqlalchemy.exc", "IntegrityError")
    imports.add("sqlmodel", "col", "func", "select")
    imports.add("sqlmodel.ext.asyncio.session", "AsyncSession")
    imports.add(_core(context, "errors"), "ConflictError", "NotFoundError")
    imports.add(_core(context, "responses"), "PageParams")
    imports.add(_core(context, "types"), "utcnow")
    imports.add(f"{module}.models", names.class_name)
    schemas = [f"{names.class_name}{suffix}" for suffix in ("Create", "Update", "Sort")]
    if context["filter_schema"]:
        schemas.append(f"{names.class_name}Filters")
    imports.add(f"{module}.schemas", *schemas)
    if context["searched"]:
        imports.add("sqlalchemy", "or_")
    if context["refs"]:
        imports.add(_core(context, "errors"), "FieldValidationError")
    if context["access"].owner_writes_only:
        imports.add(_core(context, "errors"), "ForbiddenError")
    # visibility with public_if is an OR: the caller's rows and the visible ones
    rules = [context["access"], *(view.target.rule for view in context["refs"])]
    if any(rule.public_if for rule in rules):
        imports.add("sqlalchemy", "or_")
    if context["refs"]:
        imports.add(f"{module}.schemas", f"{names.class_name}Expand")
    for view in context["refs"]:
        target = view.target.names
        imports.add(
            f"{context['layout'].package}.{target.plural_snake}.models",
            target.class_name,
        )
    return imports


def _router_imports(context: dict[str, Any], module: str) -> ImportSet:
    names = context["r"]
    imports = _imports(context)
    imports.add("uuid")
    imports.add("typing", "Annotated")
    imports.add("fastapi", "APIRouter", "Query", "Request", "Response", "status")
    if context["owned"]:
        imports.add(_core(context, "auth"), "CurrentUserDep")
    else:
        imports.add("fastapi", "Depends")
        imports.add(_core(context, "auth"), "get_current_user", "require_role")
    imports.add(_core(context, "db"), "SessionDep")
    imports.add(_core(context, "errors"), "error_responses")
    imports.add(_core(context, "responses"), "DataResponse", "Page", "PageParamsDep")
    imports.add(module, "service")
    schemas = [
        f"{names.class_name}{suffix}"
        for suffix in ("Create", "Public", "Update", "Sort")
    ]
    if context["filter_schema"]:
        schemas.append(f"{names.class_name}Filters")
    if context["refs"]:
        schemas.append(f"{names.class_name}Expand")
        imports.add("fastapi", "Depends")
        imports.add("pydantic", "Field")
        imports.add(f"{module}.models", names.class_name)
    imports.add(f"{module}.schemas", *schemas)
    for view in context["refs"]:
        target = view.target.names
        imports.add(
            f"{context['layout'].package}.{target.plural_snake}.schemas",
            f"{target.class_name}Public",
        )
    return imports


def _factory_imports(context: dict[str, Any]) -> ImportSet:
    imports = _imports(context)
    imports.add("typing", "Any")
    imports.add("httpx")
    if context["sequenced"]:
        imports.add("itertools")
    for view in context["uniques"]:
        _add_all(imports, context, view.kind.factory_imports(view.spec))
    for view in context["refs"]:
        if not view.is_self_ref:
            target = view.target.names
            imports.add(
                f"{context['layout'].tests}.factories.{target.plural_snake}",
                f"create_{target.snake}",
            )
    return imports


def _test_module_imports(context: dict[str, Any]) -> ImportSet:
    """What every generated test module imports, and its fields' comparisons."""
    imports = _imports(context)
    imports.add("json")
    imports.add("typing", "Any")
    imports.add("httpx")
    imports.add("pytest")
    for view in context["fields"]:
        _add_all(imports, context, view.kind.test_imports())
    return imports


def _test_imports(context: dict[str, Any]) -> ImportSet:
    names = context["r"]
    imports = _test_module_imports(context)
    imports.add("uuid")
    if context["test_roles"] or context["access"].role:
        imports.add(f"{context['layout'].tests}.support", "TokenFactory")
    imports.add(
        f"{context['layout'].tests}.factories.{names.plural_snake}",
        f"create_{names.snake}",
        f"{names.snake}_payload",
    )
    for view in context["refs"]:
        target = view.target.names
        imports.add(
            f"{context['layout'].tests}.factories.{target.plural_snake}",
            f"create_{target.snake}",
        )
    return imports
