"""X-Request-ID handling and the access log."""

import json
import logging
import re

import httpx
import pytest

from app.core.logging import JsonFormatter, request_id_var


async def test_incoming_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})

    assert response.headers["X-Request-ID"] == "abc-123"


async def test_request_id_is_generated_when_absent(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


@pytest.mark.parametrize("bad_id", ["has spaces", "x" * 129, "<script>", "a\tb"])
async def test_invalid_request_id_is_replaced(
    client: httpx.AsyncClient, bad_id: str
) -> None:
    response = await client.get("/api/v1/health", headers={"X-Request-ID": bad_id})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


async def test_errors_carry_the_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/missing", headers={"X-Request-ID": "r-1"})

    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "r-1"


async def test_one_access_log_line_per_request(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        await client.get("/api/v1/health", headers={"X-Request-ID": "log-1"})

    records = [r for r in caplog.records if r.name == "app.access"]
    assert len(records) == 1
    record = records[0]
    assert record.__dict__["method"] == "GET"
    assert record.__dict__["path"] == "/api/v1/health"
    assert record.__dict__["status"] == 200
    assert record.__dict__["duration_ms"] >= 0


def test_json_formatter_includes_request_id_and_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "app.test", "levelname": "INFO", "msg": "hello", "status": 201}
    )
    token = request_id_var.set("rid-9")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)

    payload = json.loads(line)
    assert payload["message"] == "hello"
    assert payload["request_id"] == "rid-9"
    assert payload["status"] == 201
