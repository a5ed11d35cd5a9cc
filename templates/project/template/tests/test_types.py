"""Shared column and field types."""

import re
from datetime import UTC, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Annotated

import pytest
from pydantic import Field, TypeAdapter, ValidationError
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.types import (
    DecimalText,
    EmailAddress,
    HttpUrlStr,
    Int32,
    Int64,
    ISODate,
    ISOTime,
    JsonFloat,
    JsonNumber,
    SafeJson,
    SafeStr,
    Slug,
    StorableText,
    UTCAwareDatetime,
    UTCDateTime,
    enum_values,
    not_null_schema,
    utcnow,
)


def test_utcnow_is_aware_utc() -> None:
    assert utcnow().tzinfo is UTC


def test_utc_datetime_stores_utc_and_reads_back_aware() -> None:
    column = UTCDateTime()
    dialect = sqlite.dialect()
    paris = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    stored = column.process_bind_param(paris, dialect)
    assert stored == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    naive = datetime(2024, 5, 1, 10, 0)
    assert column.process_result_value(naive, dialect) == stored
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(naive, dialect)


def test_utc_datetime_reads_rows_as_aware_utc() -> None:
    utc = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=2)))
    postgres = create_async_engine("postgresql+asyncpg://localhost/db").dialect
    cases = [(sqlite.dialect(), "2024-05-01 10:00:00.000000"), (postgres, paris)]
    for dialect, stored in cases:
        read = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
        assert read is not None
        assert read(None) is None
        converted = read(stored)
        assert converted == utc
        assert converted is not None and converted.tzinfo is UTC
        if dialect is postgres:
            assert read(utc) is utc  # asyncpg's values are UTC already


def test_enum_values_are_stored_by_value() -> None:
    from enum import StrEnum

    class Colour(StrEnum):
        DARK_RED = "dark_red"

    assert enum_values(Colour) == ["dark_red"]


@pytest.mark.parametrize("url", ["https://example.com", "http://x.io/a?b=1"])
def test_http_urls_are_accepted_as_given(url: str) -> None:
    assert TypeAdapter(HttpUrlStr).validate_python(url) == url


@pytest.mark.parametrize(
    "url", ["example.com", "ftp://x.io", "https://", "javascript:x"]
)
def test_other_urls_are_rejected(url: str) -> None:
    with pytest.raises(ValidationError, match="absolute http"):
        TypeAdapter(HttpUrlStr).validate_python(url)


