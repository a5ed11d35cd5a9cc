"""Liveness and database health check."""

import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.db import SessionDep
from app.core.errors import ServiceUnavailableError, error_responses
from app.core.responses import DataResponse

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    """Status of the service and of its database."""

    status: Literal["ok"]
    database: Literal["ok"]


@router.get(
    "/health",
    response_model=DataResponse[HealthStatus],
    summary="Check service health",
    description="Runs `SELECT 1` against the database. No authentication needed.",
    responses=error_responses(413, 503),
)
async def health(session: SessionDep) -> DataResponse[HealthStatus]:
    """Report whether the service can reach its database."""
    try:
        connection = await session.connection()
        await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("database health check failed: %s", type(exc).__name__)
        raise ServiceUnavailableError("Database is unavailable") from exc
    return DataResponse(data=HealthStatus(status="ok", database="ok"))
