"""The field-type registry: everything fastgen knows about each field type.

Each type is one small class, registered in ``FIELD_KINDS``: its ``{...}``
argument grammar, how its defaults are parsed and checked, its database column,
its Python types in the model, the request schemas and the filters, whether it
can be indexed, filtered and sorted, and the values the generated tests use.
The rest of fastgen asks the field's kind (``field.kind``) and never branches on
the type itself, so adding a type or an argument is a change here plus the
templates that print what it returns.

Methods take the ``FieldSpec`` (``spec``) or, where the resource matters (an
enum's class is named after it), the template view of the field (``view``).
"""

from __future__ import annotations

import json
import keyword
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

from fastgen.pysource import python_string

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
    #: A plain short string column: changing between such types keeps the values.
    short_text = False
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
            return f"assert {actual} is {value!r}"
        return self.compare_value(actual, value)

    def compare_value(self, actual: str, value: object) -> str:
        """:meth:`compare_default` for a value that is not null or a bool."""
        if isinstance(value, date):
            return f"assert {actual} == {value.isoformat()!r}"
        if isinstance(value, UUID):
            return f"assert {actual} == {str(value)!r}"
        return f"assert {actual} == {literal(value)}"


# --- strings ------------------------------------------------------------------------


class _Text(FieldKind):
    """Shared by the string types: defaults are strings within the length.

    ``str`` and ``text`` may also carry ``min_length`` and a ``pattern`` (a regex
    searched for, as pydantic and JSON Schema do: anchor it with ``^...$``); a
    pattern field needs an ``example`` matching it, for the docs and the tests.
    """

    model_type = "str"
    schema_type: str | None = "SafeStr"
    family = "string"

    def check(self, spec: FieldSpec) -> None:
        if spec.min_length is not None and spec.max_length is not None:
            if spec.min_length > spec.max_length:
                raise ValueError(
                    f"min_length {spec.min_length} is larger than max_length "
                    f"{spec.max_length}; give the smaller length first"
                )
        if spec.pattern is not None:
            check_pattern(spec.pattern)
            if spec.example is None:
                raise ValueError(
                    "a field with a pattern needs an example value matching it "
                    "(used by the docs and the generated tests), e.g. example: ABC-1"
                )
            if spec.unique:
                raise ValueError(
                    "a unique field with a pattern is not supported (the generated "
                    "tests cannot invent matching values); drop one of them"
                )

    def loosens(self, old: FieldSpec, new: FieldSpec) -> bool:
        old_low, old_high = self._length_limits(old)
        new_low, new_high = self._length_limits(new)
        return _within(old_low, new_low, old_high, new_high)

    def value_problem(self, spec: FieldSpec, value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        if spec.min_length is not None and len(value) < spec.min_length:
            return f"{value!r} is shorter than min_length {spec.min_length}"
        if spec.max_length is not None and len(value) > spec.max_length:
            return f"{value!r} is longer than max_length {spec.max_length}"
        if spec.pattern is not None and not re.search(spec.pattern, value):
            return f"{value!r} does not match the pattern {spec.pattern!r}"
        return None

    def schema_annotation(self, view: FieldView) -> str:
        if view.spec.pattern is None:
            return super().schema_annotation(view)
        pattern = python_string(view.spec.pattern)
        return f"Annotated[str, Field(pattern={pattern}), StorableText]"

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        if spec.pattern is None:
            return super().schema_imports(spec)
        return [("typing", "Annotated"), ("core.types", "StorableText")]

    def constraint_args(self, spec: FieldSpec) -> list[str]:
        args = [] if spec.min_length is None else [f"min_length={spec.min_length}"]
        if spec.max_length is not None and self.max_length(spec) is None:
            args.append(f"max_length={spec.max_length}")  # no VARCHAR length says it
        return args

    def _length_limits(self, spec: FieldSpec) -> tuple[int | None, int | None]:
        """The lengths a CHECK enforces: a VARCHAR's own is left to the type,
        unless a minimum is checked too (SQLite does not enforce VARCHAR(n))."""
        if spec.min_length is None and self.max_length(spec) is not None:
            return None, None
        return spec.min_length, spec.max_length

    def checks(self, view: FieldView) -> list[Check]:
        low, high = self._length_limits(view.spec)
        column = f"length({sql_identifier(view.column)})"
        parts = [f"{column} >= {low}"] if low is not None else []
        parts += [f"{column} <= {high}"] if high is not None else []
        return [Check("_length", " AND ".join(parts))] if parts else []

    def edge_literals(self, spec: FieldSpec) -> list[str]:
        if spec.pattern is not None:
            return [literal(spec.example)]
        low, high = self._length_limits(spec)
        return [f'"x" * {n}' for n in (low, high) if n is not None]

    def beyond_literals(self, spec: FieldSpec) -> list[str]:
        low, high = self._length_limits(spec)
        beyond = [] if not low else [f'"x" * {low - 1}']
        if high is not None and self.max_length(spec) is None:
            beyond.append(f'"x" * {high + 1}')  # a VARCHAR(n) kind lists its own
        if spec.pattern is not None:
            pattern = spec.pattern
            beyond += [
                literal(text) for text in _MISMATCHES if not re.search(pattern, text)
            ][:1]
        return beyond

    def valid_sample(self, spec: FieldSpec, variant: int) -> object:
        if spec.example is not None:
            return spec.example
        return _padded(self.sample(spec, variant), spec.min_length)

    def valid_example(self, spec: FieldSpec) -> object:
        if spec.example is not None:
            return spec.example
        return _padded(self.example(spec), spec.min_length)

    def valid_factory_expr(self, spec: FieldSpec) -> str:
        expr = self.factory_expr(spec)
        if spec.min_length is None:
            return expr
        return f'{expr}.ljust({spec.min_length}, "x")'

    def check_default(self, value: object, data: Mapping[str, Any]) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string; quote it")
        max_length = data.get("max_length")
        if max_length is not None and len(value) > max_length:
            raise ValueError(
                f"{value!r} is longer than max_length {max_length}; shorten it or "
                f"raise the length (e.g. str{{{len(value)}}})"
            )
        return value

    def column_type(self, spec: FieldSpec) -> str:
        return f"sa.String(length={self.max_length(spec)})"

    def pg_column_type(self, spec: FieldSpec) -> str:
        return f"VARCHAR({self.max_length(spec)})"

    def filter_annotation(self, view: FieldView) -> str:
        return "SafeStr"  # the stored text as it is, within the column's length

    def filter_imports(self) -> list[Import]:
        return [("core.types", "SafeStr")]

    def search_value(self, spec: FieldSpec, text: str) -> str | None:
        value = text.ljust(spec.min_length or 0, "0")
        length = self.max_length(spec) or spec.max_length
        if (length is None or len(value) <= length) and not self.value_problem(
            spec, value
        ):
            return value
        # a pattern may refuse plain digits: its example has no LIKE specials
        return spec.example if text.isdigit() else None


class StrKind(_Text):
    type = FieldType.STR
    filterable = True
    searchable = True
    sortable = True
    short_text = True
    argument_keys: tuple[str, ...] = ("max_length", "min_length", "pattern")

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        if len(arguments) == 1:
            (length,) = whole_numbers(arguments, "{length}", "title:str{200}")
            return {"max_length": length}
        return length_arguments(arguments, "str", "title:str{3,200}")

    def check(self, spec: FieldSpec) -> None:
        if spec.max_length is not None and spec.max_length > MAX_STR_LENGTH:
            raise ValueError(
                f"max_length {spec.max_length} is over the longest str, "
                f"{MAX_STR_LENGTH}: use text for longer strings"
            )
        super().check(spec)

    def fill_implied(self, data: dict[str, Any]) -> None:
        if data.get("max_length") is None:
            data["max_length"] = DEFAULT_MAX_LENGTH

    def describe(self, spec: FieldSpec) -> str:
        return f"str{{{spec.max_length}}}"

    def max_length(self, spec: FieldSpec) -> int | None:
        return spec.max_length

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return f"{spec.name}-{variant}"[-(spec.max_length or 1) :]

    def example(self, spec: FieldSpec) -> object:
        return f"An example {spec.name.replace('_', ' ')}"[: spec.max_length or 1]

    def factory_expr(self, spec: FieldSpec) -> str:
        return f'f"{spec.name}-{{n}}"[-{spec.max_length}:]'

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return [f'"x" * {(spec.max_length or 0) + 1}', *_UNSTORABLE_TEXT]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return [f'"x" * {(spec.max_length or 0) + 1}', _UNSTORABLE_TEXT[0]]


class TextKind(_Text):
    type = FieldType.TEXT
    column = "sa.Text()"
    pg_type = "TEXT"
    sa_type = "sa.Text"
    indexable = False
    argument_keys = ("max_length", "min_length", "pattern")
    searchable = True

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        if len(arguments) == 1:
            raise ValueError(
                f"text takes {{min,max}} lengths: write text{{,{arguments[0]}}} "
                f"for at most {arguments[0]} characters, or str{{{arguments[0]}}} "
                "for an indexable string"
            )
        return length_arguments(arguments, "text", "body:text{,5000}")

    def describe(self, spec: FieldSpec) -> str:
        if spec.min_length is None and spec.max_length is None:
            return "text"
        return f"text{{{spec.min_length or ''},{spec.max_length or ''}}}"

    def column_type(self, spec: FieldSpec) -> str:
        return self.column

    def pg_column_type(self, spec: FieldSpec) -> str:
        return self.pg_type

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [("sqlalchemy as sa",)]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return f"Some {spec.name.replace('_', ' ')} text ({variant})."

    def example(self, spec: FieldSpec) -> object:
        return f"A longer {spec.name.replace('_', ' ')}, written as the user would."

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return _UNSTORABLE_TEXT


class EmailKind(_Text):
    type = FieldType.EMAIL
    schema_type = "EmailAddress"
    filterable = True
    searchable = True
    sortable = True

    def check_default(self, value: object, data: Mapping[str, Any]) -> str:
        if isinstance(value, str) and _EMAIL.fullmatch(value):
            return value
        raise ValueError(
            f"{value!r} is not a valid email address (e.g. me@example.com)"
        )

    def max_length(self, spec: FieldSpec) -> int | None:
        return EMAIL_LENGTH

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return f"user{variant}@example.com"

    def example(self, spec: FieldSpec) -> object:
        return "ada@example.com"

    def factory_expr(self, spec: FieldSpec) -> str:
        return 'f"user{n}@example.com"'

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"not-an-email"', r'"a\x00b@example.com"']

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return [f'"x" * {EMAIL_LENGTH + 1}', r'"a\x00b@example.com"']

    def search_value(self, spec: FieldSpec, text: str) -> str | None:
        return f"u{text}@example.com"


class UrlKind(_Text):
    type = FieldType.URL
    schema_type = "HttpUrlStr"
    filterable = True

    def check_default(self, value: object, data: Mapping[str, Any]) -> str:
        if isinstance(value, str) and not any(char.isspace() for char in value):
            parts = urlsplit(value)
            if parts.scheme in ("http", "https") and parts.netloc:
                return value
        raise ValueError(
            f"{value!r} is not a valid http(s) URL (e.g. https://example.com)"
        )

    def max_length(self, spec: FieldSpec) -> int | None:
        return URL_LENGTH

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return f"https://example.com/{spec.name}/{variant}"

    def example(self, spec: FieldSpec) -> object:
        return f"https://example.com/{spec.name.replace('_', '-')}"

    def factory_expr(self, spec: FieldSpec) -> str:
        return f'f"https://example.com/{spec.name}/{{n}}"'

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return [
            '"not a url"',
            '"ftp://example.com/file"',
            r'"https://example.com/\x00"',
            r'"https://example.com/\ud800"',
        ]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return [f'"x" * {URL_LENGTH + 1}', r'"https://example.com/\x00"']


class EnumKind(_Text):
    type = FieldType.ENUM
    schema_type = None
    uniqueable = False
    filterable = True
    sortable = True
    argument_keys = ("choices",)
    defines_enum = True
    short_text = True

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        return {"choices": [] if arguments == [""] else arguments}

    def check_default(self, value: object, data: Mapping[str, Any]) -> str:
        choices = data.get("choices") or []
        if not isinstance(value, str) or (choices and value not in choices):
            raise ValueError(
                f"{value!r} is not one of the choices {', '.join(choices)}"
            )
        return value

    def check(self, spec: FieldSpec) -> None:
        if spec.choices is None:
            raise ValueError(
                "enum needs its choices (e.g. status:enum{draft,published})"
            )
        # the enum's class is the resource's name plus the field's: it must not be
        # one of the schema classes (``PostSort`` for a field ``sort``)
        suffix = pascal(spec.name)
        if suffix in SCHEMA_CLASS_SUFFIXES:
            raise ValueError(
                f"an enum field named {spec.name!r} would get the enum class name "
                f"<Resource>{suffix}, which the generated schemas already use; "
                f"choose another name (e.g. {spec.name}_kind)"
            )

    def describe(self, spec: FieldSpec) -> str:
        return f"enum{{{','.join(spec.choices or [])}}}"

    def max_length(self, spec: FieldSpec) -> int | None:
        return max(len(choice) for choice in spec.choices or [""])

    def size_args(self, spec: FieldSpec) -> list[str]:
        return []

    def model_type_args(self, view: FieldView) -> list[str]:
        return [
            f"sa_type=sa.Enum({view.enum_class}, name={view.check_name!r}, "
            f"native_enum=False, create_constraint=True, "
            f"length={self.max_length(view.spec)}, values_callable=enum_values)"
        ]

    def checks(self, view: FieldView) -> list[Check]:
        values = ", ".join(f"'{choice}'" for choice in view.spec.choices or [])
        return [Check("", f"{sql_identifier(view.column)} IN ({values})", True)]

    def narrowing(self, old: FieldSpec, new: FieldSpec) -> list[str]:
        kept = set(new.choices or [])
        removed = [c for c in old.choices or [] if c not in kept]
        if not removed:
            return []
        return [
            f"loses the choices {', '.join(removed)}: rows holding them make "
            "this fail; update them first."
        ]

    def python_type(self, view: FieldView) -> str:
        return view.enum_class

    def filter_annotation(self, view: FieldView) -> str:
        return self.python_type(view)

    def filter_imports(self) -> list[Import]:
        return []  # the enum class comes with the schemas' enum imports

    def literal(self, view: FieldView, value: object) -> str:
        return f"{view.enum_class}.{str(value).upper()}"

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [
            ("sqlalchemy as sa",),
            ("enum", "StrEnum"),
            ("core.types", "enum_values"),
        ]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        choices = spec.choices or []
        return choices[variant % len(choices)]

    def example(self, spec: FieldSpec) -> object:
        return (spec.choices or [""])[0]

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"not-a-choice"']

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"not-a-choice"']


def check_choices(choices: list[str]) -> None:
    """Enum choices become Python enum members: identifiers, unique."""
    if not choices:
        raise ValueError(
            "enum needs at least one choice (e.g. status:enum{draft,published})"
        )
    for choice in choices:
        if not _CHOICE.fullmatch(choice) or keyword.iskeyword(choice):
            raise ValueError(
                f"enum choice {choice!r} must be an identifier (letters, digits "
                "and '_', starting with a letter, not a Python keyword)"
            )
    duplicates = sorted({choice for choice in choices if choices.count(choice) > 1})
    if duplicates:
        raise ValueError(f"duplicate enum choice {duplicates[0]!r}; list it once")
    members: dict[str, str] = {}
    for choice in choices:  # each choice is also an enum member, upper-cased
        other = members.setdefault(choice.upper(), choice)
        if other != choice:
            raise ValueError(
                f"enum choices {other!r} and {choice!r} differ only in case, "
                "and would be the same enum member; rename one"
            )


# --- numbers --------------------------------------------------------------------------


class _Bounded(FieldKind):
    """Numbers with optional inclusive bounds: ``int{1,5}``, ``int{0,}``."""

    family = "number"
    argument_keys: tuple[str, ...] = ("min", "max")
    #: Bounds are whole numbers, so a unique field can count inside them.
    integral = False
    #: The values the type holds at most, when the database limits them.
    value_range: tuple[int, int] | None = None

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        return self.bound_arguments(arguments, f"rating:{self.type.value}{{1,5}}")

    def bound_arguments(self, arguments: list[str], example: str) -> dict[str, Any]:
        if len(arguments) != 2 or arguments == ["", ""]:
            raise ValueError(
                f"expected bounds as {self.type.value}{{min,max}} (either may be "
                f"empty), got {{{','.join(arguments)}}} (e.g. {example})"
            )
        keys = ("min", "max")
        return {
            key: self.parse_bound(text)
            for key, text in zip(keys, arguments, strict=True)
            if text
        }

    def parse_bound(self, text: str) -> object:
        """A bound as written in the shorthand (checked like a default)."""
        if not _DECIMAL_TEXT.fullmatch(text):
            raise ValueError(f"invalid bound {text!r}: write a number such as 1 or 2.5")
        return Decimal(text) if "." in text else int(text)

    def check(self, spec: FieldSpec) -> None:
        low, high = spec.min, spec.max
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"min {low} is larger than max {high}; give the smaller bound first"
            )
        if spec.unique and not self.integral and (low, high) != (None, None):
            raise ValueError(
                f"a unique {self.type.value} with bounds is not supported (the "
                "generated tests cannot count inside them); drop one of them"
            )

    def loosens(self, old: FieldSpec, new: FieldSpec) -> bool:
        return _within(old.min, new.min, old.max, new.max)

    def value_problem(self, spec: FieldSpec, value: Any) -> str | None:
        if spec.min is not None and value < spec.min:
            return f"{value} is below min {spec.min}"
        if spec.max is not None and value > spec.max:
            return f"{value} is above max {spec.max}"
        return None

    def bounds_args(self, spec: FieldSpec) -> list[str]:
        """``ge``/``le`` of a bounded field, the type's own range filling in."""
        if (spec.min, spec.max) == (None, None):
            return []
        low, high = self.value_range or (None, None)
        low = low if spec.min is None else spec.min
        high = high if spec.max is None else spec.max
        args = [] if low is None else [f"ge={literal(low)}"]
        return args + ([] if high is None else [f"le={literal(high)}"])

    def schema_annotation(self, view: FieldView) -> str:
        bounds = self.bounds_args(view.spec)
        if not bounds:
            return super().schema_annotation(view)
        return f"Annotated[{self.model_type}, Field({', '.join(bounds)}), JsonNumber]"

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        if (spec.min, spec.max) == (None, None):
            return super().schema_imports(spec)
        return [("typing", "Annotated"), ("core.types", "JsonNumber")]

    def checks(self, view: FieldView) -> list[Check]:
        column = sql_identifier(view.column)
        spec = view.spec
        parts = [] if spec.min is None else [f"{column} >= {spec.min}"]
        parts += [] if spec.max is None else [f"{column} <= {spec.max}"]
        return [Check("_range", " AND ".join(parts))] if parts else []

    def edge_literals(self, spec: FieldSpec) -> list[str]:
        return [self.json_literal(v) for v in (spec.min, spec.max) if v is not None]

    def beyond_literals(self, spec: FieldSpec) -> list[str]:
        return [
            self.json_literal(self.step(bound, direction, spec))
            for bound, direction in ((spec.min, -1), (spec.max, 1))
            if bound is not None
        ]

    def step(self, value: Any, direction: int, spec: FieldSpec) -> Any:
        """The nearest value beyond ``value`` in ``direction``."""
        return value + direction

    def json_literal(self, value: Any) -> str:
        """Python source of ``value`` as the API takes it."""
        return repr(value)

    def number(self, sample: object) -> Any:
        return sample

    def valid_sample(self, spec: FieldSpec, variant: int) -> object:
        value = self.number(self.sample(spec, variant))
        low, high = spec.min, spec.max
        if low is not None and value < low:
            value = low + variant if high is None else min(low + variant, high)
        if high is not None and value > high:
            value = high - variant if low is None else max(high - variant, low)
        return self.from_number(value, spec)

    def from_number(self, value: Any, spec: FieldSpec) -> object:
        return value

    def valid_example(self, spec: FieldSpec) -> object:
        if spec.example is not None:
            return self.from_number(spec.example, spec)
        example = self.example(spec)
        return (
            self.valid_sample(spec, 0)
            if self.value_problem(spec, self.number(example))
            else example
        )

    def valid_factory_expr(self, spec: FieldSpec) -> str:
        low, high = spec.min, spec.max
        if low is not None and high is not None:
            return f"{low} + n % {high - low + 1}"
        if low is not None:
            return f"{low} + n"
        if high is not None:
            return f"{high} - n"
        return self.factory_expr(spec)


