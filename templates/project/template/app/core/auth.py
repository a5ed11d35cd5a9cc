"""Verification of better-auth JWTs against its JWKS.

better-auth's JWT plugin signs tokens with EdDSA (Ed25519) by default and
publishes its public keys at ``{BETTER_AUTH_URL}/api/auth/jwks``; issuer and
audience default to the origin of that URL.
"""

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError

from app.core.config import Settings
from app.core.errors import (
    ForbiddenError,
    ServiceUnavailableError,
    UnauthorizedError,
)

logger = logging.getLogger(__name__)

_REJECTED_DETAIL = "Invalid authentication token"
_KEYS_UNAVAILABLE = "Authentication keys are unavailable"
#: Tokens remembered once verified: a client sends the same token with every
#: request, and checking its signature again costs more than the rest of a read.
_VERIFIED_TOKENS = 1024


class CurrentUser(BaseModel):
    """The authenticated user, taken from the token's claims."""

    id: str = Field(min_length=1, description="better-auth user id (`sub`).")
    email: str | None = None
    name: str | None = None
    roles: list[str] = Field(
        default_factory=list,
        description="Roles from the role claim (`AUTH_ROLE_CLAIM`, default `role`).",
    )


def parse_roles(claim: Any) -> list[str]:
    """The roles a claim names: better-auth's admin plugin writes several as one
    comma-separated string (``"admin,editor"``); a list of strings works too.
    Anything else names no role."""
    if isinstance(claim, str):
        claim = claim.split(",")
    if not isinstance(claim, list):
        return []
    roles = (role.strip() for role in claim if isinstance(role, str))
    return list(dict.fromkeys(role for role in roles if role))


@dataclass(frozen=True)
class _SigningKey:
    jwk: jwt.PyJWK
    declared_alg: str | None


def _parse_jwks(document: Any) -> dict[str, _SigningKey]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ServiceUnavailableError(_KEYS_UNAVAILABLE)
    keys: dict[str, _SigningKey] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            jwk = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            logger.warning("ignoring unusable JWK", extra={"kid": entry["kid"]})
            continue
        declared_alg = entry.get("alg")
        keys[entry["kid"]] = _SigningKey(
            jwk, declared_alg if isinstance(declared_alg, str) else None
        )
    return keys


