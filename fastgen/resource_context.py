"""From a resource spec to the values its templates print.

Everything that needs a decision (Python types, column types, constraints, sample
values for the generated tests) is computed here, so the templates stay plain text
with a few loops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastgen.access import AccessRule
from fastgen.field_types import FieldKind, literal, on_delete_sql, pascal
from fastgen.naming import Names
from fastgen.pysource import py_literal, python_string
from fastgen.spec import FieldSpec, ResourceSpec


@dataclass(frozen=True)
class NamedCheck:
    """A CHECK constraint of a table, named before the naming convention."""

    name: str
    sql: str
    from_type: bool


@dataclass(frozen=True)
class Target:
    """The resource a ``ref`` field points at: its names, its access rule (which
    rows of it the caller may refer to) and the roles creating one of its rows
    through the API needs (its own write role and its refs' targets')."""

    names: Names
    rule: AccessRule
    roles: frozenset[str] = frozenset()

    @property
    def owned(self) -> bool:
        return self.rule.owned


def targets_of(specs: Mapping[str, ResourceSpec]) -> dict[str, Target]:
    """The ``ref`` targets ``specs`` offer, keyed by resource name."""
    return {
        name: Target(spec.names, spec.rule, _roles(spec, specs))
        for name, spec in specs.items()
    }


def _roles(
    spec: ResourceSpec,
    specs: Mapping[str, ResourceSpec],
    seen: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The roles creating a row of ``spec`` needs, with the rows it refers to."""
    roles = {spec.rule.role} - {None}
    for field in spec.fields:
        target = specs.get(field.ref or "")
        if target is not None and target.name not in seen | {spec.name}:
            roles |= _roles(target, specs, seen | {spec.name})
    return frozenset(role for role in roles if role is not None)


@dataclass(frozen=True)
class RangeFilter:
    """One bound of a range filter: ``?views_min=`` is ``views >= value``."""

    parameter: str
    operator: str
    args: str


