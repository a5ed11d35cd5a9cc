"""Resource specs: the validated description of one generated resource.

A spec comes from the CLI shorthand (``fastgen add resource Post title:str{200}``)
or from a spec file (``resources/post.yaml``). Every user error is found here and
reported as a one-line ``FastgenError`` before anything is rendered.

Shorthand grammar, one argument per field::

    name:type[{args}][?][=default][:index][:unique]
    name:ref:Target[?][:index][:unique]

* ``{args}``: ``str{200}`` (max length, default 255), ``decimal{10,2}``
  (precision and scale, required), ``enum{draft,published}`` (choices, required).
* ``?`` makes the field optional (nullable column, may be omitted on create).
* ``=default`` must come after ``?``. Everything after ``=`` up to trailing
  ``:index``/``:unique`` flags is the default, so it may contain ``:``
  (``=https://x.y``, ``=2024-01-01T10:00:00Z``). ``=null`` is only allowed on
  optional fields (``subtitle:str?=null``); ``str=`` is the empty string.
* ``ref`` fields are named after the relation (``author:ref:Author``); the column
  is ``author_id``. They take no default.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import math
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from difflib import get_close_matches
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fastgen.errors import FastgenError
from fastgen.naming import Names


class FieldType(StrEnum):
    """The field types a resource can declare."""

    STR = "str"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    UUID = "uuid"
    EMAIL = "email"
    URL = "url"
    JSON = "json"
    ENUM = "enum"
    REF = "ref"


#: Parts of a generated resource a user may take over (``fastgen eject``).
PARTS = ("models", "schemas", "service", "router", "tests")
#: Trailing shorthand flags.
FLAGS = ("index", "unique")
#: Length used for ``str`` fields declared without ``{n}``.
DEFAULT_MAX_LENGTH = 255
MAX_STR_LENGTH = 65_535  # longer strings are text
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the API validates int as 32-bit
JSON_INT_MAX = 2**53 - 1
#: Columns fastgen adds to every resource itself.
AUTOMATIC_COLUMNS = ("id", "owner_id", "created_at", "updated_at")
#: Public attributes of SQLModel/pydantic models a field must not shadow
#: (``model_*`` names are rejected by prefix).
MODEL_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "metadata",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "registry",
        "schema",
        "schema_json",
        "sqlmodel_update",
        "update_forward_refs",
        "validate",
    }
)
#: Names a field cannot take: the first argument of the classmethods the generated
#: models and schemas (and pydantic) define, and the decorator that makes them.
#: Every other name a class body uses is aliased (``fastgen.shadowing``).
CLASS_BODY_NAMES = frozenset({"classmethod", "cls"})
#: Classes the generated schemas define as <Resource><suffix>.
_SCHEMA_CLASS_SUFFIXES = frozenset(
    {"Base", "Create", "Update", "Public", "Filters", "Sort"}
)
#: Query parameters of every list route; a field named like one gets no filter.
LIST_PARAMETERS = frozenset({"page", "page_size", "sort", "expand"})
GRAMMAR = "name:type[{args}][?][=default][:index][:unique]"

_TYPE_NAMES = ", ".join(member.value for member in FieldType)
_UNINDEXABLE = frozenset({FieldType.TEXT, FieldType.JSON})
_FILTERABLE = frozenset(
    {FieldType.BOOL, FieldType.ENUM, FieldType.REF, FieldType.INT, FieldType.DATE}
)
_SORTABLE = frozenset(
    {
        FieldType.STR,
        FieldType.EMAIL,
        FieldType.INT,
        FieldType.FLOAT,
        FieldType.DECIMAL,
        FieldType.DATE,
        FieldType.DATETIME,
        FieldType.ENUM,
    }
)
_FILE_FIELD_KEYS = (
    "type",
    "max_length",
    "precision",
    "scale",
    "choices",
    "ref",
    "optional",
    "default",
    "index",
    "unique",
    "description",
    "renamed_from",
)
_FILE_TOP_KEYS = ("name", "owned", "ejected", "fields")
#: Longest field name; see ``naming.MAX_NAME_LENGTH``.
MAX_FIELD_NAME_LENGTH = 44
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")
_CHOICE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _check_field_name(name: str) -> None:
    """Raise ``ValueError`` naming the rule ``name`` breaks, if any."""
    if not name:
        raise ValueError("missing field name (write it as name:type, e.g. title:str)")
    if len(name) > MAX_FIELD_NAME_LENGTH:
        raise ValueError(
            f"field name {name!r} is too long: {len(name)} characters, at most "
            f"{MAX_FIELD_NAME_LENGTH}; choose a shorter name"
        )
    if not _IDENTIFIER.fullmatch(name) or name[0].isdigit():
        raise ValueError(
            f"{name!r} is not a valid field name: use lowercase letters, digits and "
            "'_', starting with a letter (e.g. my_field)"
        )
    if name.startswith("_"):
        raise ValueError(
            f"{name!r} starts with '_', which pydantic treats as private; "
            "start it with a letter"
        )
    if not _SNAKE.fullmatch(name):
        snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
        raise ValueError(f"field names must be snake_case: write {snake!r}")
    if keyword.iskeyword(name):
        raise ValueError(f"{name!r} is a Python keyword; choose another name")
    if name in AUTOMATIC_COLUMNS:
        raise ValueError(
            f"{name!r} is reserved: fastgen adds {', '.join(AUTOMATIC_COLUMNS)} "
            "to every resource itself; remove it or choose another name"
        )
    if name.startswith("model_"):
        raise ValueError(
            f"{name!r} starts with 'model_', which pydantic reserves; "
            "choose another name"
        )
    if name in MODEL_ATTRIBUTES:
        raise ValueError(
            f"{name!r} clashes with a SQLModel/pydantic model attribute; "
            "choose another name"
        )
    if name in CLASS_BODY_NAMES:
        raise ValueError(
            f"{name!r} is a name the generated models and schemas need for their "
            f"class methods; choose another name (e.g. {name}_value)"
        )


def _pascal_hint(name: str) -> str:
    """Suggest the PascalCase spelling of ``name``, if it has one."""
    try:
        return f"; write {Names.from_name(name).class_name!r}"
    except FastgenError:
        return ""


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


def _default_text(value: object, data: Mapping[str, Any]) -> str:
    """Check a str/text default against ``max_length``."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string; quote it")
    max_length = data.get("max_length")
    if max_length is not None and len(value) > max_length:
        raise ValueError(
            f"{value!r} is longer than max_length {max_length}; shorten it or "
            f"raise the length (e.g. str{{{len(value)}}})"
        )
    return value


