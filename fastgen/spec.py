"""Resource specs: the validated description of one generated resource.

A spec comes from the CLI shorthand (``fastgen add resource Post title:str{200}``)
or from a spec file (``resources/post.yaml``). Every user error is found here and
reported as a one-line ``FastgenError`` before anything is rendered.

Shorthand grammar, one argument per field::

    name:type[{args}][?][=default][:index][:unique][:search]
    name:ref:Target[?][:index][:unique]

* ``{args}``: ``str{200}`` (max length, default 255), ``decimal{10,2}``
  (precision and scale, required), ``enum{draft,published}`` (choices, required).
* ``?`` makes the field optional (nullable column, may be omitted on create).
* ``=default`` must come after ``?``. Everything after ``=`` up to trailing
  ``:index``/``:unique``/``:search`` flags is the default, so it may contain ``:``
  (``=https://x.y``, ``=2024-01-01T10:00:00Z``). ``=null`` is only allowed on
  optional fields (``subtitle:str?=null``); ``str=`` is the empty string.
* ``ref`` fields are named after the relation (``author:ref:Author``); the column
  is ``author_id``. They take no default.
* ``:search`` adds the field to the list route's ``?q=`` search (string types).
"""

from __future__ import annotations

import hashlib
import keyword
import re
from datetime import datetime, time
from decimal import Decimal
from difflib import get_close_matches
from pathlib import Path
from typing import Any
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

from fastgen.access import (
    ACCESS_NAMES,
    DEFAULT_WRITE_ROLE,
    ROLE_NAME,
    Access,
    AccessRule,
)
from fastgen.errors import FastgenError
from fastgen.field_types import (
    ARGUMENT_KEYS,
    FIELD_KINDS,
    TYPE_NAMES,
    FieldKind,
    FieldType,
    check_choices,
)
from fastgen.naming import Names

#: Parts of a generated resource a user may take over (``fastgen eject``).
PARTS = ("models", "schemas", "service", "router", "tests")
#: Trailing shorthand flags.
FLAGS = ("index", "unique", "search", "cascade", "set_null")
#: Flags that set a spec key to a value other than ``True``.
_FLAG_SETTINGS = {
    "cascade": ("on_delete", "cascade"),
    "set_null": ("on_delete", "set_null"),
}
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
#: Query parameters of every list route (``q`` searches); a field named like one
#: gets no filter.
LIST_PARAMETERS = frozenset({"page", "page_size", "sort", "expand", "q"})
#: Suffixes of the range filters ``?<column>_min=`` and ``?<column>_max=``.
RANGE_SUFFIXES = ("_min", "_max")
GRAMMAR = "name:type[{args}][?][=default][:index][:unique][:search][:cascade|:set_null]"

