"""Bearer-token authentication against better-auth's JWKS."""

import json
import time
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI

from app.core.auth import CurrentUser, CurrentUserDep, TokenVerifier
from app.core.config import Settings
from app.core.errors import ServiceUnavailableError, UnauthorizedError
from tests.support import (
    JWKSServer,
    SigningKey,
    TokenFactory,
    make_settings,
    new_signing_key,
)

pytestmark = pytest.mark.new_app  # the fixtures below add routes to the app


@pytest.fixture(autouse=True)
def protected_route(app: FastAPI) -> None:
    """A route that requires authentication."""

    @app.get("/test/me")
    async def me(user: CurrentUserDep) -> CurrentUser:
        return user


def bearer(token: str) -> dict[str, str]:
    """Authorization headers carrying ``token``."""
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_valid_token_returns_the_user(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.get("/test/me", headers=user_headers)

    assert response.status_code == 200
    assert response.json() == {
        "id": "user-a",
        "email": "user-a@example.com",
        "name": None,
        "roles": [],
    }


@pytest.mark.parametrize(
    ("claim", "roles"),
    [
        ("admin", ["admin"]),
        ("admin, editor,admin", ["admin", "editor"]),
        (["editor", "admin"], ["editor", "admin"]),
        ("", []),
        (7, []),
    ],
)
async def test_roles_come_from_the_role_claim(
    client: httpx.AsyncClient,
    token_factory: TokenFactory,
    claim: object,
    roles: list[str],
) -> None:
    response = await client.get("/test/me", headers=bearer(token_factory(role=claim)))

    assert response.status_code == 200, response.text
    assert response.json()["roles"] == roles


def test_the_role_claim_is_a_setting() -> None:
    verifier = TokenVerifier(make_settings(auth_role_claim="https://x.test/roles"))
    claims = {"role": "admin", "https://x.test/roles": ["editor"]}

    assert verifier.roles(claims) == ["editor"]


async def test_keys_are_cached(
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    other_user_headers: dict[str, str],
    jwks_server: JWKSServer,
) -> None:
    await client.get("/test/me", headers=user_headers)
    await client.get("/test/me", headers=other_user_headers)

    assert jwks_server.requests == 1


async def test_a_verified_token_is_not_checked_again(
    verifier: TokenVerifier,
    token_factory: TokenFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = token_factory()
    claims = await verifier.verify(token)

    def no_second_check(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the token was decoded again")

    monkeypatch.setattr(jwt, "decode", no_second_check)

    assert await verifier.verify(token) == claims


async def test_a_remembered_token_still_expires(
    verifier: TokenVerifier,
    token_factory: TokenFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = token_factory()
    await verifier.verify(token)
    an_hour_later = time.time() + 3600

    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: an_hour_later)
        with pytest.raises(UnauthorizedError, match="Token has expired"):
            await verifier.verify(token)


async def test_missing_token(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await client.get("/test/me"))


async def test_non_bearer_scheme(client: httpx.AsyncClient) -> None:
    response = await client.get("/test/me", headers={"Authorization": "Basic eDp5"})

    assert_unauthorized(response)


async def test_malformed_token(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await client.get("/test/me", headers=bearer("not.a.jwt")))


async def test_expired_token(
    client: httpx.AsyncClient, token_factory: TokenFactory
) -> None:
    now = int(time.time())
    token = token_factory(iat=now - 600, exp=now - 120)

    response = await client.get("/test/me", headers=bearer(token))

    assert_unauthorized(response)
    assert response.json()["detail"] == "Token has expired"


async def test_expiry_within_leeway_is_accepted(
    client: httpx.AsyncClient, token_factory: TokenFactory
) -> None:
    token = token_factory(exp=int(time.time()) - 5)

    response = await client.get("/test/me", headers=bearer(token))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "http://evil.test"},
        {"aud": "http://other-app.test"},
        {"exp": None},
        {"iat": None},
        {"iat": "yesterday"},
    ],
    ids=["wrong-issuer", "wrong-audience", "no-exp", "no-iat", "bad-iat"],
)
async def test_invalid_claims(
    client: httpx.AsyncClient, token_factory: TokenFactory, overrides: dict[str, object]
) -> None:
    token = token_factory(**overrides)

    assert_unauthorized(await client.get("/test/me", headers=bearer(token)))


