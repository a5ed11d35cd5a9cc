"""Application settings, read from the environment and the ``.env`` file."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Asymmetric algorithms better-auth can sign with. Symmetric (HS*) and ``none``
#: are never accepted: a public JWKS must not become an HMAC secret.
SUPPORTED_JWT_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES512", "RS256", "PS256"})


class Settings(BaseSettings):
    """Runtime configuration; every field maps to an upper-case env variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    app_env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./app.db"
    allow_sqlite_in_production: bool = False
    #: A pooled PostgreSQL connection idle longer than this is pinged before use.
    database_idle_check_seconds: float = Field(default=10.0, ge=0)
    #: Connections the pool keeps open once opened, and how many more it may open
    #: for a burst. An overflow connection is closed as soon as it is returned and
    #: reopened moments later under load, so by default there are none. A SQLite
    #: file's pool keeps the sum open.
    database_pool_size: int = Field(default=20, ge=1)
    database_max_overflow: int = Field(default=0, ge=0)
    max_body_size: int = Field(default=1_048_576, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    better_auth_url: str = "http://localhost:3000"
    auth_jwks_url: str | None = None
    auth_jwks_file: Path | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_algorithms: list[str] = Field(default_factory=lambda: ["EdDSA"], min_length=1)
    auth_leeway_seconds: int = Field(default=30, ge=0, le=300)
    auth_jwks_cooldown_seconds: float = Field(default=5.0, ge=0)
    auth_jwks_max_age_seconds: float = Field(default=600.0, ge=0)
    auth_jwks_timeout_seconds: float = Field(default=5.0, gt=0)
    auth_role_claim: str = Field(default="role", min_length=1)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("better_auth_url")
    @classmethod
    def _check_better_auth_url(cls, value: str) -> str:
        value = value.strip()
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises on an invalid port)
        except ValueError as exc:
            raise ValueError(f"BETTER_AUTH_URL is not a valid URL: {exc}") from None
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(
                "BETTER_AUTH_URL must be an absolute http(s) URL, "
                "e.g. https://auth.example.com"
            )
        return value

    @field_validator("auth_algorithms")
    @classmethod
    def _check_algorithms(cls, value: list[str]) -> list[str]:
        unsupported = sorted(set(value) - SUPPORTED_JWT_ALGORITHMS)
        if unsupported:
            allowed = ", ".join(sorted(SUPPORTED_JWT_ALGORITHMS))
            raise ValueError(
                f"AUTH_ALGORITHMS contains unsupported {unsupported}; "
                f"choose from {allowed}"
            )
        return value

    @model_validator(mode="after")
    def _refuse_dev_settings_in_production(self) -> Self:
        if self.app_env != "production":
            return self
        if self.auth_jwks_file is not None:
            raise ValueError(
                "AUTH_JWKS_FILE is a development-only setting: unset it in "
                "production so tokens are verified against the better-auth JWKS "
                "endpoint (AUTH_JWKS_URL, or BETTER_AUTH_URL + /api/auth/jwks)"
            )
        if self.is_sqlite and not self.allow_sqlite_in_production:
            raise ValueError(
                "DATABASE_URL points at SQLite, which is not meant for production: "
                "use a PostgreSQL URL, or set ALLOW_SQLITE_IN_PRODUCTION=true "
                "if you really mean it"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is SQLite."""
        return self.database_url.strip().lower().startswith("sqlite")

    @property
    def jwks_url(self) -> str:
        """URL of the better-auth JWKS endpoint."""
        if self.auth_jwks_url:
            return self.auth_jwks_url
        return f"{self.better_auth_url.rstrip('/')}/api/auth/jwks"

    @property
    def better_auth_origin(self) -> str:
        """``BETTER_AUTH_URL`` reduced to its origin, as better-auth writes it."""
        parts = urlsplit(self.better_auth_url)
        host = (parts.hostname or "").lower()
        if ":" in host:
            host = f"[{host}]"
        default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
        if parts.port is not None and parts.port != default_port:
            host = f"{host}:{parts.port}"
        return f"{parts.scheme.lower()}://{host}"

    @property
    def jwt_issuer(self) -> str:
        """Expected ``iss`` claim (better-auth uses its origin by default)."""
        return self.auth_issuer or self.better_auth_origin

    @property
    def jwt_audience(self) -> str:
        """Expected ``aud`` claim (better-auth uses its origin by default)."""
        return self.auth_audience or self.better_auth_origin


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, loaded once."""
    return Settings()