_FILE_FIELD_KEYS = (
    "type",
    *ARGUMENT_KEYS,
    "optional",
    "default",
    "example",
    "index",
    "unique",
    "search",
    "description",
    "renamed_from",
)
_FILE_TOP_KEYS = (
    "name",
    "owned",
    "access",
    "public_if",
    "write_role",
    "singleton",
    "unique_together",
    "ejected",
    "fields",
)
#: Longest field name; see ``naming.MAX_NAME_LENGTH``.
MAX_FIELD_NAME_LENGTH = 44
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")


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
    min_length: StrictInt | None = None
    precision: StrictInt | None = None
    scale: StrictInt | None = None
    min: Any = None
    max: Any = None
    pattern: StrictStr | None = None
    choices: list[StrictStr] | None = None
    ref: StrictStr | None = None
    on_delete: StrictStr | None = None
    optional: StrictBool = False
    has_default: StrictBool = False
    default: Any = None
    example: Any = None
    index: StrictBool = False
    unique: StrictBool = False
    search: StrictBool = False
    description: StrictStr | None = None
    renamed_from: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_implied(cls, data: Any) -> Any:
        """Infer ``has_default`` and give ``str`` its default length."""
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        kind = FIELD_KINDS.get(filled.get("type"))  # type: ignore[arg-type]
        if kind is not None:
            kind.fill_implied(filled)
        filled.setdefault("has_default", "default" in data)
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

    @field_validator("max_length", "min_length", "precision")
    @classmethod
    def _positive(cls, number: int | None) -> int | None:
        """Lengths and precisions count digits or characters."""
        if number is not None and number < 1:
            raise ValueError("must be a positive integer")
        return number

    @field_validator("min", "max")
    @classmethod
    def _typed_bound(cls, value: Any, info: ValidationInfo) -> Any:
        """A bound is a value of the field's type (checked like a default)."""
        kind = FIELD_KINDS.get(info.data.get("type"))  # type: ignore[arg-type]
        if value is None or kind is None or "min" not in kind.argument_keys:
            return value  # a bound on a type without bounds is reported later
        return kind.check_default(value, info.data)

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
        if choices is not None:
            check_choices(choices)
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

    @field_validator("default", "example")
    @classmethod
    def _typed_value(cls, value: Any, info: ValidationInfo) -> Any:
        """Check a default or an example (shown in the docs) against the field
        type and normalise it."""
        field_type = info.data.get("type")
        if value is None or field_type is None:
            return value
        return FIELD_KINDS[field_type].check_default(value, info.data)

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        """Check the combination of type, arguments, default and flags."""
        self._check_arguments()
        self.kind.check(self)
        self._check_default_presence()
        self._check_values()
        self._check_flags()
        self._check_search()
        return self

    def _check_arguments(self) -> None:
        """Type arguments appear only on the types that take them."""
        for key in ARGUMENT_KEYS:
            if getattr(self, key) is not None and key not in self.kind.argument_keys:
                takers = [
                    t.value for t, k in FIELD_KINDS.items() if key in k.argument_keys
                ]
                raise ValueError(
                    f"{key} only applies to {' and '.join(takers)} fields, not "
                    f"{self.type.value}"
                )

    def _check_values(self) -> None:
        """The default and the example keep the field's value constraints."""
        for key in ("default", "example"):
            value = getattr(self, key)
            problem = None if value is None else self.kind.value_problem(self, value)
            if problem is not None:
                raise ValueError(f"{key} {problem}")

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
        if not self.kind.indexable and (self.index or self.unique):
            flag = "unique" if self.unique else "index"
            raise ValueError(
                f":{flag} is not supported on {self.type.value} fields (not portable "
                "across databases); use str{n} for an indexed or unique string"
            )

    def _check_search(self) -> None:
        """Only string types can be searched with ``?q=``."""
        if self.search and not self.kind.searchable:
            types = [t.value for t, kind in FIELD_KINDS.items() if kind.searchable]
            raise ValueError(
                f":search is not supported on {self.type.value} fields; only on "
                f"{', '.join(types)} fields (remove it, or filter with "
                f"?{self.column_name}=)"
            )

    @property
    def column_name(self) -> str:
        """The database column: ``author_id`` for ``author:ref:Author``."""
        return self.kind.column_name(self.name)

    @property
    def is_required(self) -> bool:
        """True when a create request must provide this field."""
        return not self.optional and not self.has_default

    @property
    def is_filterable(self) -> bool:
        """True when the list endpoint offers an equality filter on it (not for a
        field named like one of its own query parameters, e.g. ``page``)."""
        return self.kind.filterable and self.column_name not in LIST_PARAMETERS

    @property
    def is_rangeable(self) -> bool:
        """True when the list endpoint offers ``?<column>_min=`` and ``_max=``."""
        return self.is_filterable and self.kind.rangeable

    @property
    def range_parameters(self) -> list[str]:
        """The names of the field's range filters (none if not rangeable)."""
        if not self.is_rangeable:
            return []
        return [f"{self.column_name}{suffix}" for suffix in RANGE_SUFFIXES]

    @property
    def filter_parameters(self) -> list[str]:
        """Every query parameter of the list endpoint that filters on the field."""
        equality = [self.column_name] if self.is_filterable else []
        return equality + self.range_parameters

    @property
    def is_sortable(self) -> bool:
        """True when the list endpoint may order by it."""
        return self.kind.sortable

    @property
    def kind(self) -> FieldKind:
        """What the field's type means: see :mod:`fastgen.field_types`."""
        return FIELD_KINDS[self.type]


