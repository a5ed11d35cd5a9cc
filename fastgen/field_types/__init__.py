"""The field-type registry: everything fastgen knows about each field type.

Each type is one small class (``FieldKind``), registered in ``FIELD_KINDS``: its
``{...}`` argument grammar, how its defaults are parsed and checked, its database
column, its Python types in the model, the request schemas and the filters,
whether it can be indexed, filtered, searched and sorted, and the values the
generated tests use. The rest of fastgen asks the field's kind (``field.kind``)
and never branches on the type itself, so adding a type or an argument is a
change here plus the templates that print what it returns.
"""

from __future__ import annotations

from fastgen.field_types.base import (
    MAX_STR_LENGTH,
    Check,
    FieldKind,
    FieldType,
    Import,
    literal,
    pascal,
    quote_sql,
    sql_identifier,
)
from fastgen.field_types.dates import DateKind, DatetimeKind, TimeKind
from fastgen.field_types.numbers import BigIntKind, DecimalKind, FloatKind, IntKind
from fastgen.field_types.refs import ON_DELETE, RefKind, on_delete_sql
from fastgen.field_types.scalars import BoolKind, JsonKind, UuidKind
from fastgen.field_types.text import (
    EmailKind,
    EnumKind,
    SlugKind,
    StrKind,
    TextKind,
    UrlKind,
    check_choices,
)

__all__ = [
    "ARGUMENT_KEYS",
    "FIELD_KINDS",
    "MAX_STR_LENGTH",
    "ON_DELETE",
    "OWNER_ID_KIND",
    "TYPE_NAMES",
    "Check",
    "FieldKind",
    "FieldType",
    "Import",
    "check_choices",
    "literal",
    "on_delete_sql",
    "pascal",
    "quote_sql",
    "sql_identifier",
]

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
