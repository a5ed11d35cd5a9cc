"""The error format shared by every endpoint, and the handlers producing it.

Every error response body is ``{"detail": str, "error_code": str}`` plus
``"field_errors": {field: [messages]}`` for validation errors.
"""

import logging
from collections.abc import Mapping
from http import HTTPMethod, HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

ERROR_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}

_DESCRIPTIONS: dict[int, str] = {
    400: "The request body cannot be parsed.",
    401: "Missing, invalid or expired bearer token.",
    403: "The authenticated user may not perform this action.",
    404: "The resource does not exist or belongs to another user.",
    409: "The request conflicts with existing data.",
    413: "The request body is too large.",
    422: "The request failed validation; see `field_errors`.",
    429: "Too many requests.",
    500: "Unexpected server error.",
    503: "A dependency (database or authentication keys) is unavailable.",
}

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}
_PARAMETER_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})


class ErrorResponse(BaseModel):
    """Body of every error response."""

    detail: str = Field(description="Human-readable explanation.")
    error_code: str = Field(
        description="Stable machine-readable code.", examples=["NOT_FOUND"]
    )
    field_errors: dict[str, list[str]] | None = Field(
        default=None,
        description="Messages per dotted field path (validation errors only).",
        examples=[{"title": ["String should have at most 200 characters"]}],
    )