def _default_int(value: object, data: Mapping[str, Any]) -> int:
    """Accept a whole number (not a bool) in the 32-bit range the API accepts."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number (e.g. 0 or -1)")
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(
            f"{value} is outside the int range {INT_MIN}..{INT_MAX}; use a smaller "
            "number, or decimal{p,0} for larger ones"
        )
    return value


def _default_float(value: object, data: Mapping[str, Any]) -> float:
    """Accept a finite int or float, stored as float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number (e.g. 4.5)")
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


def _default_decimal(value: object, data: Mapping[str, Any]) -> Decimal:
    """Accept a number or numeric string that fits precision and scale."""
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        number = Decimal(value)
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        raise ValueError(f"{value!r} is not a decimal number (e.g. 9.99)")
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    precision, scale = data.get("precision"), data.get("scale")
    if precision is not None and scale is not None:
        _check_digits(number, precision, scale)
    return number


def _default_bool(value: object, data: Mapping[str, Any]) -> bool:
    """Accept only real booleans (``true``/``false``)."""
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a boolean: use true or false")
    return value


def _default_date(value: object, data: Mapping[str, Any]) -> date:
    """Accept a date or a ``YYYY-MM-DD`` string."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a valid date: use YYYY-MM-DD (e.g. 2024-01-31)")


def _default_datetime(value: object, data: Mapping[str, Any]) -> datetime:
    """Accept a datetime or an ISO 8601 string with a timezone, as the API does."""
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


def _default_uuid(value: object, data: Mapping[str, Any]) -> UUID:
    """Accept a UUID or its string form."""
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


def _default_email(value: object, data: Mapping[str, Any]) -> str:
    """Accept a string shaped like ``user@example.com``."""
    if isinstance(value, str) and _EMAIL.fullmatch(value):
        return value
    raise ValueError(f"{value!r} is not a valid email address (e.g. me@example.com)")


def _default_url(value: object, data: Mapping[str, Any]) -> str:
    """Accept an absolute http(s) URL."""
    if isinstance(value, str) and not any(char.isspace() for char in value):
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            return value
    raise ValueError(f"{value!r} is not a valid http(s) URL (e.g. https://example.com)")


def _default_json(value: object, data: Mapping[str, Any]) -> Any:
    """Accept any JSON value; objects are stored with sorted keys. Integers stay
    within what every JSON reader keeps exactly (53 bits)."""
    try:
        canonical = json.loads(json.dumps(value, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):
        canonical = None
    if canonical != value:
        raise ValueError(f"{value!r} is not a JSON value (e.g. [] or {{}})")
    if any(abs(number) > JSON_INT_MAX for number in _json_ints(canonical)):
        raise ValueError(
            f"{value!r} has an integer beyond ±{JSON_INT_MAX}, which JSON readers "
            "round; write it as a string"
        )
    return canonical


def _json_ints(value: object) -> Iterator[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_ints(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_ints(item)


def _default_enum(value: object, data: Mapping[str, Any]) -> str:
    """Accept one of the declared choices."""
    choices = data.get("choices") or []
    if not isinstance(value, str) or (choices and value not in choices):
        raise ValueError(f"{value!r} is not one of the choices {', '.join(choices)}")
    return value


def _default_ref(value: object, data: Mapping[str, Any]) -> None:
    """Refuse defaults on references."""
    raise ValueError("ref fields cannot have a default; remove it")


_DEFAULT_CHECKS: dict[FieldType, Callable[[object, Mapping[str, Any]], Any]] = {
    FieldType.STR: _default_text,
    FieldType.TEXT: _default_text,
    FieldType.INT: _default_int,
    FieldType.FLOAT: _default_float,
    FieldType.DECIMAL: _default_decimal,
    FieldType.BOOL: _default_bool,
    FieldType.DATE: _default_date,
    FieldType.DATETIME: _default_datetime,
    FieldType.UUID: _default_uuid,
    FieldType.EMAIL: _default_email,
    FieldType.URL: _default_url,
    FieldType.JSON: _default_json,
    FieldType.ENUM: _default_enum,
    FieldType.REF: _default_ref,
}


class FieldSpec(BaseModel):
    """One field of a resource.

    ``has_default`` tells "no default" (``False``) from "default null"
    (``True`` with ``default=None``, optional fields only). It is inferred from
    the presence of a ``default`` key when not given. ``default`` holds a typed
    value: ``bool``, ``int``, ``float``, ``Decimal``, ``str``, ``date``,
    ``datetime``, ``UUID`` or a JSON value.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: StrictStr
    type: FieldType
    max_length: StrictInt | None = None
    precision: StrictInt | None = None
    scale: StrictInt | None = None
    choices: list[StrictStr] | None = None
    ref: StrictStr | None = None
    optional: StrictBool = False
    has_default: StrictBool = False
    default: Any = None
    index: StrictBool = False
    unique: StrictBool = False
    description: StrictStr | None = None
    renamed_from: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_implied(cls, data: Any) -> Any:
        """Infer ``has_default`` and give ``str`` its default length."""
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        if filled.get("type") == FieldType.REF and filled.get("default", 0) is None:
            # `ref?=null` says what `ref?` already means: no reference
            filled.pop("default")
            filled["has_default"] = False
        filled.setdefault("has_default", "default" in data)
        if filled.get("type") == FieldType.STR and filled.get("max_length") is None:
            filled["max_length"] = DEFAULT_MAX_LENGTH
        return filled

    @field_validator("name")
    @classmethod
    def _valid_name(cls, name: str) -> str:
        """Apply the field naming rules."""
        _check_field_name(name)
        return name

    @field_validator("renamed_from")
    @classmethod
    def _valid_old_name(cls, name: str | None) -> str | None:
        """The field's previous name, so ``sync`` renames the column in place."""
        if name is not None:
            _check_field_name(name)
        return name

    @field_validator("description")
    @classmethod
    def _one_line(cls, text: str | None) -> str | None:
        """Descriptions land in OpenAPI and docstrings: one short line."""
        if text is not None and (not text.strip() or "\n" in text or len(text) > 200):
            raise ValueError("must be one non-empty line of at most 200 characters")
        return text

    @field_validator("max_length", "precision")
    @classmethod
    def _positive(cls, number: int | None, info: ValidationInfo) -> int | None:
        """Lengths and precisions count digits or characters."""
        if number is not None and number < 1:
            raise ValueError("must be a positive integer")
        if info.field_name == "max_length" and number is not None:
            if number > MAX_STR_LENGTH:
                raise ValueError(
                    f"{number} is over the longest str, {MAX_STR_LENGTH}: use text "
                    "for longer strings"
                )
        return number

    @field_validator("scale")
    @classmethod
    def _not_negative(cls, number: int | None) -> int | None:
        """A scale may be zero but not negative."""
        if number is not None and number < 0:
            raise ValueError("must be zero or a positive integer")
        return number

    @field_validator("choices")
    @classmethod
    def _valid_choices(cls, choices: list[str] | None) -> list[str] | None:
        """Enum choices become Python enum members: identifiers, unique."""
        if choices is None:
            return None
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
        return choices

    @field_validator("ref")
    @classmethod
    def _valid_ref(cls, target: str | None) -> str | None:
        """A ref target is a resource class name."""
        if target is not None and not _PASCAL.fullmatch(target):
            raise ValueError(
                f"{target!r} must be a PascalCase resource class name"
                f"{_pascal_hint(target)} (e.g. author:ref:Author)"
            )
        if target is not None:
            try:
                Names.from_name(target)
            except FastgenError as err:
                raise ValueError(err.message) from None
        return target

    @field_validator("default")
    @classmethod
    def _typed_default(cls, value: Any, info: ValidationInfo) -> Any:
        """Check the default against the field type and normalise it."""
        field_type = info.data.get("type")
        if value is None or field_type is None:
            return value
        return _DEFAULT_CHECKS[field_type](value, info.data)

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        """Check the combination of type, arguments, default and flags."""
        self._check_arguments()
        self._check_ref()
        self._check_default_presence()
        self._check_flags()
        self._check_enum_class()
        return self

    def _check_enum_class(self) -> None:
        """An enum's class is the resource's name plus the field's: it must not be
        one of the schema classes (``PostSort`` for a field ``sort``)."""
        suffix = "".join(part.capitalize() for part in self.name.split("_"))
        if self.type is FieldType.ENUM and suffix in _SCHEMA_CLASS_SUFFIXES:
            raise ValueError(
                f"an enum field named {self.name!r} would get the enum class name "
                f"<Resource>{suffix}, which the generated schemas already use; "
                f"choose another name (e.g. {self.name}_kind)"
            )

    def _check_arguments(self) -> None:
        """Type arguments appear exactly on the types that need them."""
        kind = self.type.value
        if self.max_length is not None and self.type is not FieldType.STR:
            raise ValueError(f"max_length only applies to str fields, not {kind}")
        decimal_args = (self.precision, self.scale)
        if self.type is FieldType.DECIMAL and None in decimal_args:
            raise ValueError(
                "decimal needs precision and scale (e.g. price:decimal{10,2})"
            )
        if self.type is not FieldType.DECIMAL and decimal_args != (None, None):
            raise ValueError(f"precision/scale only apply to decimal, not {kind}")
        if self.precision is not None and self.scale is not None:
            if self.scale > self.precision:
                raise ValueError(
                    f"scale {self.scale} is larger than precision {self.precision}; "
                    "scale counts digits after the point (e.g. decimal{10,2})"
                )
        if self.type is FieldType.ENUM and self.choices is None:
            raise ValueError(
                "enum needs its choices (e.g. status:enum{draft,published})"
            )
        if self.type is not FieldType.ENUM and self.choices is not None:
            raise ValueError(f"choices only apply to enum fields, not {kind}")

    def _check_ref(self) -> None:
        """A ref has a target and is named after the relation."""
        if self.type is FieldType.REF and self.ref is None:
            raise ValueError(
                "ref needs a target resource (write it as author:ref:Author)"
            )
        if self.type is not FieldType.REF and self.ref is not None:
            raise ValueError(
                f"a ref target only applies to ref fields, not {self.type.value}"
            )
        if self.type is FieldType.REF and self.name.endswith("_id"):
            relation = self.name.removesuffix("_id")
            raise ValueError(
                f"name ref fields after the relation: write {relation}:ref:{self.ref} "
                f"(the column is named {self.name})"
            )

    def _check_default_presence(self) -> None:
        """``default=None`` is only meaningful for optional fields."""
        if not self.has_default and self.default is not None:
            raise ValueError("a default is given but has_default is false")
        if self.has_default and self.default is None and not self.optional:
            raise ValueError(
                f"default null needs an optional field: write {self.name}:"
                f"{self.type.value}?=null, or drop the default"
            )

    def _check_flags(self) -> None:
        """text/json columns cannot be indexed or unique portably."""
        if self.type in _UNINDEXABLE and (self.index or self.unique):
            flag = "unique" if self.unique else "index"
            raise ValueError(
                f":{flag} is not supported on {self.type.value} fields (not portable "
                "across databases); use str{n} for an indexed or unique string"
            )

    @property
    def column_name(self) -> str:
        """The database column: ``author_id`` for ``author:ref:Author``."""
        return f"{self.name}_id" if self.type is FieldType.REF else self.name

    @property
    def is_required(self) -> bool:
        """True when a create request must provide this field."""
        return not self.optional and not self.has_default

    @property
    def is_filterable(self) -> bool:
        """True when the list endpoint offers an equality filter on it (not for a
        field named like one of its own query parameters, e.g. ``page``)."""
        return self.type in _FILTERABLE and self.column_name not in LIST_PARAMETERS

    @property
    def is_sortable(self) -> bool:
        """True when the list endpoint may order by it."""
        return self.type in _SORTABLE