class IntKind(_Bounded):
    type = FieldType.INT
    model_type = "int"
    schema_type = "Int32"
    column = "sa.Integer()"
    pg_type = "INTEGER"
    integral = True
    value_range = (INT32_MIN, INT32_MAX)
    filterable = True
    rangeable = True
    sortable = True

    def parse_default(self, text: str) -> object:
        if not _INT_TEXT.fullmatch(text):
            raise ValueError(f"invalid int default {text!r}: use a whole number")
        return int(text)

    def check_default(self, value: object, data: Mapping[str, Any]) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number (e.g. 0 or -1)")
        if not INT32_MIN <= value <= INT32_MAX:
            raise ValueError(
                f"{value} is outside the int range {INT32_MIN}..{INT32_MAX}; use a "
                "smaller number, or decimal{p,0} for larger ones"
            )
        return value

    def filter_args(self, spec: FieldSpec) -> list[str]:
        return [f"ge={INT32_MIN}", f"le={INT32_MAX}"]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return 10 + variant

    def example(self, spec: FieldSpec) -> object:
        return 42

    def factory_expr(self, spec: FieldSpec) -> str:
        return "n"

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', str(INT32_MAX + 1), '"5"', "5.5", "True"]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', "5.5", str(INT32_MAX + 1), str(INT32_MIN - 1)]


