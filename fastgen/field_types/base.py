"""The foundation of the field-type registry: ``FieldKind``, which every type
refines, and the helpers the types share (see :mod:`fastgen.field_types`).

Methods take the ``FieldSpec`` (``spec``) or, where the resource matters (an
enum's class is named after it), the template view of the field (``view``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastgen.pysource import py_literal, python_string

if TYPE_CHECKING:
    from fastgen.resource_context import FieldView
    from fastgen.spec import FieldSpec


class FieldType(StrEnum):
    """The field types a resource can declare."""

    STR = "str"
    TEXT = "text"
    INT = "int"
    BIGINT = "bigint"
    FLOAT = "float"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    UUID = "uuid"
    EMAIL = "email"
    URL = "url"
    SLUG = "slug"
    JSON = "json"
    ENUM = "enum"
    REF = "ref"


#: Length used for ``str`` fields declared without ``{n}``.
DEFAULT_MAX_LENGTH = 255
MAX_STR_LENGTH = 65_535  # longer strings are text
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1  # the API validates int as 32-bit
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DEFAULT_SLUG_LENGTH = 100
JSON_INT_MAX = 2**53 - 1
EMAIL_LENGTH = 320
URL_LENGTH = 2048

#: An import a generated module needs: ``(module,)`` for ``import module``,
#: ``(module, name, ...)`` for a ``from`` import. A module starting with
#: ``core.`` is one of the project's core modules (``app.core.types``).
Import = tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """A CHECK constraint of a column, named ``<resource>_<field><suffix>`` before
    the naming convention. ``from_type`` marks one its type creates itself (an
    enum's choices), reviewed with the type when it changes."""

    suffix: str
    sql: str
    from_type: bool = False


_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_TEXT = re.compile(r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_CHOICE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: Strings no database column can store: a NUL, an unpaired surrogate.
_UNSTORABLE_TEXT = [r'"nul \x00 inside"', r'"lone \ud800 surrogate"']
#: Classes the generated schemas define as <Resource><suffix>.
SCHEMA_CLASS_SUFFIXES = frozenset(
    {"Base", "Create", "Update", "Public", "Filters", "Sort"}
)


class FieldKind:
    """What one field type means; subclasses override what differs."""

    type: FieldType
    #: The annotation of the model attribute and of response fields.
    model_type = "str"
    #: The request-body type from the project's ``core.types`` (``None``: the model
    #: type). They refuse what a database cannot store or a response cannot encode
    #: (NUL, lone surrogates, NaN), and what lax coercion would take although the
    #: OpenAPI document does not ("5" for 5).
    schema_type: str | None = None
    #: The SQLAlchemy type the migration declares, when it takes no arguments.
    column = ""
    #: The PostgreSQL type, for ``USING column::type`` casts.
    pg_type = ""
    #: Types in the same family convert into each other without ``USING``.
    family = ""
    #: The model's ``sa_type=`` when SQLModel's own choice is not the column.
    sa_type = ""
    indexable = True
    uniqueable = True
    #: The list endpoint has an equality filter ``?<column>=`` on the field.
    filterable = False
    #: ... and range filters ``?<column>_min=`` and ``?<column>_max=`` (inclusive).
    rangeable = False
    #: ``?q=`` searches the field (case-insensitive substring).
    searchable = False
    sortable = False
    #: Whether a unique factory value needs the call counter ``n``.
    sequenced = True
    #: ``{...}`` arguments the type takes (the spec keys they fill).
    argument_keys: tuple[str, ...] = ()
    #: The shorthand names a target after the type (``author:ref:Author``).
    shorthand_target = False
    #: The model module defines a Python enum class for the field.
    defines_enum = False
    #: The database stores another value than the one written (a decimal rounded to
    #: its scale), so a write reads its row back for the response.
    rounded_by_database = False
    #: A plain short string column: changing between such types keeps the values.
    short_text = False
    #: A public resource's ``public_if`` may name the field (true: others see it).
    gates_visibility = False
    #: Flags the type sets unless the spec says otherwise (``unique: false``).
    implied_flags: Mapping[str, bool] = MappingProxyType({})

    # --- the spec ----------------------------------------------------------------

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        """Spec values from the shorthand's ``{...}`` arguments."""
        raise ValueError(
            f"type {self.type.value!r} takes no {{...}} arguments; remove them"
        )

    def parse_default(self, text: str) -> object:
        """The shorthand's ``=default`` text as a value (checked afterwards)."""
        return text

    def check_default(self, value: object, data: Mapping[str, Any]) -> Any:
        """The default normalised, or ``ValueError`` naming the problem."""
        raise NotImplementedError

    def fill_implied(self, data: dict[str, Any]) -> None:
        """Fill in spec values the type implies when they are not given."""

    def check(self, spec: FieldSpec) -> None:
        """Reject arguments the type needs but lacks; ``ValueError`` if so."""

    def column_name(self, name: str) -> str:
        """The database column of a field called ``name``."""
        return name

    def describe(self, spec: FieldSpec) -> str:
        """The type as a user writes it: ``str{200}``, ``ref:Author``."""
        return self.type.value

    def default_description(self, words: str, title: str) -> str:
        """The OpenAPI description of a field named ``words`` of a ``title``."""
        return f"{words[0].upper()}{words[1:]} of the {title}."

    # --- the column --------------------------------------------------------------

    def max_length(self, spec: FieldSpec) -> int | None:
        """The length of a string column."""
        return None

    def column_type(self, spec: FieldSpec) -> str:
        return self.column

    def pg_column_type(self, spec: FieldSpec) -> str:
        return self.pg_type

    def model_type_args(self, view: FieldView) -> list[str]:
        """``Field(...)`` arguments choosing the column type."""
        return [f"sa_type={self.sa_type}"] if self.sa_type else []

    def checks(self, view: FieldView) -> list[Check]:
        """The CHECK constraints the column carries."""
        return []

    def value_problem(self, spec: FieldSpec, value: Any) -> str | None:
        """What a (typed) default or example breaks of the field's constraints."""
        return None

    def constraint_args(self, spec: FieldSpec) -> list[str]:
        """``Field(...)`` arguments validating the field's value constraints."""
        return []

    def edge_literals(self, spec: FieldSpec) -> list[str]:
        """Values at the bounds of the field's constraints, which it accepts."""
        return []

    def beyond_literals(self, spec: FieldSpec) -> list[str]:
        """Values just beyond the bounds of the field's constraints."""
        return []

    def valid_sample(self, spec: FieldSpec, variant: int) -> object:
        """:meth:`sample`, moved inside the field's value constraints."""
        return self.sample(spec, variant)

    def valid_example(self, spec: FieldSpec) -> object:
        """:meth:`example`, or the spec's own, inside the value constraints."""
        return self.example(spec)

    def valid_factory_expr(self, spec: FieldSpec) -> str:
        """:meth:`factory_expr`, inside the field's value constraints."""
        return self.factory_expr(spec)

    def narrowing(self, old: FieldSpec, new: FieldSpec) -> list[str]:
        """What a migration from ``old`` to ``new`` (this type) may lose."""
        return []

    def loosens(self, old: FieldSpec, new: FieldSpec) -> bool:
        """Whether ``new``'s value constraints accept every value ``old``'s do
        (so a changed CHECK cannot fail on existing rows)."""
        return False

    def sql_literal(self, value: object) -> str | None:
        """The SQL literal of a default, when the value's type does not say it."""
        return None

    # --- Python annotations and Field(...) arguments -----------------------------

    def python_type(self, view: FieldView) -> str:
        return self.model_type

    def schema_annotation(self, view: FieldView) -> str:
        return self.schema_type or self.python_type(view)

    def filter_annotation(self, view: FieldView) -> str:
        return self.python_type(view)

    def literal(self, view: FieldView, value: object) -> str:
        """Python source for a default value."""
        return literal(value)

    def default_args(self, view: FieldView, value: object) -> list[str]:
        return [f"default={self.literal(view, value)}"]

    def size_args(self, spec: FieldSpec) -> list[str]:
        """Length and digits, shared by the column and the validation."""
        length = self.max_length(spec)
        return [] if length is None else [f"max_length={length}"]

    def validation_args(self, spec: FieldSpec) -> list[str]:
        """``Field(...)`` arguments validating a request value."""
        return self.size_args(spec)

    def filter_args(self, spec: FieldSpec) -> list[str]:
        """``Field(...)`` arguments validating a filter value (the length)."""
        return self.size_args(spec)

    # --- imports -------------------------------------------------------------------

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        """What the model module needs for the field: its type, column and default."""
        return []

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        """What the request schemas need for the field."""
        return [("core.types", self.schema_type)] if self.schema_type else []

    def factory_imports(self, spec: FieldSpec) -> list[Import]:
        """What the test factory needs for a fresh unique value."""
        return []

    def test_imports(self) -> list[Import]:
        """What the generated tests need to compare the field."""
        return []

    def filter_imports(self) -> list[Import]:
        """What the filters schema needs beyond :meth:`schema_imports`."""
        return []

    # --- values for the generated tests and the OpenAPI document ----------------

    def sample(self, spec: FieldSpec, variant: int) -> object:
        """A JSON value that satisfies every constraint of the field."""
        raise NotImplementedError

    def example(self, spec: FieldSpec) -> object:
        """A realistic value for the OpenAPI document."""
        raise NotImplementedError

    def factory_expr(self, spec: FieldSpec) -> str:
        """Python source for a fresh unique value, using the call counter ``n``."""
        raise ValueError(f"{self.type.value} fields cannot be unique")

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        """Values each breaking one validation rule of the field (sent as JSON,
        so ``float("nan")`` is ``NaN``); none may reach the database."""
        return []

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        """Query values the list endpoint's filter on the field must refuse."""
        return []

    def search_value(self, spec: FieldSpec, text: str) -> str | None:
        """A valid value of a searchable field containing ``text`` (ASCII letters,
        digits and ``%_/``), or ``None`` when the field cannot hold it."""
        raise NotImplementedError

    def sort_key(self, value: object) -> Any:
        return value

    def compare(self, left: str, right: str) -> str:
        """An assert line comparing two JSON values of the field."""
        return f"assert {left} == {right}"

    def compare_default(self, actual: str, value: object) -> str:
        """An assert line checking that the JSON value ``actual`` is ``value``."""
        if value is None or isinstance(value, bool):
            return f"assert {actual} is {py_literal(value)}"
        return self.compare_value(actual, value)

    def compare_value(self, actual: str, value: object) -> str:
        """:meth:`compare_default` for a value that is not null or a bool."""
        if isinstance(value, date):
            return f"assert {actual} == {py_literal(value.isoformat())}"
        if isinstance(value, UUID):
            return f"assert {actual} == {py_literal(str(value))}"
        return f"assert {actual} == {literal(value)}"


# --- helpers shared by the types ----------------------------------------------------


def length_arguments(arguments: list[str], kind: str, example: str) -> dict[str, int]:
    """``{min,max}`` lengths, either of which may be empty."""
    if (
        len(arguments) != 2
        or arguments == ["", ""]
        or not all(arg.isdecimal() for arg in arguments if arg)
    ):
        raise ValueError(
            f"expected lengths as {kind}{{min,max}} (either may be empty), got "
            f"{{{','.join(arguments)}}} (e.g. {example})"
        )
    keys = ("min_length", "max_length")
    return {key: int(arg) for key, arg in zip(keys, arguments, strict=True) if arg}


def whole_numbers(arguments: list[str], shape: str, example: str) -> list[int]:
    """Whole numbers filling ``shape`` (e.g. ``{precision,scale}``), or an error."""
    if len(arguments) != shape.count(",") + 1 or not all(
        arg.isdecimal() for arg in arguments
    ):
        raise ValueError(
            f"expected whole numbers as {shape}, got {{{','.join(arguments)}}} "
            f"(e.g. {example})"
        )
    return [int(arg) for arg in arguments]


#: Strings tried, in order, for one a pattern does not match (a generated test
#: sends it and expects a 422).
_MISMATCHES = ("", " ", "!", "0", "a", "A", "~" * 3, "-0-")


def check_pattern(pattern: str) -> None:
    """Refuse a regex that Python or pydantic's engine cannot compile."""
    from typing import Annotated

    from pydantic import Field, TypeAdapter

    try:
        re.compile(pattern)
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except Exception as err:  # re.error, or pydantic's SchemaError
        reason = str(err).strip().splitlines()[-1].removeprefix("error: ")
        raise ValueError(
            f"pattern {pattern!r} is not a regex pydantic accepts ({reason}); "
            "look-around and back-references are not supported"
        ) from None


def _within(old_low: Any, new_low: Any, old_high: Any, new_high: Any) -> bool:
    """Whether ``[new_low, new_high]`` covers ``[old_low, old_high]`` (``None``
    is unbounded)."""
    low_ok = new_low is None or (old_low is not None and old_low >= new_low)
    high_ok = new_high is None or (old_high is not None and old_high <= new_high)
    return low_ok and high_ok


def _padded(value: object, min_length: int | None) -> object:
    if isinstance(value, str) and min_length is not None:
        return value.ljust(min_length, "x")
    return value


def pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def quote_sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def literal(value: object) -> str:
    """Python source for a value (of a default or a sample)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, Decimal):
        return f"Decimal({py_literal(str(value))})"
    if isinstance(value, datetime):
        return f"datetime.fromisoformat({py_literal(value.isoformat())})"
    if isinstance(value, date):
        return f"date.fromisoformat({py_literal(value.isoformat())})"
    if isinstance(value, time):
        return f"time.fromisoformat({py_literal(value.isoformat())})"
    if isinstance(value, UUID):
        return f"uuid.UUID({py_literal(str(value))})"
    return python_string(value) if isinstance(value, str) else py_literal(value)


# SQLite's keywords and PostgreSQL's reserved words: a column named like one must
# be quoted in hand-written SQL (a CHECK constraint).
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
