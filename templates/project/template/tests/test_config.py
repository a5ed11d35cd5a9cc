"""Settings validation."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.support import make_settings

POSTGRES_URL = "postgresql+asyncpg://app@db.example.com/app"


def test_defaults_derive_auth_endpoints_from_better_auth_url() -> None:
    settings = make_settings(
        better_auth_url="https://auth.example.com/", auth_jwks_url=None
    )

    assert settings.jwks_url == "https://auth.example.com/api/auth/jwks"
    assert settings.jwt_issuer == "https://auth.example.com"
    assert settings.auth_algorithms == ["EdDSA"]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://auth.example.com/", "https://auth.example.com"),
        ("https://auth.example.com/api/auth", "https://auth.example.com"),
        ("HTTPS://Auth.Example.com:443", "https://auth.example.com"),
        ("http://localhost:3000/", "http://localhost:3000"),
        ("http://[::1]:3000", "http://[::1]:3000"),
    ],
)
def test_issuer_and_audience_are_the_origin_of_better_auth_url(
    url: str, origin: str
) -> None:
    """better-auth puts its bare origin in ``iss`` and ``aud``."""
    settings = make_settings(better_auth_url=url)

    assert (settings.jwt_issuer, settings.jwt_audience) == (origin, origin)


@pytest.mark.parametrize(
    "url", ["localhost:3000", "ftp://auth.example.com", "http://x:y"]
)
def test_better_auth_url_must_be_an_http_url(url: str) -> None:
    with pytest.raises(ValidationError, match="BETTER_AUTH_URL"):
        make_settings(better_auth_url=url)


def test_explicit_issuer_and_audience_win() -> None:
    settings = make_settings(auth_issuer="iss", auth_audience="aud")

    assert (settings.jwt_issuer, settings.jwt_audience) == ("iss", "aud")


def test_production_refuses_local_jwks_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="AUTH_JWKS_FILE"):
        make_settings(
            app_env="production",
            database_url=POSTGRES_URL,
            auth_jwks_file=tmp_path / "jwks.json",
        )


def test_production_refuses_sqlite() -> None:
    with pytest.raises(ValidationError, match="ALLOW_SQLITE_IN_PRODUCTION"):
        make_settings(app_env="production", database_url="sqlite:///./app.db")


def test_production_accepts_sqlite_when_allowed() -> None:
    settings = make_settings(
        app_env="production",
        database_url="sqlite:///./app.db",
        allow_sqlite_in_production=True,
    )

    assert settings.is_sqlite


def test_production_accepts_postgres() -> None:
    assert make_settings(app_env="production", database_url=POSTGRES_URL)


@pytest.mark.parametrize("algorithms", [["HS256"], ["none"], ["EdDSA", "RS384"]])
def test_unsupported_algorithms_are_rejected(algorithms: list[str]) -> None:
    with pytest.raises(ValidationError, match="AUTH_ALGORITHMS"):
        make_settings(auth_algorithms=algorithms)


def test_empty_algorithm_list_is_rejected() -> None:
    with pytest.raises(ValidationError):
        make_settings(auth_algorithms=[])


def test_log_level_is_case_insensitive() -> None:
    assert make_settings(log_level="debug").log_level == "DEBUG"