class FloatKind(_Bounded):
    type = FieldType.FLOAT
    model_type = "float"
    schema_type = "JsonFloat"
    column = "sa.Float()"
    pg_type = "FLOAT"
    filterable = True
    rangeable = True
    sortable = True

    def parse_default(self, text: str) -> object:
        if not _FLOAT_TEXT.fullmatch(text):
            raise ValueError(f"invalid float default {text!r}: use a number like 4.5")
        return float(text)

    def check_default(self, value: object, data: Mapping[str, Any]) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number (e.g. 4.5)")
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return float(value)

    def parse_bound(self, text: str) -> object:
        return float(str(super().parse_bound(text)))

    def step(self, value: Any, direction: int, spec: FieldSpec) -> Any:
        return math.nextafter(value, direction * math.inf)

    def json_literal(self, value: Any) -> str:
        return repr(float(value))

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return 1.5 + variant

    def example(self, spec: FieldSpec) -> object:
        return 4.5

    def factory_expr(self, spec: FieldSpec) -> str:
        return "n + 0.5"

    def filter_args(self, spec: FieldSpec) -> list[str]:
        return ["allow_inf_nan=False"]

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', '"1.5"', "True", 'float("nan")', 'float("inf")']

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', '"nan"', '"inf"', '"-Infinity"']


