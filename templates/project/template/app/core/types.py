"""Column and field types shared by every resource."""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any
from urllib.parse import urlsplit

import email_validator
import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    EmailStr,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    JsonValue,
    WithJsonSchema,
)
from pydantic_core import core_schema


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC.

    PostgreSQL keeps the offset, SQLite does not: values are converted to UTC on
    the way in and read back as aware UTC datetimes on every database.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        """Refuse naive datetimes; store aware ones in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        """Attach UTC to values read back without an offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(
        self, dialect: sa.Dialect, coltype: object
    ) -> Callable[[Any], datetime | None]:
        """Read each value as :meth:`process_result_value` does, in one call
        with the driver type's own parsing where TypeDecorator's processor makes
        three: a page of rows reads two timestamps per row."""
        parse = self.impl_instance.result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if parse is not None:
                value = parse(value)
            read: datetime = value
            if read.tzinfo is UTC:  # asyncpg's timestamptz values
                return read
            if read.tzinfo is None:  # SQLite keeps no offset
                return read.replace(tzinfo=UTC)
            return read.astimezone(UTC)

        return process


def enum_values(enum: type[Enum]) -> list[str]:
    """Store enum values (``"draft"``) rather than member names (``"DRAFT"``)."""
    return [str(member.value) for member in enum]


def _check_text(value: str) -> str:
    # PostgreSQL cannot store NUL, and a lone surrogate cannot be encoded as UTF-8
    # in the response: both would be a 500 later, so they are a 422 here.
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must not contain unpaired surrogates") from None
    return value


StorableText = AfterValidator(_check_text)
"""Refuses text no database can store or response encode (a field with its own
pattern: ``Annotated[str, Field(pattern=...), StorableText]``)."""

SafeStr = Annotated[
    str,
    AfterValidator(_check_text),
    Field(json_schema_extra={"pattern": "^[^\x00]*$"}),
]
"""A string any database can store and any response can encode."""


def _any_case(text: str) -> str:
    """A regex matching ``text`` in any case: JSON Schema patterns have no flags."""
    return "".join(
        f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in text
    )


# email-validator refuses special-use domains (example.test, x.localhost): say so.
_RESERVED_DOMAINS = "|".join(
    _any_case(name) for name in email_validator.SPECIAL_USE_DOMAIN_NAMES
)

_EMAIL_PATTERN = f"^[^@]+@(?!(.+\\.)?({_RESERVED_DOMAINS})$)"

EmailAddress = Annotated[EmailStr, Field(json_schema_extra={"pattern": _EMAIL_PATTERN})]
"""An email address at a domain that can receive mail, normalised."""


_HTTP_URL_PATTERN = f"^{_any_case('http')}[Ss]?://[^/?#@:]"


def _check_http_url(value: str) -> str:
    try:
        hostname = urlsplit(value).hostname
    except ValueError:
        hostname = None
    if not re.match(_HTTP_URL_PATTERN, value) or not hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


HttpUrlStr = Annotated[
    str,
    AfterValidator(_check_text),
    AfterValidator(_check_http_url),
    Field(json_schema_extra={"format": "uri", "pattern": _HTTP_URL_PATTERN}),
]
"""A string holding an absolute http(s) URL, stored as given."""


def _check_json(value: JsonValue) -> JsonValue:
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("numbers must be finite (no NaN or Infinity)")
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            for key, member in item.items():
                _check_text(key)
                pending.append(member)
    return value


SafeJson = Annotated[JsonValue, AfterValidator(_check_json)]
"""Any JSON value with finite numbers and storable strings."""


def _json_number(value: object) -> object:
    # The lax int/float checks that follow also take "5" and true; JSON Schema's
    # number does not (while 5.0 is an integer in both).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise ValueError("must be a JSON number")


JsonNumber = BeforeValidator(_json_number)
"""Takes JSON numbers only; constraints go before it (``Annotated[int,
Field(ge=1), JsonNumber]``): after it, pydantic leaves them out of the JSON schema."""

Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), JsonNumber]
"""A 32-bit integer sent as a JSON number (``5`` or ``5.0``, not ``"5"``)."""

Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1), JsonNumber]
"""A 64-bit integer sent as a JSON number."""

