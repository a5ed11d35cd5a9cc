"""Booleans, UUIDs and JSON values."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastgen.field_types.base import (
    JSON_INT_MAX,
    FieldKind,
    FieldType,
    Import,
    quote_sql,
)
from fastgen.pysource import py_literal

if TYPE_CHECKING:
    from fastgen.resource_context import FieldView
    from fastgen.spec import FieldSpec


class BoolKind(FieldKind):
    type = FieldType.BOOL
    model_type = "bool"
    column = "sa.Boolean()"
    pg_type = "BOOLEAN"
    family = "bool"
    uniqueable = False
    filterable = True
    gates_visibility = True

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
            return [f"default_factory=lambda: cast(JsonValue, {py_literal(value)})"]
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