class DecimalKind(_Bounded):
    type = FieldType.DECIMAL
    model_type = "Decimal"
    filterable = True
    rangeable = True
    sortable = True
    argument_keys = ("precision", "scale", "min", "max")

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        digits, bounds = arguments[:2], arguments[2:]
        precision, scale = whole_numbers(
            digits, "{precision,scale}", "price:decimal{10,2}"
        )
        values: dict[str, Any] = {"precision": precision, "scale": scale}
        if bounds:
            example = "price:decimal{10,2,0,}"
            values |= self.bound_arguments(bounds, example)
        return values

    def check_default(self, value: object, data: Mapping[str, Any]) -> Decimal:
        if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
            number = Decimal(value)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = (
                Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            )
        else:
            raise ValueError(f"{value!r} is not a decimal number (e.g. 9.99)")
        if not number.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        precision, scale = data.get("precision"), data.get("scale")
        if precision is not None and scale is not None:
            _check_digits(number, precision, scale)
        return number

    def check(self, spec: FieldSpec) -> None:
        if spec.precision is None or spec.scale is None:
            raise ValueError(
                "decimal needs precision and scale (e.g. price:decimal{10,2})"
            )
        if spec.scale > spec.precision:
            raise ValueError(
                f"scale {spec.scale} is larger than precision {spec.precision}; "
                "scale counts digits after the point (e.g. decimal{10,2})"
            )
        super().check(spec)

    def describe(self, spec: FieldSpec) -> str:
        return f"decimal{{{spec.precision},{spec.scale}}}"

    def step(self, value: Any, direction: int, spec: FieldSpec) -> Any:
        return value + direction * Decimal(1).scaleb(-(spec.scale or 0))

    def json_literal(self, value: Any) -> str:
        return python_string(str(value))  # decimals are sent as strings

    def number(self, sample: object) -> Any:
        return Decimal(str(sample))

    def from_number(self, value: Any, spec: FieldSpec) -> object:
        return str(value)

    def column_type(self, spec: FieldSpec) -> str:
        return f"sa.Numeric(precision={spec.precision}, scale={spec.scale})"

    def pg_column_type(self, spec: FieldSpec) -> str:
        return f"NUMERIC({spec.precision}, {spec.scale})"

    def narrowing(self, old: FieldSpec, new: FieldSpec) -> list[str]:
        old_whole = (old.precision or 0) - (old.scale or 0)
        new_whole = (new.precision or 0) - (new.scale or 0)
        if new_whole < old_whole or (new.scale or 0) < (old.scale or 0):
            return [
                f"narrows from {self.describe(old)} to {self.describe(new)}: "
                "values that do not fit make this fail or are rounded."
            ]
        return []

    def schema_annotation(self, view: FieldView) -> str:
        spec = view.spec
        args = [str(spec.precision), str(spec.scale)]
        args += [] if spec.min is None else [f"minimum={str(spec.min)!r}"]
        args += [] if spec.max is None else [f"maximum={str(spec.max)!r}"]
        return f"Annotated[Decimal, DecimalText({', '.join(args)})]"

    def size_args(self, spec: FieldSpec) -> list[str]:
        return [f"max_digits={spec.precision}", f"decimal_places={spec.scale}"]

    def validation_args(self, spec: FieldSpec) -> list[str]:
        return []  # the annotation's type checks the digits

    def filter_annotation(self, view: FieldView) -> str:
        digits = f"{view.spec.precision}, {view.spec.scale}"
        return f"Annotated[Decimal, DecimalText({digits})]"  # as the column holds

    def filter_args(self, spec: FieldSpec) -> list[str]:
        return []

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [("decimal", "Decimal")]

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        return [
            ("decimal", "Decimal"),
            ("typing", "Annotated"),
            ("core.types", "DecimalText"),
        ]

    def test_imports(self) -> list[Import]:
        return [("decimal", "Decimal")]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        precision, scale = spec.precision or 1, spec.scale or 0
        whole = str(1 + variant % 9) if precision - scale else "0"
        if scale == 0:
            return whole
        fraction = ("25" if variant % 2 == 0 else "75")[:scale]
        return f"{whole}.{fraction}"

    def example(self, spec: FieldSpec) -> object:
        whole, scale = (spec.precision or 1) - (spec.scale or 0), spec.scale or 0
        number = "19"[-whole:] if whole else "0"
        return f"{number}.{'99'[:scale]:0<{scale}}" if scale else number

    def factory_expr(self, spec: FieldSpec) -> str:
        whole = (spec.precision or 1) - (spec.scale or 0)
        if whole:
            return f"str(n % {10**whole})"
        return f'f"0.{{n % {10 ** (spec.scale or 0)}:0{spec.scale}d}}"'

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        scale, whole = spec.scale or 0, (spec.precision or 1) - (spec.scale or 0)
        return [
            repr("1." + "1" * (scale + 1)),
            repr("9" * (whole + 1)),
            '"NaN"',
            '"1e2"',
            "1",  # a JSON number: decimals are sent as strings
        ]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        whole = (spec.precision or 1) - (spec.scale or 0)
        return ['"NaN"', '"Infinity"', '"1e2"', repr("9" * (whole + 1))]

    def sort_key(self, value: object) -> Any:
        return Decimal(str(value))

    def compare(self, left: str, right: str) -> str:
        return f"assert Decimal(str({left})) == Decimal(str({right}))"

    def compare_value(self, actual: str, value: object) -> str:
        return f"assert Decimal({actual}) == Decimal({str(value)!r})"