JsonFloat = Annotated[float, Field(allow_inf_nan=False), JsonNumber]
"""A finite number sent as a JSON number (not ``"1.5"`` or ``true``)."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]")
_ISO_TIME = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?$"


def _iso_date_text(value: object) -> object:
    if isinstance(value, date) or (
        isinstance(value, str) and _ISO_DATE.fullmatch(value)
    ):
        return value
    raise ValueError("must be a date in YYYY-MM-DD form")


def _iso_datetime_text(value: object) -> object:
    if isinstance(value, datetime) or (
        isinstance(value, str) and _ISO_DATETIME.match(value)
    ):
        return value
    raise ValueError("must be an RFC 3339 date-time with a timezone")


def _iso_time_text(value: object) -> object:
    if (isinstance(value, time) and value.tzinfo is None) or (
        isinstance(value, str) and re.fullmatch(_ISO_TIME, value)
    ):
        return value
    raise ValueError("must be a time of day as HH:MM[:SS[.ffffff]], without a timezone")


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


ISODate = Annotated[date, BeforeValidator(_iso_date_text)]
"""A calendar date, given as ``YYYY-MM-DD`` (not a timestamp number)."""

# Documented by its pattern alone: JSON Schema's "time" format is RFC 3339's
# full-time, which needs seconds and an offset.
ISOTime = Annotated[
    time,
    BeforeValidator(_iso_time_text),
    WithJsonSchema({"type": "string", "pattern": _ISO_TIME}),
]
"""A time of day, ``HH:MM[:SS[.ffffff]]``, without a timezone."""

_SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"

Slug = Annotated[str, Field(pattern=_SLUG)]
"""Lower-case letters and digits, with single dashes between them."""

UTCAwareDatetime = Annotated[
    AwareDatetime, BeforeValidator(_iso_datetime_text), AfterValidator(_to_utc)
]
"""A timezone-aware RFC 3339 date-time, converted to UTC (range-checked)."""


@dataclass(frozen=True)
class DecimalText:
    """``Annotated[Decimal, DecimalText(precision, scale)]``: a decimal sent as a
    plain string (``"1234.56"``), as documented.

    JSON numbers are refused: a binary float cannot say ``0.1`` exactly, and a
    JSON Schema ``multipleOf`` on floats cannot be checked reliably.
    """

    precision: int
    scale: int
    minimum: str | None = None
    maximum: str | None = None

    @property
    def pattern(self) -> str:
        """The digits allowed before and after the point."""
        whole = self.precision - self.scale
        integer = f"[0-9]{{1,{whole}}}" if whole else "0"
        fraction = f"(\\.[0-9]{{1,{self.scale}}})?" if self.scale else ""
        return f"^-?{integer}{fraction}$"

    def _check(self, value: object) -> object:
        if isinstance(value, Decimal) or (
            isinstance(value, str) and re.fullmatch(self.pattern, value)
        ):
            self._check_bounds(Decimal(value))
            return value
        raise ValueError(
            f"must be a decimal string with at most {self.precision - self.scale} "
            f"digits before the point and {self.scale} after it"
        )

    def _check_bounds(self, number: Decimal) -> None:
        if self.minimum is not None and number < Decimal(self.minimum):
            raise ValueError(f"must be at least {self.minimum}")
        if self.maximum is not None and number > Decimal(self.maximum):
            raise ValueError(f"must be at most {self.maximum}")

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Check the text before pydantic's own decimal validation."""
        return core_schema.no_info_before_validator_function(
            self._check, handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        """Document the string form, its digits and its bounds (JSON Schema has
        no bounds for numbers written as strings, hence ``x-`` keywords)."""
        documented: dict[str, Any] = {"type": "string", "pattern": self.pattern}
        if self.minimum is not None:
            documented["x-minimum"] = self.minimum
        if self.maximum is not None:
            documented["x-maximum"] = self.maximum
        return documented


def not_null_schema(schema: dict[str, Any]) -> None:
    """Document a PATCH field that may be left out but not sent as ``null``."""
    variants = schema.pop("anyOf", [])
    if isinstance(variants, list):
        for variant in variants:
            if isinstance(variant, dict) and variant != {"type": "null"}:
                schema.update(variant)
    schema.pop("default", None)