class ResourceSpec(BaseModel):
    """A resource: its PascalCase name, fields, ownership and ejected parts.

    ``owned`` is False for ``--no-owner`` resources (no ``owner_id`` column).
    ``ejected`` lists the parts (see ``PARTS``) the user took over; it is kept
    in ``PARTS`` order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: StrictStr
    fields: list[FieldSpec]
    owned: StrictBool = True
    ejected: list[StrictStr] = []

    @field_validator("name")
    @classmethod
    def _pascal_name(cls, name: str) -> str:
        """Normalise the resource name to its PascalCase class name."""
        try:
            return Names.from_name(name).class_name
        except FastgenError as err:
            raise ValueError(err.message) from None

    @field_validator("fields")
    @classmethod
    def _distinct_fields(cls, fields: list[FieldSpec]) -> list[FieldSpec]:
        """Require at least one field and distinct names and columns."""
        if not fields:
            raise ValueError("add at least one field (e.g. title:str{200})")
        seen: dict[str, FieldSpec] = {}
        for field in fields:
            for key in dict.fromkeys((field.name, field.column_name)):
                other = seen.get(key)
                if other is not None:
                    raise ValueError(_clash_message(key, field, other))
                seen[key] = field
        return fields

    @field_validator("ejected")
    @classmethod
    def _known_parts(cls, ejected: list[str]) -> list[str]:
        """Only known parts, each once, in canonical order."""
        for part in ejected:
            if part not in PARTS:
                raise ValueError(
                    f"unknown part {part!r}; valid parts: {', '.join(PARTS)}"
                )
            if ejected.count(part) > 1:
                raise ValueError(f"part {part!r} is listed twice; list it once")
        return [part for part in PARTS if part in ejected]

    @model_validator(mode="after")
    def _owner_free(self) -> ResourceSpec:
        """Owned resources get an ``owner`` relation; no field may take its name."""
        if self.owned and any(field.name == "owner" for field in self.fields):
            raise ValueError(
                "field 'owner' is reserved for the owner relation of owned "
                "resources; rename it or use --no-owner"
            )
        return self

    @property
    def names(self) -> Names:
        """All spellings of the resource name."""
        return Names.from_name(self.name)


def _clash_message(key: str, field: FieldSpec, other: FieldSpec) -> str:
    """Describe two fields that want the same name or column."""
    if field.name == other.name:
        return f"duplicate field {key!r}; each field name may appear once"
    ref, plain = (field, other) if field.type is FieldType.REF else (other, field)
    return (
        f"field {plain.name!r} clashes with the {key!r} column of ref field "
        f"{ref.name!r}; rename one of them"
    )


def _error_parts(error: ValidationError) -> tuple[str, str]:
    """The first pydantic error as (dotted location, message)."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    if first["type"] == "value_error":
        message = str(first.get("ctx", {}).get("error", first["msg"]))
    elif first["type"] == "missing":
        message = "is required"
    else:
        message = first["msg"]
    return location, message