def _check_digits(number: Decimal, precision: int, scale: int) -> None:
    """Reject a decimal default that does not fit ``decimal{precision,scale}``."""
    _, digits, exponent = number.as_tuple()
    places = max(0, -int(exponent))
    whole_digits = 0 if number == 0 else max(0, len(digits) + int(exponent))
    if places > scale or whole_digits > precision - scale:
        raise ValueError(
            f"{number} does not fit decimal{{{precision},{scale}}} (at most "
            f"{precision - scale} digits before and {scale} after the point)"
        )


# --- everything else -----------------------------------------------------------------


class BoolKind(FieldKind):
    type = FieldType.BOOL
    model_type = "bool"
    column = "sa.Boolean()"
    pg_type = "BOOLEAN"
    family = "bool"
    uniqueable = False
    filterable = True

    def parse_default(self, text: str) -> object:
        if text not in ("true", "false"):
            raise ValueError(f"invalid bool default {text!r}: use true or false")
        return text == "true"

    def check_default(self, value: object, data: Mapping[str, Any]) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a boolean: use true or false")
        return value

    def validation_args(self, spec: FieldSpec) -> list[str]:
        return ["strict=True"]  # lax mode takes "yes", 1 and "on"

    def default_description(self, words: str, title: str) -> str:
        verb, _, rest = words.partition(" ")
        if verb in {"is", "has", "can"} and rest:
            return f"Whether the {title} {verb} {rest}."
        return f"Whether the {title} is {words}."

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return variant % 2 == 0

    def example(self, spec: FieldSpec) -> object:
        return True

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"maybe"', '"yes"', "1"]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"maybe"']


