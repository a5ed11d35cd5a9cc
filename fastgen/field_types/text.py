"""String types: str, text, email, url, slug and enum."""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastgen.field_types.base import (
    _CHOICE,
    _EMAIL,
    _MISMATCHES,
    _SLUG,
    _UNSTORABLE_TEXT,
    DEFAULT_MAX_LENGTH,
    DEFAULT_SLUG_LENGTH,
    EMAIL_LENGTH,
    MAX_STR_LENGTH,
    SCHEMA_CLASS_SUFFIXES,
    URL_LENGTH,
    Check,
    FieldKind,
    FieldType,
    Import,
    _padded,
    _within,
    check_pattern,
    length_arguments,
    literal,
    pascal,
    sql_identifier,
    whole_numbers,
)
from fastgen.pysource import py_literal, python_string

if TYPE_CHECKING:
    from fastgen.resource_context import FieldView
    from fastgen.spec import FieldSpec


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
            f"sa_type=sa.Enum({view.enum_class}, name={py_literal(view.check_name)}, "
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
