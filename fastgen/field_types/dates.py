"""Calendar types: date, datetime and time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from fastgen.field_types.base import (
    _DATE_TEXT,
    _TIME_TEXT,
    FieldKind,
    FieldType,
    Import,
    quote_sql,
)
from fastgen.pysource import py_literal

if TYPE_CHECKING:
    from fastgen.resource_context import FieldView
    from fastgen.spec import FieldSpec


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
            f"datetime.fromisoformat({py_literal(value.isoformat())})"
        )


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
        return f"assert {actual} == {py_literal(value.isoformat())}"