class DateKind(FieldKind):
    type = FieldType.DATE
    model_type = "date"
    schema_type = "ISODate"
    column = "sa.Date()"
    pg_type = "DATE"
    family = "date"
    filterable = True
    rangeable = True
    sortable = True

    def check_default(self, value: object, data: Mapping[str, Any]) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError(
            f"{value!r} is not a valid date: use YYYY-MM-DD (e.g. 2024-01-31)"
        )

    def filter_annotation(self, view: FieldView) -> str:
        return "ISODate"

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [("datetime", "date")]

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        imports = super().schema_imports(spec)
        return [*imports, ("datetime", "date")] if spec.has_default else imports

    def factory_imports(self, spec: FieldSpec) -> list[Import]:
        return [("datetime", "date", "timedelta")]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return date(2024, 1, 1 + variant % 28).isoformat()

    def example(self, spec: FieldSpec) -> object:
        return "2024-05-17"

    def factory_expr(self, spec: FieldSpec) -> str:
        return "(date(2024, 1, 1) + timedelta(days=n)).isoformat()"

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"2024-13-45"', "0", '"20240101"']

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"0"', '"20240101"']


class DatetimeKind(FieldKind):
    type = FieldType.DATETIME
    model_type = "datetime"
    schema_type = "UTCAwareDatetime"
    column = "sa.DateTime(timezone=True)"
    pg_type = "TIMESTAMP WITH TIME ZONE"
    family = "datetime"
    sa_type = "UTCDateTime"
    filterable = True
    rangeable = True
    sortable = True

    def check_default(self, value: object, data: Mapping[str, Any]) -> datetime:
        parsed: datetime | None = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str) and "T" in value.upper():
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                pass
        if parsed is not None:
            if parsed.utcoffset() is None:
                raise ValueError(
                    f"{value!r} has no timezone, which the API requires: add one "
                    "(e.g. 2024-01-01T10:00:00Z)"
                )
            return parsed
        raise ValueError(
            f"{value!r} is not a valid datetime: use ISO 8601 "
            "(e.g. 2024-01-01T10:00:00Z)"
        )

    def filter_annotation(self, view: FieldView) -> str:
        return "UTCAwareDatetime"

    def factory_imports(self, spec: FieldSpec) -> list[Import]:
        return [("datetime", "UTC", "datetime", "timedelta")]

    def test_imports(self) -> list[Import]:
        return [("datetime", "datetime")]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return f"2024-01-0{1 + variant % 9}T10:00:00Z"

    def example(self, spec: FieldSpec) -> object:
        return "2024-05-17T09:30:00Z"

    def factory_expr(self, spec: FieldSpec) -> str:
        return "(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat()"

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return [
            '"2024-01-01T10:00:00"',  # naive: a timezone is required
            "0",
            '"9999-12-31T23:59:59-05:00"',  # past the year 9999 in UTC
            '"0001-01-01T00:00:00+01:00"',  # before the year 1 in UTC
        ]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"2024-01-01T10:00:00"', '"0"', '"9999-12-31T23:59:59-05:00"']

    def compare(self, left: str, right: str) -> str:
        return (
            f"assert datetime.fromisoformat({left}) == datetime.fromisoformat({right})"
        )

    def compare_value(self, actual: str, value: object) -> str:
        assert isinstance(value, datetime)
        return (
            f"assert datetime.fromisoformat({actual}) == "
            f"datetime.fromisoformat({value.isoformat()!r})"
        )


class UuidKind(FieldKind):
    type = FieldType.UUID
    model_type = "uuid.UUID"
    column = "sa.Uuid()"
    pg_type = "UUID"
    family = "uuid"
    filterable = True
    sequenced = False

    def check_default(self, value: object, data: Mapping[str, Any]) -> UUID:
        if isinstance(value, UUID):
            return value
        if isinstance(value, str):
            try:
                return UUID(value)
            except ValueError:
                pass
        raise ValueError(
            f"{value!r} is not a valid UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)"
        )

    def factory_imports(self, spec: FieldSpec) -> list[Import]:
        return [("uuid",)]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return str(UUID(int=variant + 1))

    def example(self, spec: FieldSpec) -> object:
        return "3fa85f64-5717-4562-b3fc-2c963f66afa6"

    def factory_expr(self, spec: FieldSpec) -> str:
        return "str(uuid.uuid4())"

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"not-a-uuid"']

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"not-a-uuid"']