class ResourceSpec(BaseModel):
    """A resource: its PascalCase name, fields, access rule and ejected parts.

    ``access`` is the rule of :mod:`fastgen.access`; ``owned`` (False for shared
    resources: no ``owner_id`` column) follows from it, and without ``access`` the
    rule follows from ``owned`` (``private`` or ``shared``), so the spec files of
    earlier versions keep their meaning. ``public_if`` names the bool field that
    makes a row of a public resource visible to others; ``write_role`` the role a
    shared resource's writes need (``None``: ``admin``). ``ejected`` lists the
    parts (see ``PARTS``) the user took over; it is kept in ``PARTS`` order.
    ``unique_together`` lists groups of field names whose values, taken together,
    occur once (per owner for owned resources).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: StrictStr
    fields: list[FieldSpec]
    owned: StrictBool = True
    access: Access = Access.PRIVATE
    public_if: StrictStr | None = None
    write_role: StrictStr | None = None
    singleton: StrictBool = False
    unique_together: list[list[StrictStr]] = []
    ejected: list[StrictStr] = []

    @model_validator(mode="before")
    @classmethod
    def _fill_access(cls, data: Any) -> Any:
        """``access`` and ``owned`` agree; either one implies the other."""
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        access = filled.get("access")
        owned = filled.get("owned", True)
        if access is None:
            if isinstance(owned, bool):
                filled["access"] = Access.PRIVATE if owned else Access.SHARED
            return filled
        if access not in tuple(Access):
            raise ValueError(
                f"unknown access {access!r}; valid access rules: {ACCESS_NAMES}"
            )
        implied = Access(access) is not Access.SHARED
        if "owned" in filled and isinstance(owned, bool) and owned != implied:
            raise ValueError(
                f"access {access} {'has' if implied else 'has no'} owners but "
                f"owned is {str(owned).lower()}; drop owned"
            )
        filled["owned"] = implied
        return filled

    @field_validator("write_role")
    @classmethod
    def _valid_role(cls, role: str | None) -> str | None:
        """A role is a simple name; the default one is not written down."""
        if role is not None and not ROLE_NAME.fullmatch(role):
            raise ValueError(
                f"write_role {role!r} is not a role name: up to 32 letters, "
                "digits, '_' and '-', starting with a letter (e.g. admin)"
            )
        return None if role == DEFAULT_WRITE_ROLE else role

    @model_validator(mode="after")
    def _access_options(self) -> ResourceSpec:
        """``public_if`` belongs to public resources and names one of their bool
        fields; ``write_role`` belongs to shared ones."""
        if self.public_if is not None:
            if self.access is not Access.PUBLIC:
                raise ValueError(
                    "public_if only applies to public resources: add --access "
                    "public (access: public) or drop it"
                )
            field = next((f for f in self.fields if f.name == self.public_if), None)
            if field is None or not field.kind.gates_visibility:
                raise ValueError(
                    f"public_if {self.public_if!r} must name a bool field of "
                    f"{self.name} (e.g. published:bool=false)"
                )
        if self.write_role is not None and self.access is not Access.SHARED:
            raise ValueError(
                "write_role only applies to shared resources: add --access shared "
                "(access: shared) or drop it"
            )
        return self

    @property
    def rule(self) -> AccessRule:
        """Who reads and who writes the rows: see :mod:`fastgen.access`."""
        return AccessRule(
            self.access, self.public_if, self.write_role or DEFAULT_WRITE_ROLE
        )

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

    @model_validator(mode="after")
    def _distinct_filters(self) -> ResourceSpec:
        """A field's filter must not share its name with another's range filter."""
        filtered = {f.column_name: f for f in self.fields if f.is_filterable}
        for field in self.fields:
            for parameter in field.range_parameters:
                other = filtered.get(parameter)
                if other is not None:
                    raise ValueError(
                        f"field {other.name!r} clashes with the range filter "
                        f"?{parameter}= of field {field.name!r}; rename "
                        f"{other.name!r} (e.g. {_renamed(parameter)})"
                    )
        return self

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
    def _singleton_shape(self) -> ResourceSpec:
        """A singleton is one row per user, read before its first write: it is
        owned and every field has a value without one."""
        if not self.singleton:
            return self
        if self.access is not Access.PRIVATE:
            raise ValueError(
                "a singleton is one row per user, so it is private: drop "
                f"--access {self.access} (or access/owned from the spec)"
            )
        for field in self.fields:
            if field.is_required:
                raise ValueError(
                    f"field {field.name!r} of a singleton needs a default or '?': "
                    "its values are returned before the first write (e.g. "
                    f"{field.name}:{field.kind.describe(field)}=...)"
                )
            if field.unique or field.ref is not None:
                raise ValueError(
                    f"field {field.name!r}: a singleton's fields cannot be unique or "
                    "refs (there is one row per user)"
                )
        return self

    @model_validator(mode="after")
    def _owner_free(self) -> ResourceSpec:
        """Owned resources get an ``owner`` relation; no field may take its name."""
        if self.owned and any(field.name == "owner" for field in self.fields):
            raise ValueError(
                "field 'owner' is reserved for the owner relation of owned "
                "resources; rename it or use --no-owner"
            )
        return self

    @field_validator("unique_together", mode="before")
    @classmethod
    def _list_of_groups(cls, groups: Any) -> Any:
        """A flat list is the most likely slip: say what the shape is."""
        if not isinstance(groups, list) or not all(
            isinstance(group, list) for group in groups
        ):
            raise ValueError(
                "expected a list of groups of field names, e.g. [[recipe, ingredient]]"
            )
        return groups

    @model_validator(mode="after")
    def _valid_unique_groups(self) -> ResourceSpec:
        """Each ``unique_together`` group names two or more distinct fields that
        can take part in a unique constraint, and is given once."""
        fields = {field.name: field for field in self.fields}
        seen: set[frozenset[str]] = set()
        for group in self.unique_together:
            shown = f"unique_together group [{', '.join(group)}]"
            if len(group) < 2:
                raise ValueError(
                    f"{shown} names {len(group)} field{'s' * (len(group) != 1)}; "
                    "a group needs at least 2 "
                    "(make a single field unique with :unique instead)"
                )
            for name in group:
                _check_group_member(self, fields.get(name), name, shown)
                if group.count(name) > 1:
                    raise ValueError(f"{shown} names {name!r} twice; name it once")
            if frozenset(group) in seen:
                raise ValueError(f"{shown} is given twice; give each group once")
            seen.add(frozenset(group))
            if self.singleton:
                raise ValueError(
                    f"{shown}: a singleton has one row per user, so nothing repeats; "
                    "drop unique_together"
                )
            self.varied_field(group)
        return self

    def varied_field(self, group: list[str]) -> FieldSpec:
        """The field of ``group`` the generated test data varies so that rows do
        not collide: a ref to another resource (each test row gets its own
        referenced row), else the first field that could be unique on its own."""
        by_name = {field.name: field for field in self.fields}
        fields = [by_name[name] for name in group]
        for field in fields:
            if field.ref is not None and field.ref != self.name:
                return field
        for field in fields:
            if field.ref is None and _could_be_unique(field):
                return field
        raise ValueError(
            f"unique_together group [{', '.join(group)}] needs a ref or a field "
            "that could be :unique on its own (e.g. a str or an int), so the "
            "generated tests can create distinct rows"
        )

    def varied_fields(self) -> set[str]:
        """The fields, not refs, whose test data is fresh in every row so that
        rows do not collide in a group: those in a group that could be unique
        (a ref gets a fresh referenced row anyway)."""
        grouped = {name for group in self.unique_together for name in group}
        return {
            field.name
            for field in self.fields
            if field.name in grouped and field.ref is None and _could_be_unique(field)
        }

    @property
    def names(self) -> Names:
        """All spellings of the resource name."""
        return Names.from_name(self.name)


def _check_group_member(
    spec: ResourceSpec, field: FieldSpec | None, name: str, shown: str
) -> None:
    """Raise ``ValueError`` unless ``field`` (named ``name``) may be in a group."""
    if field is None:
        by_column = {f.column_name: f.name for f in spec.fields}
        close = get_close_matches(name, [f.name for f in spec.fields], n=1)
        if name in by_column:
            hint = f"name the field {by_column[name]!r}, not its column"
        elif close:
            hint = f"did you mean {close[0]!r}?"
        else:
            hint = f"fields: {', '.join(f.name for f in spec.fields)}"
        raise ValueError(f"{shown} names unknown field {name!r} of {spec.name}; {hint}")
    if not field.kind.indexable:
        raise ValueError(
            f"{shown}: {field.type.value} field {name!r} cannot be part of a unique "
            "constraint (not portable across databases); use str{n} instead"
        )


def _could_be_unique(field: FieldSpec) -> bool:
    """Whether ``field`` would be valid with ``:unique`` (fresh test values)."""
    if not field.kind.uniqueable:
        return False
    try:
        FieldSpec.model_validate({**field.model_dump(), "unique": True})
    except ValidationError:
        return False
    return True


def _renamed(parameter: str) -> str:
    """``min_views`` for a field clashing with the range filter ``views_min``."""
    base, _, suffix = parameter.rpartition("_")
    return f"{suffix}_{base}"


def _clash_message(key: str, field: FieldSpec, other: FieldSpec) -> str:
    """Describe two fields that want the same name or column."""
    if field.name == other.name:
        return f"duplicate field {key!r}; each field name may appear once"
    ref, plain = (field, other) if field.ref is not None else (other, field)
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
    name: str,
    field_args: list[str],
    *,
    access: Access = Access.PRIVATE,
    public_if: str | None = None,
    write_role: str | None = None,
    singleton: bool = False,
    unique_together: list[list[str]] | None = None,
) -> ResourceSpec:
    """Parse ``fastgen add resource NAME FIELD...`` into a ``ResourceSpec``."""
    Names.from_name(name)
    fields = [parse_field(arg) for arg in field_args]
    try:
        return ResourceSpec(
            name=name,
            fields=fields,
            access=access,
            public_if=public_if,
            write_role=write_role,
            singleton=singleton,
            unique_together=unique_together or [],
        )
    except ValidationError as err:
        raise FastgenError(f"resource {name!r}: {_first_error(err)}") from None


def parse_unique_group(text: str) -> list[str]:
    """``recipe,ingredient`` (``--unique-together``) as the group's field names."""
    return [name.strip() for name in text.split(",")]


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
    kind = FIELD_KINDS[type_name]
    if kind.shorthand_target:
        values["ref"], rest = _take_ref_target(rest)
    if rest.startswith("{"):
        arguments, rest = _take_arguments(rest)
        values.update(kind.arguments(arguments))
    if rest.startswith("?"):
        values["optional"], rest = True, rest[1:]
    rest, flags = _take_flags(rest)
    if rest.startswith("="):
        text = rest[1:]
        values["default"] = None if text == "null" else kind.parse_default(text)
    elif rest:
        raise ValueError(_unexpected(rest))
    for flag in flags:
        key, value = _FLAG_SETTINGS.get(flag, (flag, True))
        if key in values:
            raise ValueError(
                "flags :cascade and :set_null exclude each other; give one"
            )
        values[key] = value
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
    if word not in FIELD_KINDS:
        close = get_close_matches(word.lower(), [t.value for t in FieldType], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown type {word!r}; {hint}valid types: {TYPE_NAMES}")
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


def _take_flags(rest: str) -> tuple[str, list[str]]:
    """Strip trailing flags (``:index``, ``:unique``, ...); reject unknown ones."""
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
        valid = ", ".join(f":{flag}" for flag in FLAGS)
        raise ValueError(
            f"unknown flag ':{unknown}'; valid flags: {valid} (they come last)"
        )
    return rest, flags


def _unexpected(rest: str) -> str:
    """Message for text the grammar does not allow."""
    return f"unexpected {rest!r} (the order is {GRAMMAR})"


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
    keys = [key for key in _FILE_TOP_KEYS if key != "fields"]
    values = {key: data[key] for key in keys if key in data}
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
    if spec.access is Access.PUBLIC:  # owned says private or shared itself
        document["access"] = spec.access.value
    for key in ("public_if", "write_role"):
        if getattr(spec, key) is not None:
            document[key] = getattr(spec, key)
    if spec.singleton:
        document["singleton"] = True
    if spec.unique_together:
        document["unique_together"] = _FlowList(
            _FlowList(group) for group in spec.unique_together
        )
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
    for key in ARGUMENT_KEYS:
        value = getattr(field, key)
        if isinstance(value, list):
            entry[key] = _FlowList(value)
        elif value is not None:
            entry[key] = _file_default(value)
    if field.optional:
        entry["optional"] = True
    if field.has_default:
        entry["default"] = _file_default(field.default)
    if field.example is not None:
        entry["example"] = _file_default(field.example)
    for flag in (flag for flag in FLAGS if flag not in _FLAG_SETTINGS):
        if getattr(field, flag) != field.kind.implied_flags.get(flag, False):
            entry[flag] = getattr(field, flag)
    for key in ("description", "renamed_from"):
        if getattr(field, key) is not None:
            entry[key] = getattr(field, key)
    return entry


def _file_default(value: Any) -> Any:
    """Represent a typed default with YAML-native values only."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | time):
        return value.isoformat()
    return value


def spec_hash(spec: ResourceSpec, *, dumped: str | None = None) -> str:
    """SHA-256 hex digest of the canonical dump, for the generation manifest
    (``dumped``: that dump, if it was already made)."""
    text = dump_spec(spec) if dumped is None else dumped
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
