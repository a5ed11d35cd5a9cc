"""``fastgen token``: a development JWT that the project's own app accepts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from fastgen.errors import FastgenError
from fastgen.project_config import ProjectConfig

DEFAULT_AUTH_URL = "http://localhost:3000"
DEFAULT_ROLE_CLAIM = "role"
MAX_TTL = 366 * 24 * 3600  # a development token never outlives a year


def mint_dev_token(
    config: ProjectConfig,
    *,
    sub: str,
    ttl: int,
    email: str | None = None,
    name: str | None = None,
    roles: list[str] | None = None,
) -> str:
    """Sign a token with the project's dev key, for the issuer/audience it expects.

    ``roles`` go in the claim the app reads them from (``AUTH_ROLE_CLAIM``,
    default ``role``), comma-separated as better-auth's admin plugin writes them.
    """
    if not sub:
        raise FastgenError(
            "--sub must not be empty: pass the user id, e.g. --sub alice"
        )
    if not 0 < ttl <= MAX_TTL:
        raise FastgenError(
            f"--ttl must be between 1 and {MAX_TTL} seconds (one year), got {ttl}: "
            "e.g. --ttl 3600"
        )
    role_list = _role_list(roles or [])
    import jwt

    jwk = _load_private_jwk(config.root / config.dev_private_key)
    env = _project_env(config.root)
    auth_url = _origin(env.get("BETTER_AUTH_URL") or DEFAULT_AUTH_URL)
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": sub,
        "iss": env.get("AUTH_ISSUER") or auth_url,
        "aud": env.get("AUTH_AUDIENCE") or auth_url,
        "iat": now,
        "exp": now + ttl,
    }
    claims |= {k: v for k, v in (("email", email), ("name", name)) if v is not None}
    if role_list:
        claims[env.get("AUTH_ROLE_CLAIM") or DEFAULT_ROLE_CLAIM] = ",".join(role_list)
    key = jwt.PyJWK.from_dict(jwk, algorithm="EdDSA")
    return jwt.encode(claims, key.key, algorithm="EdDSA", headers={"kid": jwk["kid"]})


def _role_list(values: list[str]) -> list[str]:
    """The roles of repeated or comma-separated ``--role`` options, each once."""
    from fastgen.access import ROLE_NAME

    roles = [role.strip() for value in values for role in value.split(",")]
    for role in roles:
        if not ROLE_NAME.fullmatch(role):
            raise FastgenError(
                f"--role {role!r} is not a role name: up to 32 letters, digits, "
                "'_' and '-', starting with a letter, e.g. --role admin"
            )
    return list(dict.fromkeys(roles))


def _origin(url: str) -> str:
    """The origin of ``url``: what the project expects in ``iss`` and ``aud``
    (see ``Settings.better_auth_origin`` in the generated ``core/config.py``)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def _load_private_jwk(path: Path) -> dict[str, str]:
    try:
        jwk = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FastgenError(
            f"no dev signing key at {path}: it is created by `fastgen new project`; "
            "point [tool.fastgen] dev_private_key at it"
        ) from None
    except (OSError, ValueError) as exc:
        raise FastgenError(f"cannot read the dev signing key {path}: {exc}") from exc
    if not isinstance(jwk, dict) or not {"kid", "d", "x"} <= jwk.keys():
        raise FastgenError(f"{path} is not an Ed25519 private JWK with a kid")
    return jwk


def _project_env(root: Path) -> dict[str, str]:
    """The project's ``.env`` values, overridden by the process environment."""
    values: dict[str, str] = {}
    env_file = root / ".env"
    if env_file.is_file():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                values[key.strip()] = value.strip().strip("\"'")
    names = ("BETTER_AUTH_URL", "AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_ROLE_CLAIM")
    values |= {name: os.environ[name] for name in names if name in os.environ}
    return values
