"""Success envelopes and pagination parameters."""

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_PAGE_SIZE = 100
#: Keeps the row offset within a 64-bit integer on every database.
MAX_PAGE = 2**31 - 1


class DataResponse(BaseModel, Generic[T]):
    """Envelope of a single item: ``{"data": ...}``."""

    data: T


class Page(BaseModel, Generic[T]):
    """Envelope of one page of a collection."""

    data: list[T]
    total: int = Field(ge=0, description="Number of items across all pages.")
    page: int = Field(ge=1, description="1-based page number.")
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")


class PageParams:
    """A page of a collection: its 1-based number and its size."""

    def __init__(self, page: int = 1, page_size: int = 50) -> None:
        self.page = page
        self.page_size = page_size

    @property
    def offset(self) -> int:
        """Number of items to skip to reach this page."""
        return (self.page - 1) * self.page_size


async def page_params(
    page: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description="1-based page number.")
    ] = 1,
    page_size: Annotated[
        int,
        Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page (max 100)."),
    ] = 50,
) -> PageParams:
    """The ``page`` and ``page_size`` query parameters, bounded.

    A coroutine on purpose: FastAPI runs a class or plain function dependency in
    its thread pool, a hop that costs more than the parsing itself.
    """
    return PageParams(page, page_size)


PageParamsDep = Annotated[PageParams, Depends(page_params)]