@dataclass(frozen=True)
class FieldView:
    """One field as the templates print it."""

    spec: FieldSpec
    resource: Names
    target: Target | None
    owned_resource: bool
    #: The test factory gives it fresh values so rows differ in unique groups.
    varied: bool = False

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def column(self) -> str:
        return self.spec.column_name

    @property
    def nullable(self) -> bool:
        return self.spec.optional

    @property
    def kind(self) -> FieldKind:
        return self.spec.kind

    @property
    def is_ref(self) -> bool:
        return self.spec.ref is not None

    @property
    def on_delete(self) -> str:
        """The foreign key's ``ON DELETE`` action (refs only)."""
        return on_delete_sql(self.spec)

    @property
    def is_self_ref(self) -> bool:
        return self.spec.ref == self.resource.class_name

    @property
    def enum_class(self) -> str:
        return f"{self.resource.class_name}{pascal(self.spec.name)}"

    @property
    def enum_members(self) -> list[tuple[str, str]]:
        return [(choice.upper(), choice) for choice in self.spec.choices or []]

    @property
    def check_name(self) -> str:
        """Name of the column's CHECK constraints (before the naming convention
        and the kind's suffix): an enum's, for one, is exactly this."""
        return f"{self.resource.snake}_{self.spec.name}"

    @property
    def max_length(self) -> int | None:
        return self.kind.max_length(self.spec)

    @property
    def description(self) -> str:
        if self.spec.description:
            return self.spec.description
        title = self.resource.title.lower()
        if self.target is not None:
            return (
                f"Id of the {self.target.names.title.lower()} this {title} refers to."
            )
        return self.kind.default_description(self.spec.name.replace("_", " "), title)

    # Python annotations ---------------------------------------------------

    def _optional(self, annotation: str) -> str:
        return f"{annotation} | None" if self.spec.optional else annotation

    @property
    def model_annotation(self) -> str:
        return self._optional(self.kind.python_type(self))

    @property
    def schema_annotation(self) -> str:
        return self._optional(self.kind.schema_annotation(self))

    @property
    def filter_annotation(self) -> str:
        return self.kind.filter_annotation(self)

    @property
    def update_annotation(self) -> str:
        annotation = self.schema_annotation
        return annotation if self.spec.optional else f"{annotation} | None"

    # Field(...) arguments ---------------------------------------------------

    @property
    def default_args(self) -> list[str]:
        """``default=`` / ``default_factory=`` as both model and schema need it."""
        if self.spec.has_default:
            return self.kind.default_args(self, self.spec.default)
        return ["default=None"] if self.spec.optional else []

    def python_literal(self, value: object) -> str:
        """Python source for a default value of this field."""
        return self.kind.literal(self, value)

    @property
    def model_args(self) -> str:
        args = [
            *self.default_args,
            *self.kind.size_args(self.spec),
            *self.kind.model_type_args(self),
        ]
        if self.has_single_index:
            args.append("index=True")
        if self.spec.unique and not self.unique_per_owner:
            args.append("unique=True")
        return ", ".join(args)

    @property
    def model_assignment(self) -> str:
        """`` = Field(...)``, `` = default`` or nothing, whichever says it plainly."""
        args = self.model_args
        if not args:
            return ""
        if args.startswith("default=") and ", " not in args:
            return f" = {args.removeprefix('default=')}"
        return f" = Field({args})"

    @property
    def schema_args(self) -> str:
        return ", ".join([*self.default_args, *self._validation_args()])

    @property
    def update_args(self) -> str:
        args = ["default=None", *self._validation_args()]
        if not self.spec.optional:
            args.append("json_schema_extra=not_null_schema")
        return ", ".join(args)

    @property
    def filter_args(self) -> str:
        """``Field(...)`` arguments of the list endpoint's filter on this field."""
        return self._filter_args("equals this value")

    @property
    def range_filters(self) -> list[RangeFilter]:
        """The list endpoint's ``_min``/``_max`` filters on this field."""
        if not self.spec.is_rangeable:
            return []
        low, high = self.spec.range_parameters
        return [
            RangeFilter(
                low, ">=", self._filter_args("is at least this value (inclusive)")
            ),
            RangeFilter(
                high, "<=", self._filter_args("is at most this value (inclusive)")
            ),
        ]

    def _filter_args(self, condition: str) -> str:
        args = ["default=None", *self.kind.filter_args(self.spec)]
        plural = self.resource.plural_title.lower()
        text = f"Only {plural} whose {self.column} {condition}."
        args.append(f"description={python_string(text)}")
        return ", ".join(args)

    def _validation_args(self) -> list[str]:
        return [
            *self.kind.validation_args(self.spec),
            *self.kind.constraint_args(self.spec),
            f"description={python_string(self.description)}",
            f"examples=[{self.example_literal}]",
        ]

    # Constraints -------------------------------------------------------------

    @property
    def unique_per_owner(self) -> bool:
        """Unique values are scoped to their owner, so no user learns of another's."""
        return self.spec.unique and self.owned_resource

    @property
    def has_single_index(self) -> bool:
        """A plain index on this column (refs are always indexed)."""
        if self.spec.unique and not self.unique_per_owner:
            return False  # the unique constraint already indexes it
        return self.spec.index or self.is_ref

    @property
    def column_type(self) -> str:
        """The SQLAlchemy type the migration declares."""
        return self.kind.column_type(self.spec)

    @property
    def checks(self) -> list[NamedCheck]:
        """The column's CHECK constraints, named before the naming convention."""
        return [
            NamedCheck(f"{self.check_name}{check.suffix}", check.sql, check.from_type)
            for check in self.kind.checks(self)
        ]

    # Sample values for the generated tests -----------------------------------

    def sample(self, variant: int = 0) -> object:
        """A JSON value that satisfies every constraint of the field."""
        return self.kind.valid_sample(self.spec, variant)

    @property
    def example_literal(self) -> str:
        """A realistic value for the OpenAPI document (tests use :meth:`sample`)."""
        return literal(self.kind.valid_example(self.spec))

    @property
    def sample_literal(self) -> str:
        return literal(self.sample())

    @property
    def other_sample_literal(self) -> str:
        return literal(self.sample(1))

    @property
    def distinct_samples(self) -> bool:
        return self.is_ref or self.sample() != self.sample(1)

    @property
    def fresh(self) -> bool:
        """Whether the factory gives every row its own value of this field."""
        return self.spec.unique or self.varied

    @property
    def needs_sequence(self) -> bool:
        """Whether the factory's fresh value uses the call counter ``n``."""
        return self.fresh and self.kind.sequenced

    @property
    def factory_expr(self) -> str:
        """Python source for a factory value: fresh (using ``n``) for unique fields."""
        if not self.fresh:
            return self.sample_literal
        return self.kind.valid_factory_expr(self.spec)

    @property
    def invalid_literals(self) -> list[str]:
        spec = self.spec
        return [*self.kind.invalid_literals(spec), *self.kind.beyond_literals(spec)]

    @property
    def edge_literals(self) -> list[str]:
        """Values at the bounds of the field's value constraints (accepted)."""
        return self.kind.edge_literals(self.spec)

    @property
    def invalid_filter_literals(self) -> list[str]:
        return self.kind.invalid_filter_literals(self.spec)

    def compare(self, actual: str, expected: str) -> str:
        """An assert line comparing this field of two JSON objects."""
        key = py_literal(self.column)
        right = f"{expected}[{key}]"
        if self.is_self_ref:  # factories leave self references unset
            right = f"{expected}.get({key})"
        return self.kind.compare(f"{actual}[{key}]", right)

    def compare_default(self, actual: str) -> str:
        """An assert line checking this field holds its default."""
        return self.kind.compare_default(
            f"{actual}[{py_literal(self.column)}]", self.spec.default
        )


