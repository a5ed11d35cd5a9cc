"""References to rows of another resource, and what deleting those rows does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastgen.field_types.base import (
    FieldType,
    Import,
)
from fastgen.field_types.scalars import UuidKind
from fastgen.pysource import py_literal

if TYPE_CHECKING:
    from fastgen.resource_context import FieldView
    from fastgen.spec import FieldSpec


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
            f"ondelete={py_literal(on_delete_sql(view.spec))}",
        ]


#: What deleting a referenced row does to the rows referring to it (``restrict``,
#: the default, refuses with a 409).
ON_DELETE = {"restrict": "RESTRICT", "cascade": "CASCADE", "set_null": "SET NULL"}


def on_delete_sql(spec: FieldSpec) -> str:
    """The foreign key's ``ON DELETE`` action for a ref field."""
    return ON_DELETE[spec.on_delete or "restrict"]
