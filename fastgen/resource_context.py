"""From a resource spec to the values its templates print.

Everything that needs a decision (Python types, column types, constraints, sample
values for the generated tests) is computed here, so the templates stay plain text
with a few loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from fastgen.naming import Names
from fastgen.pysource import python_string
from fastgen.spec import FieldSpec, FieldType, ResourceSpec

EMAIL_LENGTH = 320
URL_LENGTH = 2048
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

_MODEL_TYPES = {
    FieldType.STR: "str",
    FieldType.TEXT: "str",
    FieldType.INT: "int",
    FieldType.FLOAT: "float",
    FieldType.DECIMAL: "Decimal",
    FieldType.BOOL: "bool",
    FieldType.DATE: "date",
    FieldType.DATETIME: "datetime",
    FieldType.UUID: "uuid.UUID",
    FieldType.EMAIL: "str",
    FieldType.URL: "str",
    FieldType.JSON: "JsonValue",
    FieldType.REF: "uuid.UUID",
}
#: Request-body types from the project's core.types: they refuse what a database
#: cannot store or a response cannot encode (NUL, lone surrogates, NaN), and what
#: lax coercion would take although the OpenAPI document does not ("5" for 5).
CORE_SCHEMA_TYPES = {
    FieldType.STR: "SafeStr",
    FieldType.TEXT: "SafeStr",
    FieldType.INT: "Int32",
    FieldType.FLOAT: "JsonFloat",
    FieldType.DATE: "ISODate",
    FieldType.DATETIME: "UTCAwareDatetime",
    FieldType.EMAIL: "EmailAddress",
    FieldType.URL: "HttpUrlStr",
    FieldType.JSON: "SafeJson",
}
_SCHEMA_TYPES = _MODEL_TYPES | CORE_SCHEMA_TYPES
_FILTER_TYPES = _MODEL_TYPES | {FieldType.DATE: "ISODate"}

_COLUMN_TYPES = {
    FieldType.TEXT: "sa.Text()",
    FieldType.INT: "sa.Integer()",
    FieldType.FLOAT: "sa.Float()",
    FieldType.BOOL: "sa.Boolean()",
    FieldType.DATE: "sa.Date()",
    FieldType.DATETIME: "sa.DateTime(timezone=True)",
    FieldType.UUID: "sa.Uuid()",
    FieldType.JSON: "sa.JSON()",
    FieldType.REF: "sa.Uuid()",
}


@dataclass(frozen=True)
class Target:
    """The resource a ``ref`` field points at."""

    names: Names
    owned: bool


@dataclass(frozen=True)
class FieldView:
    """One field as the templates print it."""

    spec: FieldSpec
    resource: Names
    target: Target | None
    owned_resource: bool

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
    def is_ref(self) -> bool:
        return self.spec.type is FieldType.REF

    @property
    def is_self_ref(self) -> bool:
        return self.spec.ref == self.resource.class_name

    @property
    def enum_class(self) -> str:
        return f"{self.resource.class_name}{_pascal(self.spec.name)}"

    @property
    def enum_members(self) -> list[tuple[str, str]]:
        return [(choice.upper(), choice) for choice in self.spec.choices or []]

    @property
    def check_name(self) -> str:
        """Name of an enum's CHECK constraint (before the naming convention)."""
        return f"{self.resource.snake}_{self.spec.name}"

    @property
    def max_length(self) -> int | None:
        if self.spec.type is FieldType.ENUM:
            return max(len(choice) for choice in self.spec.choices or [""])
        return {
            FieldType.STR: self.spec.max_length,
            FieldType.EMAIL: EMAIL_LENGTH,
            FieldType.URL: URL_LENGTH,
        }.get(self.spec.type)

    @property
    def description(self) -> str:
        if self.spec.description:
            return self.spec.description
        title = self.resource.title.lower()
        if self.target is not None:
            return (
                f"Id of the {self.target.names.title.lower()} this {title} refers to."
            )
        words = self.spec.name.replace("_", " ")
        if self.spec.type is FieldType.BOOL:
            verb, _, rest = words.partition(" ")
            if verb in {"is", "has", "can"} and rest:
                return f"Whether the {title} {verb} {rest}."
            return f"Whether the {title} is {words}."
        return f"{words[0].upper()}{words[1:]} of the {title}."

    # Python annotations ---------------------------------------------------

    def _type_name(self, names: dict[FieldType, str]) -> str:
        if self.spec.type is FieldType.ENUM:
            return self.enum_class
        return names[self.spec.type]

    def _optional(self, annotation: str) -> str:
        return f"{annotation} | None" if self.spec.optional else annotation

    @property
    def model_annotation(self) -> str:
        return self._optional(self._type_name(_MODEL_TYPES))

    @property
    def schema_annotation(self) -> str:
        if self.spec.type is FieldType.DECIMAL:
            digits = f"{self.spec.precision}, {self.spec.scale}"
            return self._optional(f"Annotated[Decimal, DecimalText({digits})]")
        return self._optional(self._type_name(_SCHEMA_TYPES))

    @property
    def filter_annotation(self) -> str:
        return self._type_name(_FILTER_TYPES)

    @property
    def update_annotation(self) -> str:
        annotation = self.schema_annotation
        return annotation if self.spec.optional else f"{annotation} | None"

    # Field(...) arguments ---------------------------------------------------

    @property
    def default_args(self) -> list[str]:
        """``default=`` / ``default_factory=`` as both model and schema need it."""
        if self.spec.has_default:
            value = self.spec.default
            if isinstance(value, dict | list):  # typed: a list is not a JsonValue
                return [f"default_factory=lambda: cast(JsonValue, {value!r})"]
            return [f"default={self.python_literal(value)}"]
        return ["default=None"] if self.spec.optional else []

    def python_literal(self, value: object) -> str:
        """Python source for a default value of this field."""
        if self.spec.type is FieldType.ENUM:
            return f"{self.enum_class}.{str(value).upper()}"
        return _literal(value)

    def _size_args(self) -> list[str]:
        """Length and digits, shared by the column and the validation."""
        kind = self.spec.type
        if kind in (FieldType.STR, FieldType.EMAIL, FieldType.URL):
            return [f"max_length={self.max_length}"]
        if kind is FieldType.DECIMAL:
            return [
                f"max_digits={self.spec.precision}",
                f"decimal_places={self.spec.scale}",
            ]
        return []

    @property
    def model_args(self) -> str:
        args = [*self.default_args, *self._size_args()]
        kind = self.spec.type
        if kind is FieldType.TEXT:
            args.append("sa_type=sa.Text")
        elif kind is FieldType.JSON:
            args.append("sa_type=sa.JSON")
        elif kind is FieldType.DATETIME:
            args.append("sa_type=UTCDateTime")
        elif kind is FieldType.ENUM:
            args.append(
                f"sa_type=sa.Enum({self.enum_class}, name={self.check_name!r}, "
                f"native_enum=False, create_constraint=True, "
                f"length={self.max_length}, values_callable=enum_values)"
            )
        elif kind is FieldType.REF and self.target is not None:
            args += [
                f'foreign_key="{self.target.names.plural_snake}.id"',
                'ondelete="RESTRICT"',
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
        args = ["default=None"]
        if self.spec.type is FieldType.INT:
            args += [f"ge={INT32_MIN}", f"le={INT32_MAX}"]
        plural = self.resource.plural_title.lower()
        text = f"Only {plural} whose {self.column} equals this value."
        args.append(f"description={python_string(text)}")
        return ", ".join(args)

    def _validation_args(self) -> list[str]:
        kind = self.spec.type
        # The annotation's type checks a decimal's digits and an int's range.
        args = [] if kind is FieldType.DECIMAL else self._size_args()
        if kind is FieldType.BOOL:
            args.append("strict=True")  # lax mode takes "yes", 1 and "on"
        args.append(f"description={python_string(self.description)}")
        args.append(f"examples=[{self.example_literal}]")
        return args

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
        return self.spec.index or self.spec.type is FieldType.REF

    @property
    def column_type(self) -> str:
        """The SQLAlchemy type the migration declares."""
        kind = self.spec.type
        if kind in (FieldType.STR, FieldType.EMAIL, FieldType.URL, FieldType.ENUM):
            return f"sa.String(length={self.max_length})"
        if kind is FieldType.DECIMAL:
            return (
                f"sa.Numeric(precision={self.spec.precision}, scale={self.spec.scale})"
            )
        return _COLUMN_TYPES[kind]

    @property
    def check_sql(self) -> str:
        values = ", ".join(f"'{choice}'" for choice in self.spec.choices or [])
        return f"{sql_identifier(self.column)} IN ({values})"

    # Sample values for the generated tests -----------------------------------

    def sample(self, variant: int = 0) -> object:
        """A JSON value that satisfies every constraint of the field."""
        kind = self.spec.type
        if kind is FieldType.STR:
            return f"{self.spec.name}-{variant}"[-(self.spec.max_length or 1) :]
        if kind is FieldType.TEXT:
            return f"Some {self.spec.name.replace('_', ' ')} text ({variant})."
        if kind is FieldType.INT:
            return 10 + variant
        if kind is FieldType.FLOAT:
            return 1.5 + variant
        if kind is FieldType.DECIMAL:
            return _decimal_sample(
                self.spec.precision or 1, self.spec.scale or 0, variant
            )
        if kind is FieldType.BOOL:
            return variant % 2 == 0
        if kind is FieldType.DATE:
            return date(2024, 1, 1 + variant % 28).isoformat()
        if kind is FieldType.DATETIME:
            return f"2024-01-0{1 + variant % 9}T10:00:00Z"
        if kind is FieldType.UUID:
            return str(UUID(int=variant + 1))
        if kind is FieldType.EMAIL:
            return f"user{variant}@example.com"
        if kind is FieldType.URL:
            return f"https://example.com/{self.spec.name}/{variant}"
        if kind is FieldType.JSON:
            return {"key": f"value-{variant}"}
        if kind is FieldType.ENUM:
            choices = self.spec.choices or []
            return choices[variant % len(choices)]
        raise ValueError(f"no sample for {kind}")  # refs come from their factory

    @property
    def example_literal(self) -> str:
        """A realistic value for the OpenAPI document (tests use :meth:`sample`)."""
        return _literal(_example(self))

    @property
    def sample_literal(self) -> str:
        return _literal(self.sample())

    @property
    def other_sample_literal(self) -> str:
        return _literal(self.sample(1))

    @property
    def distinct_samples(self) -> bool:
        return self.spec.type is FieldType.REF or self.sample() != self.sample(1)

    @property
    def needs_sequence(self) -> bool:
        """Whether the factory's fresh value uses the call counter ``n``."""
        fresh_without_counter = (FieldType.UUID, FieldType.REF)
        return self.spec.unique and self.spec.type not in fresh_without_counter

    @property
    def factory_expr(self) -> str:
        return _factory_expr(self)

    @property
    def invalid_literals(self) -> list[str]:
        return _invalid_literals(self)

    @property
    def invalid_filter_literals(self) -> list[str]:
        """Query values the list endpoint's filter on this field must refuse."""
        if self.spec.type is FieldType.INT:
            return [str(INT32_MAX + 1), str(INT32_MIN - 1)]
        if self.spec.type is FieldType.DATE:
            return ['"0"', '"20240101"']
        return []

    def compare(self, actual: str, expected: str) -> str:
        """An assert line comparing this field of two JSON objects."""
        return _compare(self, actual, expected)

    def compare_default(self, actual: str) -> str:
        """An assert line checking this field holds its default."""
        return _compare_default(self, actual)


def _example(view: FieldView) -> object:
    spec = view.spec
    kind = spec.type
    words = spec.name.replace("_", " ")
    if kind is FieldType.STR:
        return f"An example {words}"[: spec.max_length or 1]
    if kind is FieldType.TEXT:
        return f"A longer {words}, written as the user would."
    if kind is FieldType.INT:
        return 42
    if kind is FieldType.FLOAT:
        return 4.5
    if kind is FieldType.DECIMAL:
        whole, scale = (spec.precision or 1) - (spec.scale or 0), spec.scale or 0
        number = "19"[-whole:] if whole else "0"
        return f"{number}.{'99'[:scale]:0<{scale}}" if scale else number
    if kind is FieldType.BOOL:
        return True
    if kind is FieldType.DATE:
        return "2024-05-17"
    if kind is FieldType.DATETIME:
        return "2024-05-17T09:30:00Z"
    if kind in (FieldType.UUID, FieldType.REF):
        return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    if kind is FieldType.EMAIL:
        return "ada@example.com"
    if kind is FieldType.URL:
        return f"https://example.com/{spec.name.replace('_', '-')}"
    if kind is FieldType.JSON:
        return {"tags": ["news"], "priority": 2}
    return (spec.choices or [""])[0]  # enum


# SQLite's keywords and PostgreSQL's reserved words: a column named like one must
# be quoted in hand-written SQL (the CHECK constraint of an enum).
_SQL_KEYWORDS = frozenset("""
    abort action add after all alter always analyse analyze and array as asc
    asymmetric attach authorization autoincrement before begin between binary both
    by cascade case cast check collate column commit concurrently conflict
    constraint create cross current current_catalog current_date current_role
    current_schema current_time current_timestamp current_user database default
    deferrable deferred delete desc detach distinct do drop each else end escape
    except exclude exclusive exists explain fail false fetch filter first following
    for foreign freeze from full generated glob grant group groups having if ilike
    ignore immediate in index indexed initially inner insert instead intersect into
    is isnull join key last lateral leading left like limit localtime
    localtimestamp match materialized natural no not nothing notnull null nulls of
    offset on only or order others outer over overlaps partition placing plan
    pragma preceding primary query raise range recursive references regexp reindex
    release rename replace restrict returning right rollback row rows savepoint
    select session_user set similar some symmetric system_user table tablesample
    temp temporary then ties to trailing transaction trigger true unbounded union
    unique update user using vacuum values variadic verbose view virtual when where
    window with without
    """.split())


def sql_identifier(name: str) -> str:
    """``name`` as SQL: double-quoted when it is a keyword (``"order"``)."""
    return f'"{name}"' if name.lower() in _SQL_KEYWORDS else name


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _literal(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, Decimal):
        return f"Decimal({str(value)!r})"
    if isinstance(value, datetime):
        return f"datetime.fromisoformat({value.isoformat()!r})"
    if isinstance(value, date):
        return f"date.fromisoformat({value.isoformat()!r})"
    if isinstance(value, UUID):
        return f"uuid.UUID({str(value)!r})"
    return python_string(value) if isinstance(value, str) else repr(value)


def _decimal_sample(precision: int, scale: int, variant: int) -> str:
    whole_digits = precision - scale
    whole = str(1 + variant % 9) if whole_digits else "0"
    if scale == 0:
        return whole
    fraction = ("25" if variant % 2 == 0 else "75")[:scale]
    return f"{whole}.{fraction}"


def field_views(spec: ResourceSpec, targets: dict[str, Target]) -> list[FieldView]:
    """The views of ``spec``'s fields; ``targets`` maps ref names to resources."""
    return [
        FieldView(
            field,
            spec.names,
            targets[field.ref] if field.ref else None,
            spec.owned,
        )
        for field in spec.fields
    ]


# --- test-module helpers ------------------------------------------------------


def _factory_expr(view: FieldView) -> str:
    """Python source for a factory value: fresh (using ``n``) for unique fields."""
    spec = view.spec
    if not spec.unique:
        return view.sample_literal
    kind = spec.type
    if kind is FieldType.STR:
        return f'f"{spec.name}-{{n}}"[-{spec.max_length}:]'
    if kind is FieldType.EMAIL:
        return 'f"user{n}@example.com"'
    if kind is FieldType.URL:
        return f'f"https://example.com/{spec.name}/{{n}}"'
    if kind is FieldType.INT:
        return "n"
    if kind is FieldType.FLOAT:
        return "n + 0.5"
    if kind is FieldType.DECIMAL:
        whole = (spec.precision or 1) - (spec.scale or 0)
        if whole:
            return f"str(n % {10**whole})"
        return f'f"0.{{n % {10 ** (spec.scale or 0)}:0{spec.scale}d}}"'
    if kind is FieldType.DATE:
        return "(date(2024, 1, 1) + timedelta(days=n)).isoformat()"
    if kind is FieldType.DATETIME:
        return "(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat()"
    if kind is FieldType.UUID:
        return "str(uuid.uuid4())"
    raise ValueError(f"{kind} fields cannot be unique")


_UNSTORABLE_TEXT = [r'"nul \x00 inside"', r'"lone \ud800 surrogate"']


def _invalid_literals(view: FieldView) -> list[str]:
    """Values each breaking one validation rule of the field (sent as JSON, so
    ``float("nan")`` is ``NaN``); none may reach the database."""
    spec = view.spec
    kind = spec.type
    if kind is FieldType.STR:
        return [f'"x" * {(spec.max_length or 0) + 1}', *_UNSTORABLE_TEXT]
    if kind is FieldType.TEXT:
        return _UNSTORABLE_TEXT
    if kind is FieldType.EMAIL:
        return ['"not-an-email"', r'"a\x00b@example.com"']
    if kind is FieldType.URL:
        return [
            '"not a url"',
            '"ftp://example.com/file"',
            r'"https://example.com/\x00"',
            r'"https://example.com/\ud800"',
        ]
    if kind is FieldType.INT:
        return ['"abc"', str(INT32_MAX + 1), '"5"', "5.5", "True"]
    if kind is FieldType.FLOAT:
        return ['"abc"', '"1.5"', "True", 'float("nan")', 'float("inf")']
    if kind is FieldType.DECIMAL:
        scale, whole = spec.scale or 0, (spec.precision or 1) - (spec.scale or 0)
        return [
            repr("1." + "1" * (scale + 1)),
            repr("9" * (whole + 1)),
            '"NaN"',
            '"1e2"',
            "1",  # a JSON number: decimals are sent as strings
        ]
    if kind is FieldType.BOOL:
        return ['"maybe"', '"yes"', "1"]
    if kind is FieldType.DATE:
        return ['"2024-13-45"', "0", '"20240101"']
    if kind is FieldType.DATETIME:
        return [
            '"2024-01-01T10:00:00"',  # naive: a timezone is required
            "0",
            '"9999-12-31T23:59:59-05:00"',  # past the year 9999 in UTC
            '"0001-01-01T00:00:00+01:00"',  # before the year 1 in UTC
        ]
    if kind in (FieldType.UUID, FieldType.REF):
        return ['"not-a-uuid"']
    if kind is FieldType.ENUM:
        return ['"not-a-choice"']
    return [  # JSON: any value PostgreSQL and SQLite store and read back alike
        'float("nan")',
        'float("inf")',
        r'{"key": "nul \x00"}',
        r'{"lone \ud800": 1}',
    ]


def _compare(view: FieldView, actual: str, expected: str) -> str:
    key = repr(view.column)
    left, right = f"{actual}[{key}]", f"{expected}[{key}]"
    if view.is_self_ref:  # factories leave self references unset
        right = f"{expected}.get({key})"
    if view.spec.type is FieldType.DECIMAL:
        return f"assert Decimal(str({left})) == Decimal(str({right}))"
    if view.spec.type is FieldType.DATETIME:
        return (
            f"assert datetime.fromisoformat({left}) == datetime.fromisoformat({right})"
        )
    return f"assert {left} == {right}"


def _compare_default(view: FieldView, actual: str) -> str:
    key = repr(view.column)
    value = view.spec.default
    if value is None or isinstance(value, bool):
        return f"assert {actual}[{key}] is {value!r}"
    if view.spec.type is FieldType.DECIMAL:
        return f"assert Decimal({actual}[{key}]) == Decimal({str(value)!r})"
    if view.spec.type is FieldType.DATETIME:
        return (
            f"assert datetime.fromisoformat({actual}[{key}]) == "
            f"datetime.fromisoformat({value.isoformat()!r})"
        )
    if isinstance(value, date):
        return f"assert {actual}[{key}] == {value.isoformat()!r}"
    if isinstance(value, UUID):
        return f"assert {actual}[{key}] == {str(value)!r}"
    return f"assert {actual}[{key}] == {_literal(value)}"