def field_views(spec: ResourceSpec, targets: dict[str, Target]) -> list[FieldView]:
    """The views of ``spec``'s fields; ``targets`` maps ref names to resources."""
    varied = spec.varied_fields()
    return [
        FieldView(
            field,
            spec.names,
            targets[field.ref] if field.ref else None,
            spec.owned,
            varied=field.name in varied,
        )
        for field in spec.fields
    ]


@dataclass(frozen=True)
class NestedRoute:
    """``GET /<parents>/{parent_id}/<rows>``: the rows of one resource whose ``ref``
    field points at one parent row."""

    field: FieldView
    path: str
    #: ``list_`` + this names the route and the service function (``by_<field>``:
    #: the module says whose rows, and a field's name fits a line beside it).
    name: str

    @property
    def parent(self) -> Names:
        assert self.field.target is not None
        return self.field.target.names

    @property
    def parent_param(self) -> str:
        return f"{self.parent.snake}_id"


def nested_routes(names: Names, refs: list[FieldView]) -> list[NestedRoute]:
    """One nested list route per ``ref`` of ``names``: under the parent's URL, named
    after the resource, and after the field too when two refs share a parent."""
    parents = Counter(v.target.names.class_name for v in refs if v.target)
    routes = []
    for view in refs:
        assert view.target is not None
        parent = view.target.names
        segment = names.plural_kebab
        if parents[parent.class_name] > 1:
            segment += "-by-" + view.name.replace("_", "-")
        path = f"/{parent.plural_kebab}/{{{parent.snake}_id}}/{segment}"
        routes.append(NestedRoute(view, path, f"by_{view.name}"))
    return routes


@dataclass(frozen=True)
class UniqueGroup:
    """A ``unique_together`` group: fields whose values occur together once,
    within one owner's rows for owned resources (like single unique fields)."""

    fields: tuple[FieldView, ...]
    #: The field the generated tests vary to make a second, allowed row.
    varied: FieldView
    owned: bool

    @property
    def columns(self) -> list[str]:
        return [view.column for view in self.fields]

    @property
    def constraint_columns(self) -> list[str]:
        """The unique constraint's columns: ``owner_id`` first when owned."""
        return ["owner_id", *self.columns] if self.owned else self.columns

    @property
    def constraint_name(self) -> str:
        """``uq_<table>_<columns>``, as the naming convention names it."""
        table = self.fields[0].resource.plural_snake
        return "_".join(["uq", table, *self.constraint_columns])

    @property
    def nullable_columns(self) -> list[str]:
        """Columns of optional fields: a NULL in one lets the group repeat."""
        return [view.column for view in self.fields if view.nullable]

    @property
    def all_set(self) -> str:
        """Python source: the ``merged`` values of its nullable columns are set
        (empty when none is nullable)."""
        values = [f"merged[{py_literal(column)}]" for column in self.nullable_columns]
        if len(values) == 1:
            return f"{values[0]} is not None"
        return f"None not in ({', '.join(values)})" if values else ""

    @property
    def label(self) -> str:
        """``recipe_id and ingredient_id``: the columns in an error message."""
        return listed(self.columns)

    @property
    def slug(self) -> str:
        """``recipe_id_and_ingredient_id``: the columns in a test name."""
        return "_and_".join(self.columns)

    @property
    def self_refs(self) -> list[FieldView]:
        """Refs to the resource itself: a test points them at a row it made."""
        return [view for view in self.fields if view.is_self_ref]

    @property
    def kept(self) -> list[FieldView]:
        """The fields a test keeps while varying :attr:`varied`."""
        return [view for view in self.fields if view is not self.varied]


def listed(words: Sequence[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c`` (or another conjunction: ``a or b``)."""
    return f" {conjunction} ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def unique_groups(spec: ResourceSpec, views: list[FieldView]) -> list[UniqueGroup]:
    """The ``unique_together`` groups of ``spec`` over its field ``views``."""
    by_name = {view.name: view for view in views}
    return [
        UniqueGroup(
            tuple(by_name[name] for name in group),
            by_name[spec.varied_field(group).name],
            spec.owned,
        )
        for group in spec.unique_together
    ]