def _first_error(error: ValidationError) -> str:
    """The first pydantic error as ``location: message`` (or just the message)."""
    location, message = _error_parts(error)
    return f"{location}: {message}" if location else message


# --- CLI shorthand -----------------------------------------------------------


def check_field_name(name: str) -> str:
    """``name`` if it is a valid field name; otherwise a one-line ``FastgenError``."""
    try:
        _check_field_name(name)
    except ValueError as err:
        raise FastgenError(f"invalid field name {name!r}: {err}") from None
    return name


def parse_field(text: str) -> FieldSpec:
    """Parse one shorthand argument such as ``title:str{200}:index``.

    Raises ``FastgenError`` naming the argument, the problem and the fix.
    """
    try:
        return _parse_shorthand(text)
    except ValueError as err:
        raise FastgenError(f"invalid field {text!r}: {err}") from None


def parse_resource(
    name: str, field_args: list[str], *, owned: bool = True
) -> ResourceSpec:
    """Parse ``fastgen add resource NAME FIELD...`` into a ``ResourceSpec``."""
    Names.from_name(name)
    fields = [parse_field(arg) for arg in field_args]
    try:
        return ResourceSpec(name=name, fields=fields, owned=owned)
    except ValidationError as err:
        raise FastgenError(f"resource {name!r}: {_first_error(err)}") from None


