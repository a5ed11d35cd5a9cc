"""Helpers shared by the fixtures and the tests: fake better-auth pieces."""

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core.config import Settings

AUTH_URL = "http://auth.test"
JWKS_URL = f"{AUTH_URL}/api/auth/jwks"

TokenFactory = Callable[..., str]


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair standing in for better-auth's signing key."""

    private_key: Ed25519PrivateKey
    kid: str

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public key as it appears in a JWKS."""
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }


def new_signing_key() -> SigningKey:
    """Generate a fresh signing key with a random ``kid``."""
    return SigningKey(Ed25519PrivateKey.generate(), uuid.uuid4().hex)


@dataclass
class JWKSServer:
    """A fake better-auth JWKS endpoint, served through ``httpx.MockTransport``."""

    keys: list[dict[str, Any]]
    unreachable: bool = False
    requests: int = field(default=0, init=False)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one JWKS request."""
        self.requests += 1
        if self.unreachable:
            raise httpx.ConnectError("JWKS endpoint unreachable", request=request)
        if request.url != JWKS_URL:
            return httpx.Response(404)
        return httpx.Response(200, json={"keys": self.keys})


def make_settings(**overrides: Any) -> Settings:
    """Test settings, ignoring any ``.env`` file."""
    values: dict[str, Any] = {
        "app_env": "test",
        "better_auth_url": AUTH_URL,
        "auth_jwks_url": JWKS_URL,
        "auth_jwks_file": None,
        "auth_jwks_cooldown_seconds": 0,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)
