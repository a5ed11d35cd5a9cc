"""The development signing key a new project trusts when no JWKS URL is set."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

PUBLIC_JWKS = Path("keys/dev-jwks.json")
PRIVATE_JWK = Path("keys/dev-private.jwk.json")


def write_dev_keys(project_dir: Path) -> list[Path]:
    """Create an Ed25519 key pair: a public JWKS and a private JWK (mode 0600)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public_jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(public)}
    public_jwk |= {"kid": _thumbprint(public_jwk), "alg": "EdDSA", "use": "sig"}
    private_jwk = public_jwk | {"d": _b64url(private)}

    public_path = project_dir / PUBLIC_JWKS
    private_path = project_dir / PRIVATE_JWK
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_text(json.dumps({"keys": [public_jwk]}, indent=2) + "\n")
    private_path.touch(mode=0o600)
    private_path.write_text(json.dumps(private_jwk, indent=2) + "\n")
    return [PUBLIC_JWKS, PRIVATE_JWK]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint: the hash of the required members in lexical order."""
    canonical = json.dumps(
        {name: jwk[name] for name in ("crv", "kty", "x")}, separators=(",", ":")
    )
    return _b64url(hashlib.sha256(canonical.encode()).digest())
