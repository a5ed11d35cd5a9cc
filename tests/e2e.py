"""Helpers for end-to-end tests that drive a generated project in subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

# Settings of the outer shell must not leak into the generated project's runs.
_PROJECT_ENV_NAMES = ("DATABASE_URL", "TEST_DATABASE_URL", "APP_ENV", "AUTH_JWKS_URL")
# Generated projects type-check against the same installed packages: one mypy
# cache per test worker spares re-analysing them in every project (mypy checks a
# project's own modules again whenever they differ from the cached ones).
_MYPY_CACHE = Path(tempfile.gettempdir()) / (
    f"fastgen-tests-mypy-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
)
_TOOL_ENV = {
    "MYPY_CACHE_DIR": str(_MYPY_CACHE),
    # A generated suite needs pytest-asyncio alone; the other plugins installed
    # here (hypothesis, schemathesis, xdist) cost a second or two per run to load.
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    "PYTEST_PLUGINS": "pytest_asyncio.plugin",
}


def project_env(**overrides: str) -> dict[str, str]:
    """The environment for a subprocess inside a generated project."""
    env = {k: v for k, v in os.environ.items() if k not in _PROJECT_ENV_NAMES}
    env.pop("PYTHONPATH", None)
    return env | _TOOL_ENV | overrides


def run(
    project: Path, *args: str, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ARGS`` in ``project``; on failure, fail with its output."""
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=project,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"`python -m {' '.join(args)}` exited {result.returncode}\n"
        f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    )
    return result


def generate_project(parent: Path, name: str = "demo") -> Path:
    """Create a project with the installed fastgen, as a user would."""
    run(parent, "fastgen", "new", "project", name, "--path", str(parent))
    return parent / name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(project: Path, **env: str) -> Iterator[str]:
    """Run the project's app under uvicorn; yield its base URL once it answers."""
    port = free_port()
    # A file, not a pipe: nobody reads a pipe while the server runs, and a full
    # one would block the server's logging after a few thousand requests.
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
            cwd=project,
            env=project_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, base_url, log)
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=10)


def _wait_until_up(server: subprocess.Popen[str], base_url: str, log: IO[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise AssertionError(f"uvicorn exited {server.returncode}:\n{log.read()}")
        try:
            httpx.get(f"{base_url}/api/v1/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"uvicorn did not answer at {base_url} within 30 s")