class JsonKind(FieldKind):
    type = FieldType.JSON
    model_type = "JsonValue"
    schema_type = "SafeJson"
    column = "sa.JSON()"
    pg_type = "JSON"
    family = "json"
    sa_type = "sa.JSON"
    indexable = False

    def parse_default(self, text: str) -> object:
        try:
            return json.loads(text)
        except ValueError:
            raise ValueError(
                f"invalid JSON default {text!r} (e.g. tags:json=[])"
            ) from None

    def check_default(self, value: object, data: Mapping[str, Any]) -> Any:
        """Any JSON value; objects are stored with sorted keys. Integers stay
        within what every JSON reader keeps exactly (53 bits)."""
        try:
            canonical = json.loads(json.dumps(value, sort_keys=True, allow_nan=False))
        except (TypeError, ValueError):
            canonical = None
        if canonical != value:
            raise ValueError(f"{value!r} is not a JSON value (e.g. [] or {{}})")
        if any(abs(number) > JSON_INT_MAX for number in _json_ints(canonical)):
            raise ValueError(
                f"{value!r} has an integer beyond ±{JSON_INT_MAX}, which JSON "
                "readers round; write it as a string"
            )
        return canonical

    def sql_literal(self, value: object) -> str | None:
        return quote_sql(json.dumps(value, sort_keys=True))

    def default_args(self, view: FieldView, value: object) -> list[str]:
        if isinstance(value, dict | list):  # typed: a list is not a JsonValue
            return [f"default_factory=lambda: cast(JsonValue, {value!r})"]
        return super().default_args(view, value)

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        imports: list[Import] = [("pydantic", "JsonValue"), ("sqlalchemy as sa",)]
        return imports + _json_default_imports(spec)

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        return super().schema_imports(spec) + _json_default_imports(spec)

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return {"key": f"value-{variant}"}

    def example(self, spec: FieldSpec) -> object:
        return {"tags": ["news"], "priority": 2}

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return [  # any value PostgreSQL and SQLite store and read back alike
            'float("nan")',
            'float("inf")',
            r'{"key": "nul \x00"}',
            r'{"lone \ud800": 1}',
        ]


def _json_default_imports(spec: FieldSpec) -> list[Import]:
    """A JSON list or object default is built as ``cast(JsonValue, [...])``."""
    if isinstance(spec.default, dict | list):
        return [("typing", "cast"), ("pydantic", "JsonValue")]
    return []


