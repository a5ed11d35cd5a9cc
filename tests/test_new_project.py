"""`fastgen new project`: the files it writes, dry-run, and every bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from fastgen import __version__
from fastgen.cli import app
from fastgen.new_project import validate_project_name
from fastgen.report import NEXT_STEPS


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("name", "slug"),
    [("blog", "blog"), ("my-app", "my_app"), ("Shop_API2", "shop_api2")],
)
def test_valid_names_give_package_slugs(name: str, slug: str) -> None:
    assert validate_project_name(name) == slug


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("my-app!", "cannot become a Python package"),
        ("123abc", "cannot become a Python package"),
        ("class", "Python keyword"),
        ("", "empty"),
        ("my app", "cannot become a Python package"),
    ],
)
def test_bad_names_fail_with_one_line_and_write_nothing(
    cli: CliRunner, tmp_path: Path, name: str, problem: str
) -> None:
    result = cli.invoke(app, ["new", "project", name])
    assert result.exit_code == 2
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert _tree(tmp_path) == []


def test_non_empty_target_is_refused_and_left_alone(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "notes.txt").write_text("mine")
    result = cli.invoke(app, ["new", "project", "blog"])
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert _tree(tmp_path) == ["blog", "blog/notes.txt"]


def test_path_through_a_file_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("x")
    result = cli.invoke(app, ["new", "project", "blog", "--path", "plain.txt/sub"])
    assert result.exit_code == 2
    assert "is not a directory" in result.stderr
    assert _tree(tmp_path) == ["plain.txt"]


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
def test_unwritable_path_is_refused(cli: CliRunner) -> None:
    result = cli.invoke(app, ["new", "project", "blog", "--path", "/sys/fastgen-test"])
    assert result.exit_code == 2
    assert "cannot write to /sys" in result.stderr
    assert not Path("/sys/fastgen-test").exists()


def test_dry_run_lists_files_and_writes_nothing(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["new", "project", "blog", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would create" in result.stdout
    assert "app/main.py" in result.stdout
    assert "nothing was written" in result.stdout
    assert _tree(tmp_path) == []


def test_new_project_writes_template_keys_and_summary(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["new", "project", "blog", "--db", "postgres"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "blog"
    for expected in (
        "app/main.py",
        "app/api.py",
        "app/models.py",
        "app/core/auth.py",
        "migrations/env.py",
        "tests/conftest.py",
        ".env",
        ".env.example",
        ".pre-commit-config.yaml",
        "keys/dev-jwks.json",
        "keys/dev-private.jwk.json",
    ):
        assert (project / expected).is_file(), expected
        assert expected in result.stdout
    assert "Next steps" in result.stdout
    readme = [line.partition("#")[0].strip() for line in (project / "README.md").open()]
    for command, _ in NEXT_STEPS:
        assert command in result.stdout
        assert command in readme, f"{command!r} is not a command of the README"
    env = (project / ".env").read_text()
    assert "DATABASE_URL=postgresql+asyncpg://" in env
    assert "keys/dev-private.jwk.json" in (project / ".gitignore").read_text()
    assert (project / "keys/dev-private.jwk.json").stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob(".fastgen-new-*")), "staging directory left behind"


def test_new_project_into_existing_empty_directory(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "parent" / "blog").mkdir(parents=True)
    result = cli.invoke(app, ["new", "project", "blog", "--path", "parent"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "parent/blog/app/main.py").is_file()
    assert "sqlite+aiosqlite" in (tmp_path / "parent/blog/.env").read_text()


def test_token_is_signed_by_the_dev_key_for_the_configured_issuer(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert cli.invoke(app, ["new", "project", "blog"]).exit_code == 0
    project = tmp_path / "blog"
    with (project / ".env").open("a") as env:
        env.write("AUTH_AUDIENCE=https://api.example.com\n")
    jwks = json.loads((project / "keys/dev-jwks.json").read_text())
    token = _token_in(cli, project, "--sub", "alice", "--ttl", "60", "--name", "Al")
    claims = jwt.decode(
        token,
        jwt.PyJWK(jwks["keys"][0]).key,
        algorithms=["EdDSA"],
        issuer="http://localhost:3000",
        audience="https://api.example.com",
    )
    assert (claims["sub"], claims["name"]) == ("alice", "Al")
    assert claims["exp"] - claims["iat"] == 60
    assert jwt.get_unverified_header(token)["kid"] == jwks["keys"][0]["kid"]


def test_token_issuer_is_the_origin_of_better_auth_url(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert cli.invoke(app, ["new", "project", "blog"]).exit_code == 0
    project = tmp_path / "blog"
    with (project / ".env").open("a") as env:
        env.write("BETTER_AUTH_URL=HTTPS://Auth.Example.com:443/app/\n")
    token = _token_in(cli, project, "--sub", "alice")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"]) == ("https://auth.example.com",) * 2


def test_token_roles_go_in_the_role_claim(cli: CliRunner, tmp_path: Path) -> None:
    assert cli.invoke(app, ["new", "project", "blog"]).exit_code == 0
    project = tmp_path / "blog"
    token = _token_in(cli, project, "--sub", "ada", "--role", "admin,editor")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["role"] == "admin,editor"
    assert "role" not in jwt.decode(
        _token_in(cli, project, "--sub", "bo"), options={"verify_signature": False}
    )

    with (project / ".env").open("a") as env:
        env.write("AUTH_ROLE_CLAIM=roles\n")
    token = _token_in(cli, project, "--sub", "ada", "--role", "a", "--role", "b")
    assert jwt.decode(token, options={"verify_signature": False})["roles"] == "a,b"

    refused = cli.invoke(
        app, ["token", "--project", str(project), "--sub", "x", "--role", "a b"]
    )
    assert refused.exit_code == 2
    assert "--role 'a b' is not a role name" in refused.stderr


def _token_in(cli: CliRunner, project: Path, *args: str) -> str:
    result = cli.invoke(app, ["token", "--project", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_token_outside_a_project_fails_clearly(cli: CliRunner) -> None:
    result = cli.invoke(app, ["token", "--sub", "alice"])
    assert result.exit_code == 2
    assert "no fastgen project found" in result.stderr


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def no_git_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine whose git has no user, and no repository above ``tmp_path``."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{name}_NAME", raising=False)
        monkeypatch.delenv(f"GIT_{name}_EMAIL", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    assert _git(tmp_path, "rev-parse", "--git-dir").returncode != 0
    assert _git(tmp_path, "config", "user.name").returncode != 0


@needs_git
@pytest.mark.usefixtures("no_git_user")
def test_new_project_is_a_repository_with_a_first_commit(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["new", "project", "blog"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "blog"
    log = _git(project, "log", "--format=%s|%an").stdout.splitlines()
    assert log == [f"Initial project from fastgen {__version__}|fastgen"]
    assert _git(project, "status", "--porcelain").stdout == ""
    committed = _git(project, "ls-files").stdout.splitlines()
    assert "keys/dev-jwks.json" in committed
    assert "keys/dev-private.jwk.json" not in committed
    assert ".env" not in committed
    assert "first commit" in result.stdout


@needs_git
@pytest.mark.usefixtures("no_git_user")
def test_no_git_option_leaves_git_alone(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["new", "project", "blog", "--no-git"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "blog/.git").exists()
    assert "repository" not in result.stdout


@needs_git
@pytest.mark.usefixtures("no_git_user")
def test_a_project_inside_a_repository_is_not_a_repository_of_its_own(
    cli: CliRunner, tmp_path: Path
) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    assert _git(outer, "init", "-q").returncode == 0
    result = cli.invoke(app, ["new", "project", "blog", "--path", "outer/apps"])
    assert result.exit_code == 0, result.output
    assert not (outer / "apps/blog/.git").exists()
    assert _git(outer, "rev-list", "--all").stdout == ""  # nothing committed
    assert "inside a git repository" in result.stdout


def test_without_git_the_project_is_created_with_a_note(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = cli.invoke(app, ["new", "project", "blog"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog/app/main.py").is_file()
    assert not (tmp_path / "blog/.git").exists()
    assert "git is not installed" in result.stdout