@pytest.mark.parametrize("sub", [None, ""], ids=["missing", "empty"])
async def test_token_without_subject(
    client: httpx.AsyncClient, token_factory: TokenFactory, sub: str | None
) -> None:
    token = token_factory(sub=sub)

    assert_unauthorized(await client.get("/test/me", headers=bearer(token)))


async def test_alg_none_is_rejected(
    client: httpx.AsyncClient, signing_key: SigningKey
) -> None:
    now = int(time.time())
    token = jwt.encode(
        {"sub": "user-a", "iat": now, "exp": now + 60},
        "",
        algorithm="none",
        headers={"kid": signing_key.kid},
    )

    assert_unauthorized(await client.get("/test/me", headers=bearer(token)))


async def test_hs256_signed_with_the_public_key_is_rejected(
    client: httpx.AsyncClient, signing_key: SigningKey
) -> None:
    public_pem = signing_key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    # Build the HMAC token by hand: PyJWT itself refuses PEM keys as HMAC secrets.
    signer = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256)
    header = {"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}
    payload = {"sub": "user-a", "iat": now, "exp": now + 60}
    signing_input = b".".join(
        jwt.utils.base64url_encode(json.dumps(part).encode())
        for part in (header, payload)
    )
    signature = signer.sign(signing_input, public_pem)
    token = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()

    response = await client.get("/test/me", headers=bearer(token))

    assert_unauthorized(response)
    assert response.json()["detail"] == "Token algorithm is not allowed"


async def test_token_signed_by_another_key_with_known_kid(
    client: httpx.AsyncClient, token_factory: TokenFactory
) -> None:
    token = token_factory(key=new_signing_key().private_key)

    assert_unauthorized(await client.get("/test/me", headers=bearer(token)))


async def test_unknown_kid_refetches_then_401(
    client: httpx.AsyncClient,
    token_factory: TokenFactory,
    user_headers: dict[str, str],
    jwks_server: JWKSServer,
) -> None:
    await client.get("/test/me", headers=user_headers)
    assert jwks_server.requests == 1

    token = token_factory(headers={"kid": "unknown-kid"})
    response = await client.get("/test/me", headers=bearer(token))

    assert_unauthorized(response)
    assert jwks_server.requests == 2


async def test_rotated_key_is_picked_up(
    client: httpx.AsyncClient,
    token_factory: TokenFactory,
    user_headers: dict[str, str],
    jwks_server: JWKSServer,
) -> None:
    await client.get("/test/me", headers=user_headers)
    rotated = new_signing_key()
    jwks_server.keys.append(rotated.public_jwk)

    token = token_factory(key=rotated.private_key, headers={"kid": rotated.kid})
    response = await client.get("/test/me", headers=bearer(token))

    assert response.status_code == 200
    assert jwks_server.requests == 2


async def test_jwks_unreachable_is_503(
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    jwks_server: JWKSServer,
) -> None:
    jwks_server.unreachable = True

    response = await client.get("/test/me", headers=user_headers)

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Authentication keys are unavailable",
        "error_code": "SERVICE_UNAVAILABLE",
    }


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500),
        httpx.Response(200, content=b"<html>"),
        httpx.Response(200, json={"no": "keys"}),
    ],
    ids=["server-error", "not-json", "no-keys"],
)
async def test_bad_jwks_response_is_503(
    response: httpx.Response, token_factory: TokenFactory
) -> None:
    settings = make_settings()
    transport = httpx.MockTransport(lambda _request: response)
    async with httpx.AsyncClient(transport=transport) as http_client:
        verifier = TokenVerifier(settings, http_client=http_client)
        with pytest.raises(ServiceUnavailableError):
            await verifier.verify(token_factory())