def _parse_shorthand(text: str) -> FieldSpec:
    """Parse the shorthand grammar; raise ``ValueError`` with the problem."""
    name, colon, rest = text.partition(":")
    if not colon:
        raise ValueError(
            f"missing ':type' (write it as name:type, e.g. {text or 'title'}:str)"
        )
    if not name:
        raise ValueError(
            "missing field name before ':' (write it as name:type, e.g. title:str)"
        )
    type_name, rest = _take_type(rest)
    values: dict[str, Any] = {"name": name, "type": type_name}
    if type_name == FieldType.REF:
        values["ref"], rest = _take_ref_target(rest)
    if rest.startswith("{"):
        arguments, rest = _take_arguments(rest)
        values.update(_type_arguments(type_name, arguments))
    if rest.startswith("?"):
        values["optional"], rest = True, rest[1:]
    rest, flags = _take_flags(rest)
    if rest.startswith("="):
        values["default"] = _parse_default(type_name, rest[1:])
    elif rest:
        raise ValueError(_unexpected(rest))
    values.update(dict.fromkeys(flags, True))
    try:
        return FieldSpec.model_validate(values)
    except ValidationError as err:
        raise ValueError(_first_error(err)) from None


def _take_type(rest: str) -> tuple[FieldType, str]:
    """Split the type word off the front of ``rest``."""
    match = _IDENTIFIER.match(rest)
    if match is None:
        raise ValueError(
            "missing type after ':' (write it as name:type, e.g. title:str{200})"
        )
    word = match.group()
    if word not in FieldType.__members__.values():
        close = get_close_matches(word.lower(), [t.value for t in FieldType], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown type {word!r}; {hint}valid types: {_TYPE_NAMES}")
    return FieldType(word), rest[match.end() :]


def _take_ref_target(rest: str) -> tuple[str, str]:
    """Split ``:Target`` off the front of what follows ``ref``."""
    match = re.match(r":([A-Za-z_][A-Za-z0-9_]*)", rest)
    if match is None or match.group(1) in FLAGS:
        raise ValueError("ref needs a target resource (write it as author:ref:Author)")
    return match.group(1), rest[match.end() :]


def _take_arguments(rest: str) -> tuple[list[str], str]:
    """Split ``{a,b}`` off the front of ``rest``."""
    close = rest.find("}")
    if close < 0:
        raise ValueError("missing '}' after the type arguments (e.g. title:str{200})")
    return [part.strip() for part in rest[1:close].split(",")], rest[close + 1 :]


def _type_arguments(field_type: FieldType, arguments: list[str]) -> dict[str, Any]:
    """Turn ``{...}`` arguments into spec values for ``field_type``."""
    if field_type is FieldType.STR:
        (length,) = _whole_numbers(arguments, "{length}", "title:str{200}")
        return {"max_length": length}
    if field_type is FieldType.DECIMAL:
        precision, scale = _whole_numbers(
            arguments, "{precision,scale}", "price:decimal{10,2}"
        )
        return {"precision": precision, "scale": scale}
    if field_type is FieldType.ENUM:
        return {"choices": [] if arguments == [""] else arguments}
    if field_type is FieldType.TEXT:
        raise ValueError(
            f"text has no length limit; use str{{{','.join(arguments)}}} for a "
            "limited string"
        )
    raise ValueError(
        f"type {field_type.value!r} takes no {{...}} arguments; remove them"
    )


def _whole_numbers(arguments: list[str], shape: str, example: str) -> list[int]:
    """Whole numbers filling ``shape`` (e.g. ``{precision,scale}``), or an error."""
    if len(arguments) != shape.count(",") + 1 or not all(
        arg.isdecimal() for arg in arguments
    ):
        raise ValueError(
            f"expected whole numbers as {shape}, got {{{','.join(arguments)}}} "
            f"(e.g. {example})"
        )
    return [int(arg) for arg in arguments]


def _take_flags(rest: str) -> tuple[str, list[str]]:
    """Strip trailing ``:index``/``:unique`` flags; reject unknown ones."""
    flags: list[str] = []
    while True:
        head, colon, last = rest.rpartition(":")
        if not colon or last not in FLAGS:
            break
        if last in flags:
            raise ValueError(f"flag ':{last}' is given twice; give it once")
        flags.insert(0, last)
        rest = head
    if rest.startswith(":"):
        unknown = next(token for token in rest[1:].split(":") if token not in FLAGS)
        raise ValueError(
            f"unknown flag ':{unknown}'; valid flags: :index, :unique "
            "(they come last)"
        )
    return rest, flags


def _unexpected(rest: str) -> str:
    """Message for text the grammar does not allow."""
    return f"unexpected {rest!r} (the order is {GRAMMAR})"


def _parse_default(field_type: FieldType, text: str) -> object:
    """Turn the text after ``=`` into a typed value (checked by ``FieldSpec``)."""
    if text == "null":
        return None
    if field_type is FieldType.BOOL:
        if text not in ("true", "false"):
            raise ValueError(f"invalid bool default {text!r}: use true or false")
        return text == "true"
    if field_type is FieldType.INT:
        if not _INT_TEXT.fullmatch(text):
            raise ValueError(f"invalid int default {text!r}: use a whole number")
        return int(text)
    if field_type is FieldType.FLOAT:
        if not _FLOAT_TEXT.fullmatch(text):
            raise ValueError(f"invalid float default {text!r}: use a number like 4.5")
        return float(text)
    if field_type is FieldType.JSON:
        try:
            return json.loads(text)
        except ValueError:
            raise ValueError(
                f"invalid JSON default {text!r} (e.g. tags:json=[])"
            ) from None
    return text


# --- spec files ----------------------------------------------------------------


def load_spec_file(path: str | Path) -> ResourceSpec:
    """Load a ``.yaml``/``.yml``/``.toml`` spec file.

    Errors name the file and the offending key, e.g.
    ``resources/post.yaml: fields.title.max_length: must be a positive integer``.
    """
    source = Path(path)
    data = _read_spec_data(source)
    return _spec_from_data(data, str(source))


def _read_spec_data(path: Path) -> object:
    """Read and parse a spec file according to its suffix."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        raise FastgenError(
            f"{path}: unsupported spec file type; use .yaml, .yml or .toml"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise FastgenError(f"{path}: cannot read spec file: {err.strerror}") from None
    except UnicodeDecodeError:
        raise FastgenError(f"{path}: spec file is not UTF-8 text") from None
    if suffix == ".toml":
        return _parse_toml(text, path)
    return _parse_yaml(text, path)


def _parse_toml(text: str, path: Path) -> object:
    """Parse TOML text, reporting syntax errors on one line."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise FastgenError(f"{path}: invalid TOML: {err}") from None


def _parse_yaml(text: str, path: Path) -> object:
    """Parse YAML text, reporting syntax errors on one line.

    A spec is plain data: aliases (``*name``, the billion-laughs bomb) and a key
    given twice are errors, and so is a file over ``MAX_SPEC_BYTES``.
    """
    import yaml

    if len(text) > MAX_SPEC_BYTES:
        raise FastgenError(
            f"{path}: spec file is larger than {MAX_SPEC_BYTES // 1000} kB; a spec "
            "is a name and a list of fields"
        )
    try:
        return yaml.load(text, Loader=_spec_yaml_loader())
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise FastgenError(f"{path}: invalid YAML: {err.problem}{where}") from None
    except yaml.YAMLError as err:
        raise FastgenError(f"{path}: invalid YAML: {err}") from None


MAX_SPEC_BYTES = 256_000


def _spec_yaml_loader() -> type:
    """A safe YAML loader that refuses aliases and duplicate keys."""
    import yaml

    class SpecLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    "aliases (*name) are not allowed in a spec; write the value out",
                    event.start_mark,
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[object] = set()
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=True)
                    try:
                        duplicate = key in seen
                        seen.add(key)
                    except TypeError:
                        continue  # an unhashable key is reported later
                    if duplicate:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"key {key!r} is given twice",
                            key_node.start_mark,
                        )
            return super().construct_mapping(node, deep=deep)

    return SpecLoader


