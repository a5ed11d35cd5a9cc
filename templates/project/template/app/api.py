"""Version 1 of the HTTP API: one ``include_router`` line per feature."""

from fastapi import APIRouter

from app.core.health import router as health_router
from app.core.me import router as me_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
api_router.include_router(me_router)