class AppError(Exception):
    """An error with a stable code, rendered in the standard error format."""

    def __init__(
        self,
        status_code: int,
        error_code: str,
        detail: str,
        field_errors: dict[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.error_code = error_code
        self.detail = detail
        self.field_errors = field_errors
        self.headers = dict(headers or {})


class NotFoundError(AppError):
    """The resource does not exist (or is not visible to the caller)."""

    def __init__(self, detail: str = "Resource not found") -> None:
        super().__init__(status.HTTP_404_NOT_FOUND, "NOT_FOUND", detail)


class ConflictError(AppError):
    """The request conflicts with the current state of the data."""

    def __init__(
        self,
        detail: str = "Resource already exists",
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(status.HTTP_409_CONFLICT, "CONFLICT", detail, field_errors)


class UnauthorizedError(AppError):
    """Authentication is missing or invalid."""

    def __init__(self, detail: str = "Not authenticated") -> None:
        super().__init__(
            status.HTTP_401_UNAUTHORIZED,
            "UNAUTHORIZED",
            detail,
            headers=BEARER_CHALLENGE,
        )


class ForbiddenError(AppError):
    """The caller is authenticated but not allowed to do this."""

    def __init__(self, detail: str = "Not allowed") -> None:
        super().__init__(status.HTTP_403_FORBIDDEN, "FORBIDDEN", detail)


class ServiceUnavailableError(AppError):
    """A dependency the request needs is unavailable."""

    def __init__(self, detail: str = "Service unavailable") -> None:
        super().__init__(
            status.HTTP_503_SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", detail
        )


class FieldValidationError(AppError):
    """Business-rule validation failure tied to specific fields."""

    def __init__(
        self, field_errors: dict[str, list[str]], detail: str = "Validation failed"
    ) -> None:
        super().__init__(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "VALIDATION_ERROR",
            detail,
            field_errors=field_errors,
        )


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting errors with :class:`ErrorResponse`."""
    return {
        code: {
            "model": ErrorResponse,
            "description": _DESCRIPTIONS.get(code, HTTPStatus(code).phrase),
        }
        for code in status_codes
    }


def error_json(
    status_code: int,
    error_code: str,
    detail: str,
    field_errors: dict[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Build a response in the standard error format."""
    body = ErrorResponse(
        detail=detail, error_code=error_code, field_errors=field_errors
    ).model_dump(exclude_none=True)
    return JSONResponse(status_code=status_code, content=body, headers=headers)


def _field_path(location: tuple[int | str, ...]) -> str:
    parts = list(location)
    if len(parts) > 1 and parts[0] in _PARAMETER_SOURCES:
        parts = parts[1:]
    return ".".join(str(part) for part in parts)


async def _app_error_handler(request: Request, exc: AppError) -> JSONResponse:
    return error_json(
        exc.status_code, exc.error_code, exc.detail, exc.field_errors, exc.headers
    )


async def _http_error_handler(
    request: Request, exc: StarletteHTTPException
) -> JSONResponse:
    code = exc.status_code
    default_code = "INTERNAL_ERROR" if code >= 500 else "HTTP_ERROR"
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(code).phrase
    headers = dict(exc.headers or {})
    if code == status.HTTP_401_UNAUTHORIZED:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if code == status.HTTP_405_METHOD_NOT_ALLOWED:
        headers["Allow"] = _allowed_methods(request)
    return error_json(code, ERROR_CODES.get(code, default_code), detail, None, headers)


def _allowed_methods(request: Request) -> str:
    # Starlette answers with the methods of the first route matching the path
    # only, but each method of a path is a route of its own: try every method.
    allowed = []
    for method in HTTPMethod:
        scope = {
            "type": "http",
            "path": request.scope["path"],
            "root_path": request.scope.get("root_path", ""),
            "method": method.value,
            "headers": [],
        }
        if any(
            route.matches(scope)[0] is Match.FULL for route in request.app.router.routes
        ):
            allowed.append(method.value)
    return ", ".join(allowed)


async def _validation_error_handler(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    field_errors: dict[str, list[str]] = {}
    for error in exc.errors():
        path = _field_path(tuple(error.get("loc", ())))
        field_errors.setdefault(path or "request", []).append(str(error["msg"]))
    return error_json(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        "VALIDATION_ERROR",
        "Request validation failed",
        jsonable_encoder(field_errors),
    )


async def _integrity_error_handler(
    request: Request, exc: IntegrityError
) -> JSONResponse:
    # The original message contains SQL and values: log its type only.
    logger.warning("integrity error: %s", type(exc).__name__)
    return error_json(
        status.HTTP_409_CONFLICT,
        "CONFLICT",
        "The request conflicts with existing data",
    )


def _internal_error(request_id: str | None) -> JSONResponse:
    detail = "Internal server error"
    if request_id:
        detail = f"{detail} (request id {request_id})"
    return error_json(status.HTTP_500_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", detail)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class ErrorBoundaryMiddleware:
    """Answer oversized bodies (413) and unhandled errors (500) in the error format.

    A body larger than ``max_body_size`` is refused before the app runs when its
    ``Content-Length`` says so, and as soon as it grows past the limit otherwise.
    An exception no handler took is logged once and answered with a generic 500
    (Starlette's handler would re-raise it, for the server to log it again),
    unless the app registered a handler for ``Exception`` itself.
    """

    def __init__(self, app: ASGIApp, max_body_size: int | None = None) -> None:
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_size
        declared = _declared_length(scope)
        if limit is not None and declared is not None and declared > limit:
            await _too_large()(scope, receive, send)
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if limit is not None and message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise StarletteHTTPException(status.HTTP_413_CONTENT_TOO_LARGE)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception as exc:
            if started or _has_own_error_handler(scope):
                raise
            request_id = scope.get("state", {}).get("request_id")
            logger.error(
                "unhandled error", exc_info=exc, extra={"request_id": request_id}
            )
            await _internal_error(request_id)(scope, receive, send)


def _has_own_error_handler(scope: Scope) -> bool:
    """Whether the app registered its own handler for unhandled errors."""
    app = scope.get("app")
    handlers = getattr(app, "exception_handlers", {})
    return Exception in handlers or 500 in handlers


def _too_large() -> JSONResponse:
    return error_json(
        status.HTTP_413_CONTENT_TOO_LARGE,
        ERROR_CODES[status.HTTP_413_CONTENT_TOO_LARGE],
        "Content Too Large",
    )


def install_error_handlers(app: FastAPI, max_body_size: int | None = None) -> None:
    """Render every error in the standard format; bodies over ``max_body_size``
    bytes are a 413.

    Call it before adding the request-id middleware, so that middleware also
    wraps the 413 and 500 responses.
    """
    app.exception_handler(AppError)(_app_error_handler)
    app.exception_handler(StarletteHTTPException)(_http_error_handler)
    app.exception_handler(RequestValidationError)(_validation_error_handler)
    app.exception_handler(IntegrityError)(_integrity_error_handler)
    app.add_middleware(ErrorBoundaryMiddleware, max_body_size=max_body_size)
