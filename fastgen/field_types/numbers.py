"""Number types, with optional bounds: int, bigint, float and decimal."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fastgen.field_types.base import (
    _DECIMAL_TEXT,
    _FLOAT_TEXT,
    _INT_TEXT,
    INT32_MAX,
    INT32_MIN,
    INT64_MAX,
    INT64_MIN,
    Check,
    FieldKind,
    FieldType,
    Import,
    _within,
    literal,
    sql_identifier,
    whole_numbers,
)
from fastgen.pysource import py_literal, python_string

if TYPE_CHECKING:
    from fastgen.resource_context import FieldView
    from fastgen.spec import FieldSpec


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
        return py_literal(value)

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
    value_range: tuple[int, int] = (INT32_MIN, INT32_MAX)
    #: What to use instead for a value outside ``value_range``.
    range_hint = "use a smaller number, or decimal{p,0} for larger ones"
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
        low, high = self.value_range
        if not low <= value <= high:
            raise ValueError(
                f"{value} is outside the {self.type.value} range {low}..{high}; "
                f"{self.range_hint}"
            )
        return value

    def filter_args(self, spec: FieldSpec) -> list[str]:
        low, high = self.value_range
        return [f"ge={low}", f"le={high}"]

    def sample(self, spec: FieldSpec, variant: int) -> object:
        return 10 + variant

    def example(self, spec: FieldSpec) -> object:
        return 42

    def factory_expr(self, spec: FieldSpec) -> str:
        return "n"

    def invalid_literals(self, spec: FieldSpec) -> list[str]:
        return ['"abc"', str(self.value_range[1] + 1), '"5"', "5.5", "True"]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        low, high = self.value_range
        return ['"abc"', "5.5", str(high + 1), str(low - 1)]


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
    rounded_by_database = True  # "1.5" in a decimal{10,2} is read back as "1.50"
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
        args += [] if spec.min is None else [f"minimum={py_literal(str(spec.min))}"]
        args += [] if spec.max is None else [f"maximum={py_literal(str(spec.max))}"]
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
            py_literal("1." + "1" * (scale + 1)),
            py_literal("9" * (whole + 1)),
            '"NaN"',
            '"1e2"',
            "1",  # a JSON number: decimals are sent as strings
        ]

    def invalid_filter_literals(self, spec: FieldSpec) -> list[str]:
        whole = (spec.precision or 1) - (spec.scale or 0)
        return ['"NaN"', '"Infinity"', '"1e2"', py_literal("9" * (whole + 1))]

    def sort_key(self, value: object) -> Any:
        return Decimal(str(value))

    def compare(self, left: str, right: str) -> str:
        return f"assert Decimal(str({left})) == Decimal(str({right}))"

    def compare_value(self, actual: str, value: object) -> str:
        return f"assert Decimal({actual}) == Decimal({py_literal(str(value))})"


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


class BigIntKind(IntKind):
    """A 64-bit integer (JSON readers in JavaScript keep 53 bits exactly)."""

    type = FieldType.BIGINT
    schema_type = "Int64"
    column = "sa.BigInteger()"
    pg_type = "BIGINT"
    sa_type = "sa.BigInteger"
    value_range = (INT64_MIN, INT64_MAX)
    range_hint = "use decimal{p,0} for larger numbers"

    def model_imports(self, spec: FieldSpec) -> list[Import]:
        return [("sqlalchemy as sa",)]
