"""Application factory and the ASGI application served by uvicorn."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app import PROJECT_DESCRIPTION, PROJECT_NAME, VERSION
from app.api import api_router
from app.core.auth import TokenVerifier
from app.core.config import Settings, get_settings
from app.core.db import (
    create_engine,
    create_read_session_factory,
    create_session_factory,
    create_session_slots,
    create_write_turn,
)
from app.core.errors import install_error_handlers
from app.core.logging import RequestIDMiddleware, configure_logging
from app.core.query import reject_unknown_query_parameters


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
) -> FastAPI:
    """Build the application.

    ``engine`` and ``token_verifier`` default to ones built from ``settings``;
    tests pass their own (an isolated database, a mocked JWKS endpoint). The
    application disposes of both when it shuts down.
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await app.state.token_verifier.aclose()
            await app.state.engine.dispose()

    app = FastAPI(
        title=PROJECT_NAME,
        description=PROJECT_DESCRIPTION,
        version=VERSION,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query_parameters)],
    )
    use_backends(
        app,
        settings,
        engine=engine or create_engine(settings),
        token_verifier=token_verifier or TokenVerifier(settings),
    )
    install_error_handlers(app, max_body_size=settings.max_body_size)
    app.add_middleware(RequestIDMiddleware)
    app.include_router(api_router)
    return app


def use_backends(
    app: FastAPI,
    settings: Settings,
    *,
    engine: AsyncEngine,
    token_verifier: TokenVerifier,
) -> None:
    """Point ``app`` at ``settings``, the database of ``engine`` and ``token_verifier``.

    The tests move one application from test database to test database with it:
    FastAPI prepares every route (its validators and serializers) on an
    application's first request, work a new application per test would repeat.
    """
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.read_session_factory = create_read_session_factory(engine)
    app.state.session_slots = create_session_slots(engine)
    app.state.write_turn = create_write_turn(engine)
    app.state.token_verifier = token_verifier


app = create_app()