@pytest.mark.parametrize(
    "url", ["https://user@", "http://:80/x", "https://example.com/\x00"]
)
def test_urls_without_a_host_or_with_nul_are_rejected(url: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(HttpUrlStr).validate_python(url)


def test_urls_are_documented_with_their_format_and_pattern() -> None:
    schema = TypeAdapter(HttpUrlStr).json_schema()

    assert schema["format"] == "uri"
    assert schema["pattern"].startswith("^[Hh][Tt][Tt][Pp]")


@pytest.mark.parametrize("text", ["nul \x00", "lone \ud800", "\udfff"])
def test_strings_refuse_what_a_database_or_response_cannot_hold(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(SafeStr).validate_python(text)


def test_strings_keep_any_other_unicode() -> None:
    text = "caf\u00e9 \U0001f600 \t\n"

    assert TypeAdapter(SafeStr).validate_python(text) == text


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        [1, [2, {"deep": float("-inf")}]],
        {"key": "nul \x00"},
        {"nul \x00 key": 1},
        ["lone \ud800"],
    ],
)
def test_json_refuses_non_finite_numbers_and_unstorable_strings(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(SafeJson).validate_python(value)


def test_json_accepts_ordinary_values() -> None:
    value = {"a": [1, 2.5, None, True, "x", {"b": []}], "big": 10**30}

    assert TypeAdapter(SafeJson).validate_python(value) == value


@pytest.mark.parametrize("value", [0, 1_700_000_000, "1700000000", "2024-1-1"])
def test_dates_must_be_iso_strings(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ISODate).validate_python(value)


@pytest.mark.parametrize(
    "value",
    [
        0,
        "1700000000",
        "2024-01-01T10:00:00",
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00+01:00",
    ],
)
def test_datetimes_must_be_aware_and_in_range_in_utc(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(UTCAwareDatetime).validate_python(value)


def test_datetimes_are_converted_to_utc() -> None:
    value = TypeAdapter(UTCAwareDatetime).validate_python("2024-05-01T12:00:00+02:00")

    assert value == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert value.tzinfo is UTC


def test_not_null_schema_keeps_only_the_non_null_variant() -> None:
    schema = {
        "anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}],
        "default": None,
        "description": "Title.",
    }

    not_null_schema(schema)

    assert schema == {"type": "string", "maxLength": 5, "description": "Title."}


Price = Annotated[Decimal, DecimalText(6, 2)]


@pytest.mark.parametrize("text", ["0", "-1234.5", "1234.56", "0.05"])
def test_decimals_are_plain_strings_within_their_digits(text: str) -> None:
    assert TypeAdapter(Price).validate_python(text) == Decimal(text)


@pytest.mark.parametrize(
    "value", [1.5, 2, "12345", "1.234", "1e3", "NaN", " 1.5", "1.", ".5"]
)
def test_decimals_outside_their_documented_form_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Price).validate_python(value)


def test_decimals_are_documented_as_strings_with_their_digits() -> None:
    assert TypeAdapter(Price).json_schema() == {
        "type": "string",
        "pattern": r"^-?[0-9]{1,4}(\.[0-9]{1,2})?$",
    }


def test_numbers_are_json_numbers() -> None:
    assert TypeAdapter(Int32).validate_python(5.0) == 5
    assert TypeAdapter(JsonFloat).validate_python(2) == 2.0


@pytest.mark.parametrize("value", ["5", True, 5.5, float("inf"), 2**31])
def test_ints_refuse_strings_booleans_fractions_and_big_values(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Int32).validate_python(value)


@pytest.mark.parametrize("value", ["1.5", False, None, float("nan")])
def test_floats_refuse_strings_booleans_and_nan(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(JsonFloat).validate_python(value)


@pytest.mark.parametrize("address", ["a@example.test", "b@host.LOCALHOST", "c@x.onion"])
def test_emails_at_special_use_domains_are_refused_as_documented(address: str) -> None:
    pattern = TypeAdapter(EmailAddress).json_schema()["pattern"]

    assert re.match(pattern, address) is None
    with pytest.raises(ValidationError):
        TypeAdapter(EmailAddress).validate_python(address)


def test_deliverable_emails_match_the_documented_pattern() -> None:
    pattern = TypeAdapter(EmailAddress).json_schema()["pattern"]

    assert re.match(pattern, "someone@testing.example.com")
    assert TypeAdapter(EmailAddress).validate_python("a@Example.com") == "a@example.com"


def test_optional_ints_document_their_range() -> None:
    schema = TypeAdapter(Int32 | None).json_schema()

    assert schema["anyOf"][0] == {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }


def test_bigints_hold_64_bits_as_json_numbers() -> None:
    adapter = TypeAdapter(Int64)
    assert adapter.validate_python(2**63 - 1) == 2**63 - 1
    for value in (2**63, "5", True):
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def test_bounds_before_json_number_are_checked_and_documented() -> None:
    adapter = TypeAdapter(Annotated[int, Field(ge=1, le=5), JsonNumber])
    assert [adapter.validate_python(value) for value in (1, 5)] == [1, 5]
    for value in (0, 6, "3"):
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
    assert adapter.json_schema() == {"type": "integer", "minimum": 1, "maximum": 5}


@pytest.mark.parametrize("text", ["09:30", "09:30:15", "23:59:59.123456"])
def test_times_are_iso_times_of_day(text: str) -> None:
    assert TypeAdapter(ISOTime).validate_python(text) == time.fromisoformat(text)


@pytest.mark.parametrize("value", ["25:00", "09:30+02:00", "0930", 930, "9:30"])
def test_times_with_a_zone_or_in_other_forms_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ISOTime).validate_python(value)


@pytest.mark.parametrize("text", ["a", "my-first-post", "2024-recap"])
def test_slugs_are_lower_case_words_joined_by_dashes(text: str) -> None:
    assert TypeAdapter(Slug).validate_python(text) == text


@pytest.mark.parametrize("text", ["", "Upper", "two--dashes", "-lead", "tail-", "a_b"])
def test_other_slugs_are_rejected(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Slug).validate_python(text)


def test_a_pattern_field_still_refuses_unstorable_text() -> None:
    adapter = TypeAdapter(Annotated[str, Field(pattern="^.*$"), StorableText])
    assert adapter.validate_python("fine") == "fine"
    with pytest.raises(ValidationError):
        adapter.validate_python("nul \x00")


def test_decimal_bounds_are_checked_and_documented() -> None:
    adapter = TypeAdapter(
        Annotated[Decimal, DecimalText(6, 2, minimum="0.50", maximum="100")]
    )
    assert adapter.validate_python("0.50") == Decimal("0.50")
    assert adapter.validate_python("100.00") == Decimal("100")
    for text in ("0.49", "100.01"):
        with pytest.raises(ValidationError, match="must be at"):
            adapter.validate_python(text)
    schema = adapter.json_schema()
    assert (schema["x-minimum"], schema["x-maximum"]) == ("0.50", "100")