def _spec_from_data(data: object, source: str) -> ResourceSpec:
    """Validate parsed file data into a ``ResourceSpec``."""
    if not isinstance(data, dict):
        raise FastgenError(f"{source}: expected a mapping with 'name' and 'fields'")
    _check_keys(data, _FILE_TOP_KEYS, source)
    entries = data.get("fields")
    if not isinstance(entries, dict) or not entries:
        raise FastgenError(
            f"{source}: fields: expected a mapping of field names to types "
            "(e.g. title: str{200})"
        )
    fields = [_field_from_entry(name, entry, source) for name, entry in entries.items()]
    values = {key: data[key] for key in ("name", "owned", "ejected") if key in data}
    try:
        return ResourceSpec.model_validate({**values, "fields": fields})
    except ValidationError as err:
        raise FastgenError(f"{source}: {_first_error(err)}") from None


def _check_keys(entry: dict[Any, Any], allowed: tuple[str, ...], where: str) -> None:
    """Reject keys a spec file mapping does not know."""
    for key in entry:
        if key not in allowed:
            raise FastgenError(
                f"{where}: unknown key {key!r}; valid keys: {', '.join(allowed)}"
            )


def _field_from_entry(name: object, entry: object, source: str) -> FieldSpec:
    """Build one field from its shorthand string or mapping form."""
    where = f"{source}: fields.{name}"
    if not isinstance(name, str):
        raise FastgenError(f"{where}: field names must be strings; quote it")
    try:
        _check_field_name(name)
        if isinstance(entry, str):
            return _parse_shorthand(f"{name}:{entry}")
    except ValueError as err:
        raise FastgenError(f"{where}: {err}") from None
    if not isinstance(entry, dict):
        raise FastgenError(
            f"{where}: expected a type string like 'str{{200}}' or a mapping like "
            "{type: str, max_length: 200}"
        )
    _check_keys(entry, _FILE_FIELD_KEYS, where)
    try:
        return FieldSpec.model_validate({**entry, "name": name})
    except ValidationError as err:
        location, message = _error_parts(err)
        suffix = f".{location}" if location else ""
        raise FastgenError(f"{where}{suffix}: {message}") from None


