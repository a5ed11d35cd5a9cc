"""Column and field types shared by every resource."""

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic import AfterValidator


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


def enum_values(enum: type[Enum]) -> list[str]:
    """Store enum values (``"draft"``) rather than member names (``"DRAFT"``)."""
    return [str(member.value) for member in enum]


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


HttpUrlStr = Annotated[str, AfterValidator(_check_http_url)]
"""A string holding an absolute http(s) URL, stored as given."""
