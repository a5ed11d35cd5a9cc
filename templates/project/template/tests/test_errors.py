"""Every error uses the standard ``{"detail", "error_code", ...}`` format."""

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from app.core.errors import (
    ConflictError,
    FieldValidationError,
    ForbiddenError,
    NotFoundError,
)

pytestmark = pytest.mark.new_app  # the fixtures below add routes to the app


class Payload(BaseModel):
    title: str = Field(max_length=5)
    count: int


@pytest.fixture
def error_app(app: FastAPI) -> FastAPI:
    """The app with a few routes that fail on purpose."""

    @app.post("/test/items")
    async def create_item(payload: Payload, limit: int = 10) -> dict[str, str]:
        return {"title": payload.title}

    @app.get("/test/items")
    async def list_items() -> list[str]:
        return []

    @app.get("/test/crash")
    async def crash() -> None:
        raise RuntimeError("secret database password is hunter2")

    @app.get("/test/integrity")
    async def integrity() -> None:
        raise IntegrityError("INSERT INTO secrets VALUES (1)", {}, Exception("dup"))

    @app.get("/test/not-found")
    async def not_found() -> None:
        raise NotFoundError("Post not found")

    @app.get("/test/conflict")
    async def conflict() -> None:
        raise ConflictError()

    @app.get("/test/forbidden")
    async def forbidden() -> None:
        raise ForbiddenError()

    @app.get("/test/rule")
    async def rule() -> None:
        raise FieldValidationError({"ends_at": ["must be after starts_at"]})

    @app.get("/test/http/{code}")
    async def http_error(code: int) -> None:
        raise HTTPException(status_code=code)

    return app


async def test_unknown_route_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nope")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found", "error_code": "NOT_FOUND"}


async def test_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/health")

    assert response.status_code == 405
    assert response.json()["error_code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["allow"]


@pytest.mark.usefixtures("error_app")
@pytest.mark.parametrize("method", ["DELETE", "OPTIONS", "TRACE"])
async def test_405_allows_every_method_of_the_path(
    client: httpx.AsyncClient, method: str
) -> None:
    response = await client.request(method, "/test/items")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert response.json()["error_code"] == "METHOD_NOT_ALLOWED"
    assert "X-Request-ID" in response.headers


@pytest.mark.usefixtures("error_app")
async def test_validation_errors_are_keyed_by_field(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/test/items?limit=many", json={"title": "too long", "count": "x"}
    )

    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "VALIDATION_ERROR"
    assert body["detail"] == "Request validation failed"
    assert set(body["field_errors"]) == {"title", "count", "limit"}
    assert all(isinstance(m, str) for ms in body["field_errors"].values() for m in ms)


@pytest.mark.usefixtures("error_app")
async def test_malformed_json_is_a_validation_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/test/items", content=b"{", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"


@pytest.mark.usefixtures("error_app")
async def test_unparseable_body_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/test/items",
        content=b'{"title": "\xff"}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error_code"] == "BAD_REQUEST"
    assert "X-Request-ID" in response.headers


async def test_unhandled_error_is_handled_and_logged_once(
    error_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """The app answers the 500 itself: an exception reaching the server would be
    logged a second time, without the request id."""
    transport = httpx.ASGITransport(app=error_app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        with caplog.at_level(logging.ERROR, logger="app"):
            response = await c.get("/test/crash")

    assert response.status_code == 500
    assert response.json()["error_code"] == "INTERNAL_ERROR"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["unhandled error"]


async def test_an_apps_own_handler_for_unhandled_errors_is_kept(
    error_app: FastAPI, client: httpx.AsyncClient
) -> None:
    @error_app.exception_handler(Exception)
    async def own_handler(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"handled_by": "the app"}, status_code=500)

    response = await client.get("/test/crash")

    assert response.status_code == 500
    assert response.json() == {"handled_by": "the app"}


@pytest.mark.usefixtures("error_app")
async def test_unhandled_error_is_generic_500(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/crash", headers={"X-Request-ID": "req-123"})

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Internal server error (request id req-123)",
        "error_code": "INTERNAL_ERROR",
    }
    assert response.headers["X-Request-ID"] == "req-123"
    assert "hunter2" not in response.text


@pytest.mark.usefixtures("error_app")
async def test_integrity_error_is_409_without_sql(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/integrity")

    assert response.status_code == 409
    assert response.json()["error_code"] == "CONFLICT"
    assert "INSERT" not in response.text


@pytest.mark.usefixtures("error_app")
@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/test/not-found",
            404,
            {"detail": "Post not found", "error_code": "NOT_FOUND"},
        ),
        (
            "/test/conflict",
            409,
            {"detail": "Resource already exists", "error_code": "CONFLICT"},
        ),
        ("/test/forbidden", 403, {"detail": "Not allowed", "error_code": "FORBIDDEN"}),
        (
            "/test/rule",
            422,
            {
                "detail": "Validation failed",
                "error_code": "VALIDATION_ERROR",
                "field_errors": {"ends_at": ["must be after starts_at"]},
            },
        ),
    ],
)
async def test_app_errors(
    client: httpx.AsyncClient, path: str, status: int, body: dict[str, object]
) -> None:
    response = await client.get(path)

    assert response.status_code == status
    assert response.json() == body


@pytest.mark.usefixtures("error_app")
@pytest.mark.parametrize(
    ("code", "error_code"),
    [(400, "BAD_REQUEST"), (429, "RATE_LIMITED"), (418, "HTTP_ERROR")],
)
async def test_http_exceptions_get_stable_codes(
    client: httpx.AsyncClient, code: int, error_code: str
) -> None:
    response = await client.get(f"/test/http/{code}")

    assert response.status_code == code
    assert response.json()["error_code"] == error_code


async def test_oversized_body_is_rejected(
    error_app: FastAPI, client: httpx.AsyncClient
) -> None:
    size = error_app.state.settings.max_body_size + 1
    json_headers = {"Content-Type": "application/json"}

    async def chunks() -> AsyncIterator[bytes]:
        yield b"x" * size

    declared = await client.post(
        "/test/items", content=b"x" * size, headers=json_headers
    )
    streamed = await client.post("/test/items", content=chunks(), headers=json_headers)

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["error_code"] == "PAYLOAD_TOO_LARGE"
        assert "X-Request-ID" in response.headers


async def test_declared_oversized_body_is_413_on_any_route(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    size = app.state.settings.max_body_size + 1

    response = await client.request("GET", "/api/v1/health", content=b"x" * size)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "Content Too Large",
        "error_code": "PAYLOAD_TOO_LARGE",
    }
    assert "X-Request-ID" in response.headers