def _json_ints(value: object) -> Iterator[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_ints(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_ints(item)


class RefKind(UuidKind):
    """A reference to a row of another resource (or the same one)."""

    type = FieldType.REF
    argument_keys = ("ref", "on_delete")
    shorthand_target = True

    def check_default(self, value: object, data: Mapping[str, Any]) -> UUID:
        raise ValueError("ref fields cannot have a default; remove it")

    def fill_implied(self, data: dict[str, Any]) -> None:
        if "default" in data and data["default"] is None:
            # `ref?=null` says what `ref?` already means: no reference
            data.pop("default")
            data["has_default"] = False

    def check(self, spec: FieldSpec) -> None:
        if spec.ref is None:
            raise ValueError(
                "ref needs a target resource (write it as author:ref:Author)"
            )
        if spec.name.endswith("_id"):
            relation = spec.name.removesuffix("_id")
            raise ValueError(
                f"name ref fields after the relation: write {relation}:ref:{spec.ref} "
                f"(the column is named {spec.name})"
            )
        if spec.on_delete is not None and spec.on_delete not in ON_DELETE:
            raise ValueError(
                f"on_delete {spec.on_delete!r} is not one of {', '.join(ON_DELETE)}"
            )
        if spec.on_delete == "set_null" and not spec.optional:
            raise ValueError(
                f"on_delete set_null needs an optional ref: write "
                f"{spec.name}:ref:{spec.ref}?:set_null, or use :cascade"
            )

    def column_name(self, name: str) -> str:
        return f"{name}_id"

    def factory_imports(self, spec: FieldSpec) -> list[Import]:
        return []  # a referenced row comes from its own factory

    def sample(self, spec: FieldSpec, variant: int) -> object:
        raise ValueError("no sample for a ref: it comes from its factory")

    def describe(self, spec: FieldSpec) -> str:
        return f"ref:{spec.ref}"

    def model_type_args(self, view: FieldView) -> list[str]:
        if view.target is None:
            return []
        return [
            f'foreign_key="{view.target.names.plural_snake}.id"',
            f"ondelete={on_delete_sql(view.spec)!r}",
        ]


class BigIntKind(IntKind):
    """A 64-bit integer (JSON readers in JavaScript keep 53 bits exactly)."""

    type = FieldType.BIGINT
    schema_type = "Int64"
    column = "sa.BigInteger()"
    pg_type = "BIGINT"
    sa_type = "sa.BigInteger"
    value_range = (INT64_MIN, INT64_MAX)

    def check_default(self, value: object, data: Mapping[str, Any]) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number (e.g. 0 or -1)")
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(
                f"{value} is outside the bigint range {INT64_MIN}..{INT64_MAX}; use "
                "decimal{p,0} for larger numbers"
            )
        return value

    def filter_args(self, spec: FieldSpec) -> list[str]:
        return [f"ge={INT64_MIN}", f"le={INT64_MAX}"]

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [("sqlalchemy as sa",)]

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', str(INT64_MAX + 1), '"5"', "5.5", "True"]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', "5.5", str(INT64_MAX + 1), str(INT64_MIN - 1)]


class TimeKind(FieldKind):
    """A time of day without a timezone, ``HH:MM[:SS[.ffffff]]``."""

    type = FieldType.TIME
    model_type = "time"
    schema_type = "ISOTime"
    column = "sa.Time()"
    pg_type = "TIME"
    family = "time"
    filterable = True
    rangeable = True
    sortable = True

    def check_default(self, value: object, data: Mapping[str, Any]) -> time:
        parsed: time | None = value if isinstance(value, time) else None
        if isinstance(value, str) and _TIME_TEXT.fullmatch(value):
            try:
                parsed = time.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None or parsed.tzinfo is not None:
            raise ValueError(
                f"{value!r} is not a valid time of day: use HH:MM or HH:MM:SS "
                "without a timezone (e.g. 09:30)"
            )
        return parsed

    def sql_literal(self, value: object) -> str | None:
        assert isinstance(value, time)
        return quote_sql(value.isoformat())

    def filter_annotation(self, view: FieldView) -> str:
        return "ISOTime"

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [("datetime", "time")]

    def schema_imports(self, spec: FieldSpec) -> list[Import]:
        imports = super().schema_imports(spec)
        return [*imports, ("datetime", "time")] if spec.has_default else imports

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return f"{9 + variant % 12:02d}:30:00"

    def example(self, spec: FieldSpec) -> object:
        return "09:30:00"

    def factory_expr(self, spec: FieldSpec) -> str:
        return 'f"{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}"'

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"25:00:00"', '"09:30:00+02:00"', '"0930"', "0"]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        return ['"25:00"', '"0930"', '"09:30+02:00"']

    def compare_value(self, actual: str, value: object) -> str:
        assert isinstance(value, time)
        return f"assert {actual} == {value.isoformat()!r}"


class SlugKind(StrKind):
    """A URL-friendly name: lower-case letters, digits and single inner dashes,
    unique (per owner for owned resources) unless the spec says ``unique: false``.
    """

    type = FieldType.SLUG
    schema_type = "Slug"
    short_text = False
    argument_keys = ("max_length",)
    implied_flags: Mapping[str, bool] = MappingProxyType({"unique": True})

    def arguments(self, arguments: list[str]) -> dict[str, Any]:
        (length,) = whole_numbers(arguments, "{length}", "slug:slug{60}")
        return {"max_length": length}

    def fill_implied(self, data: dict[str, Any]) -> None:
        if data.get("max_length") is None:
            data["max_length"] = DEFAULT_SLUG_LENGTH
        for flag, value in self.implied_flags.items():
            data.setdefault(flag, value)

    def check_default(self, value: object, data: Mapping[str, Any]) -> str:
        text = super().check_default(value, data)
        if not _SLUG.fullmatch(text):
            raise ValueError(
                f"{text!r} is not a slug: use lower-case letters, digits and single "
                "dashes between them (e.g. my-first-post)"
            )
        return text

    def describe(self, spec: FieldSpec) -> str:
        return f"slug{{{spec.max_length}}}"

    def search_value(self, spec: FieldSpec, text: str) -> str | None:
        value = text.lower()
        return value if _SLUG.fullmatch(value) else None

    def sample(self, spec: FieldSpec, variant: int) -> object:
        text = f"{spec.name.replace('_', '-')}-{variant}"
        return text if len(text) <= (spec.max_length or 1) else str(variant % 10)

    def example(self, spec: FieldSpec) -> object:
        text = f"my-{spec.name.replace('_', '-')}"
        return text if len(text) <= (spec.max_length or 1) else "a"

    def factory_expr(self, spec: FieldSpec) -> str:
        stem = spec.name.replace("_", "-")
        if len(stem) + 8 <= (spec.max_length or 1):
            return f'f"{stem}-{{n}}"'
        return "str(n)"

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return [
            '"Upper-Case"',
            '"white space"',
            '"under_score"',
            '"-leading-dash"',
            '"double--dash"',
            f'"x" * {(spec.max_length or 0) + 1}',
        ]


#: What deleting a referenced row does to the rows referring to it (``restrict``,
#: the default, refuses with a 409).
ON_DELETE = {"restrict": "RESTRICT", "cascade": "CASCADE", "set_null": "SET NULL"}


def on_delete_sql(spec: FieldSpec) -> str:
    """The foreign key's ``ON DELETE`` action for a ref field."""
    return ON_DELETE[spec.on_delete or "restrict"]


FIELD_KINDS: dict[FieldType, FieldKind] = {
    kind.type: kind
    for kind in (
        StrKind(),
        TextKind(),
        IntKind(),
        BigIntKind(),
        FloatKind(),
        DecimalKind(),
        BoolKind(),
        DateKind(),
        DatetimeKind(),
        TimeKind(),
        UuidKind(),
        EmailKind(),
        UrlKind(),
        SlugKind(),
        JsonKind(),
        EnumKind(),
        RefKind(),
    )
}
#: The kind of the ``owner_id`` column of owned resources.
OWNER_ID_KIND = FIELD_KINDS[FieldType.STR]
TYPE_NAMES = ", ".join(member.value for member in FieldType)
#: Every spec key some type takes as an argument, in the order spec files list them.
ARGUMENT_KEYS = (
    "min_length",
    "max_length",
    "precision",
    "scale",
    "min",
    "max",
    "pattern",
    "choices",
    "ref",
    "on_delete",
)


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
        return f"Decimal({str(value)!r})"
    if isinstance(value, datetime):
        return f"datetime.fromisoformat({value.isoformat()!r})"
    if isinstance(value, date):
        return f"date.fromisoformat({value.isoformat()!r})"
    if isinstance(value, time):
        return f"time.fromisoformat({value.isoformat()!r})"
    if isinstance(value, UUID):
        return f"uuid.UUID({str(value)!r})"
    return python_string(value) if isinstance(value, str) else repr(value)


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