async def test_refetch_respects_the_cooldown(
    jwks_server: JWKSServer, token_factory: TokenFactory
) -> None:
    settings = make_settings(auth_jwks_cooldown_seconds=60)
    transport = httpx.MockTransport(jwks_server.handle)
    async with httpx.AsyncClient(transport=transport) as http_client:
        verifier = TokenVerifier(settings, http_client=http_client)
        await verifier.verify(token_factory())
        for _ in range(3):
            with pytest.raises(UnauthorizedError):
                await verifier.verify(token_factory(headers={"kid": "unknown"}))

    assert jwks_server.requests == 1


async def test_a_rotated_key_is_trusted_seconds_later(
    jwks_server: JWKSServer,
    token_factory: TokenFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """better-auth signs with a new key as soon as it rotates: by default the
    refetch it needs is allowed a few seconds after the previous one."""
    default = Settings.model_fields["auth_jwks_cooldown_seconds"].default
    settings = make_settings(auth_jwks_cooldown_seconds=default)
    transport = httpx.MockTransport(jwks_server.handle)
    async with httpx.AsyncClient(transport=transport) as http_client:
        verifier = TokenVerifier(settings, http_client=http_client)
        await verifier.verify(token_factory())
        rotated = new_signing_key()
        jwks_server.keys.append(rotated.public_jwk)
        now = time.monotonic()
        monkeypatch.setattr(time, "monotonic", lambda: now + 10)

        claims = await verifier.verify(
            token_factory(key=rotated.private_key, headers={"kid": rotated.kid})
        )

    assert claims["sub"] == "user-a"
    assert jwks_server.requests == 2


async def test_a_key_removed_from_the_jwks_stops_being_trusted(
    jwks_server: JWKSServer, token_factory: TokenFactory
) -> None:
    settings = make_settings(auth_jwks_cooldown_seconds=60, auth_jwks_max_age_seconds=0)
    transport = httpx.MockTransport(jwks_server.handle)
    async with httpx.AsyncClient(transport=transport) as http_client:
        verifier = TokenVerifier(settings, http_client=http_client)
        await verifier.verify(token_factory())
        jwks_server.keys.clear()
        with pytest.raises(UnauthorizedError):
            await verifier.verify(token_factory())

    # The first fetch, the max-age refetch, then the unknown-kid refetch (with a
    # max age of 0 the keys are always stale, so the cooldown does not apply).
    assert jwks_server.requests == 3


async def test_keys_are_reused_until_their_max_age(
    jwks_server: JWKSServer, token_factory: TokenFactory
) -> None:
    settings = make_settings(auth_jwks_max_age_seconds=600)
    transport = httpx.MockTransport(jwks_server.handle)
    async with httpx.AsyncClient(transport=transport) as http_client:
        verifier = TokenVerifier(settings, http_client=http_client)
        for _ in range(3):
            await verifier.verify(token_factory())

    assert jwks_server.requests == 1


async def test_local_jwks_file(
    tmp_path: Path, signing_key: SigningKey, token_factory: TokenFactory
) -> None:
    jwks_file = tmp_path / "dev-jwks.json"
    jwks_file.write_text(json.dumps({"keys": [signing_key.public_jwk]}))
    verifier = TokenVerifier(make_settings(auth_jwks_file=jwks_file))

    claims = await verifier.verify(token_factory("alice"))

    assert claims["sub"] == "alice"


async def test_missing_jwks_file_is_503(
    tmp_path: Path, token_factory: TokenFactory
) -> None:
    verifier = TokenVerifier(make_settings(auth_jwks_file=tmp_path / "missing.json"))

    with pytest.raises(ServiceUnavailableError):
        await verifier.verify(token_factory())


async def test_openapi_declares_bearer_security(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    schema = (await client.get("/openapi.json")).json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A better-auth JWT: `Authorization: Bearer <token>`.",
    }
    assert schema["paths"]["/test/me"]["get"]["security"] == [{"HTTPBearer": []}]
