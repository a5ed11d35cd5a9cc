"""A query parameter no route declares is a 422 naming it, on every route."""

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel

pytestmark = pytest.mark.new_app  # the fixtures below add routes to the app


class Filters(BaseModel):
    color: str | None = None


@pytest.fixture
def query_app(app: FastAPI) -> FastAPI:
    """The app with a route declaring a plain parameter and a parameter model."""

    @app.get("/test/things")
    async def things(
        filters: Annotated[Filters, Query()], limit: int = 10
    ) -> dict[str, object]:
        return {"color": filters.color, "limit": limit}

    return app


async def test_unknown_query_parameter_is_a_422_naming_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/health", params={"verbose": "1"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Unknown query parameter: verbose",
        "error_code": "VALIDATION_ERROR",
        "field_errors": {"verbose": ["Unknown query parameter"]},
    }


@pytest.mark.usefixtures("query_app")
async def test_declared_parameters_and_model_fields_are_accepted(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/test/things", params={"color": "red", "limit": 2})

    assert response.status_code == 200, response.text
    assert response.json() == {"color": "red", "limit": 2}


@pytest.mark.usefixtures("query_app")
async def test_every_unknown_parameter_is_named(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/things", params={"colour": "red", "lmit": 2})

    assert response.status_code == 422
    assert set(response.json()["field_errors"]) == {"colour", "lmit"}