class TokenVerifier:
    """Verify bearer tokens against a cached JWKS.

    Keys come from ``settings.auth_jwks_file`` when set (development), otherwise
    from ``settings.jwks_url``. A token whose ``kid`` is unknown triggers one
    refetch (key rotation), at most once per ``auth_jwks_cooldown_seconds`` (a
    few seconds, so a just-rotated key is trusted almost at once); keys
    older than ``auth_jwks_max_age_seconds`` are refetched before use, so a key
    removed from the JWKS stops being trusted. A verified token is remembered
    until it expires or the keys are fetched again.
    """

    def __init__(
        self, settings: Settings, http_client: httpx.AsyncClient | None = None
    ) -> None:
        self._settings = settings
        self._client = http_client
        self._owns_client = http_client is None
        self._keys: dict[str, _SigningKey] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._verified: dict[str, dict[str, Any]] = {}

    async def aclose(self) -> None:
        """Close the HTTP client if this verifier created it."""
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def verify(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid token.

        Raises :class:`UnauthorizedError` for any invalid token and
        :class:`ServiceUnavailableError` when the keys cannot be loaded.
        """
        claims = self._remembered(token)
        if claims is None:
            claims = await self._check(token)
            if len(self._verified) >= _VERIFIED_TOKENS:
                del self._verified[next(iter(self._verified))]
            self._verified[token] = claims
        return claims

    def _remembered(self, token: str) -> dict[str, Any] | None:
        """The claims of ``token`` if it was verified with the current keys; one
        that has expired since is refused (PyJWT's rule: ``exp`` must be after now
        minus the leeway)."""
        claims = self._verified.get(token)
        if claims is None or self._expired():
            return None
        if claims["exp"] <= time.time() - self._settings.auth_leeway_seconds:
            del self._verified[token]
            raise UnauthorizedError("Token has expired")
        return claims

    async def _check(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise UnauthorizedError(_REJECTED_DETAIL) from exc
        algorithm = header.get("alg")
        if algorithm not in self._settings.auth_algorithms:
            raise UnauthorizedError("Token algorithm is not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise UnauthorizedError(_REJECTED_DETAIL)

        key = await self._signing_key(kid)
        if key.declared_alg is not None and key.declared_alg != algorithm:
            raise UnauthorizedError(_REJECTED_DETAIL)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.jwk.key,
                algorithms=[algorithm],
                issuer=self._settings.jwt_issuer,
                audience=self._settings.jwt_audience,
                leeway=self._settings.auth_leeway_seconds,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise UnauthorizedError("Token has expired") from exc
        except jwt.PyJWTError as exc:
            raise UnauthorizedError(_REJECTED_DETAIL) from exc
        return claims

    def roles(self, claims: dict[str, Any]) -> list[str]:
        """The roles a verified token's role claim (``AUTH_ROLE_CLAIM``) names."""
        return parse_roles(claims.get(self._settings.auth_role_claim))

    async def _signing_key(self, kid: str) -> _SigningKey:
        if self._expired():
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            await self._refresh()
            key = self._keys.get(kid)
        if key is None:
            raise UnauthorizedError(_REJECTED_DETAIL)
        return key

    def _expired(self) -> bool:
        if self._fetched_at is None:
            return False
        age = time.monotonic() - self._fetched_at
        return age >= self._settings.auth_jwks_max_age_seconds

    async def _refresh(self) -> None:
        async with self._lock:
            cooldown = self._settings.auth_jwks_cooldown_seconds
            if (
                self._fetched_at is not None
                and time.monotonic() - self._fetched_at < cooldown
                and not self._expired()
            ):
                return
            self._keys = _parse_jwks(await self._load_document())
            self._fetched_at = time.monotonic()
            self._verified.clear()

    async def _load_document(self) -> Any:
        path = self._settings.auth_jwks_file
        if path is not None:
            try:
                return json.loads(await asyncio.to_thread(path.read_text, "utf-8"))
            except (OSError, ValueError) as exc:
                logger.error("cannot read JWKS file", extra={"path": str(path)})
                raise ServiceUnavailableError(_KEYS_UNAVAILABLE) from exc

        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._settings.auth_jwks_timeout_seconds
            )
        url = self._settings.jwks_url
        try:
            response = await self._client.get(
                url, headers={"Accept": "application/json"}
            )
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.error(
                "cannot fetch JWKS", extra={"url": url, "error": type(exc).__name__}
            )
            raise ServiceUnavailableError(_KEYS_UNAVAILABLE) from exc


bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="A better-auth JWT: `Authorization: Bearer <token>`.",
)


async def get_current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> CurrentUser:
    """Authenticate the request's bearer token and return its user."""
    if credentials is None:
        raise UnauthorizedError("Not authenticated")
    verifier: TokenVerifier = request.app.state.token_verifier
    claims = await verifier.verify(credentials.credentials)
    try:
        return CurrentUser(
            id=claims["sub"],
            email=claims.get("email"),
            name=claims.get("name"),
            roles=verifier.roles(claims),
        )
    except ValidationError as exc:
        raise UnauthorizedError(_REJECTED_DETAIL) from exc


CurrentUserDep = Annotated[CurrentUser, Depends(get_current_user)]


def require_role(role: str) -> Callable[[CurrentUser], Awaitable[CurrentUser]]:
    """A dependency letting only users with ``role`` through (403 otherwise)."""

    async def check_role(user: CurrentUserDep) -> CurrentUser:
        if role not in user.roles:
            raise ForbiddenError(f"This needs the {role!r} role")
        return user

    return check_role