def dump_spec(spec: ResourceSpec) -> str:
    """Render ``spec`` as canonical YAML (stable order, deterministic bytes)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        """Safe dumper that writes field entries and lists in flow style."""

    def flow_map(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.Node:
        return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)

    def flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.Node:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)

    _Dumper.add_representer(_FlowMap, flow_map)
    _Dumper.add_representer(_FlowList, flow_list)
    document: dict[str, Any] = {"name": spec.name, "owned": spec.owned}
    if spec.ejected:
        document["ejected"] = _FlowList(spec.ejected)
    document["fields"] = {field.name: _field_entry(field) for field in spec.fields}
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
    )
    return (
        f"# fastgen resource spec: the source of truth for app/"
        f"{spec.names.plural_snake}. Edit, then run `fastgen sync`.\n{body}"
    )


class _FlowMap(dict[str, Any]):
    """A mapping dumped on one line."""


class _FlowList(list[Any]):
    """A list dumped on one line."""


def _field_entry(field: FieldSpec) -> _FlowMap:
    """The file form of one field: only keys that carry information."""
    entry = _FlowMap(type=field.type.value)
    for key in ("max_length", "precision", "scale", "choices", "ref"):
        value = getattr(field, key)
        if value is not None:
            entry[key] = _FlowList(value) if isinstance(value, list) else value
    if field.optional:
        entry["optional"] = True
    if field.has_default:
        entry["default"] = _file_default(field.default)
    for flag in FLAGS:
        if getattr(field, flag):
            entry[flag] = True
    for key in ("description", "renamed_from"):
        if getattr(field, key) is not None:
            entry[key] = getattr(field, key)
    return entry


def _file_default(value: Any) -> Any:
    """Represent a typed default with YAML-native values only."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def spec_hash(spec: ResourceSpec) -> str:
    """SHA-256 hex digest of the canonical dump, for the generation manifest."""
    return hashlib.sha256(dump_spec(spec).encode("utf-8")).hexdigest()
