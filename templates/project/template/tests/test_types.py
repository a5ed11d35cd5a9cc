"""Shared column and field types."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.dialects import sqlite

from app.core.types import HttpUrlStr, UTCDateTime, enum_values, utcnow


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
