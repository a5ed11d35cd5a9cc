"""``GET /api/v1/me``: the identity carried by the token."""

import httpx

from tests.support import TokenFactory


async def test_me_returns_the_token_user(
    client: httpx.AsyncClient, token_factory: TokenFactory
) -> None:
    token = token_factory("alice", name="Alice", role="admin, editor")
    response = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "id": "alice",
            "email": "alice@example.com",
            "name": "Alice",
            "roles": ["admin", "editor"],
        }
    }


async def test_me_requires_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"] == "Bearer"
