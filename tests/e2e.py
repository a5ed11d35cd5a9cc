"""Helpers for end-to-end tests that drive a generated project in subprocesses."""

from __future__ import annotations

import json
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
    _assert_succeeded(f"python -m {' '.join(args)}", result)
    return result


def _assert_succeeded(command: str, result: subprocess.CompletedProcess[str]) -> None:
    """Fail with the ends of its output unless ``result`` exited 0."""
    assert result.returncode == 0, (
        f"`{command}` exited {result.returncode}\n"
        f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    )


# Runs in the project: each stdin line is the argv of one ``alembic`` command, run
# by alembic's own command line (as the console script runs it); each line written
# to the real stdout is one result. alembic binds sys.stdout and env.py's logging
# binds sys.stderr once, so both are replaced, before the import, by streams that
# write to the current command's buffers.
_ALEMBIC_DRIVER = """
import io, json, sys, traceback


class Current(io.TextIOBase):
    encoding = "utf-8"
    buffer_: io.StringIO

    def write(self, text):
        return self.buffer_.write(text)


results, out, err = sys.stdout, Current(), Current()
sys.stdout, sys.stderr = out, err
from alembic.config import CommandLine

for line in sys.stdin:
    out.buffer_, err.buffer_, code = io.StringIO(), io.StringIO(), 0
    try:
        CommandLine(prog="alembic").main(argv=json.loads(line))
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except Exception:
        traceback.print_exc()
        code = 1
    outputs = [out.buffer_.getvalue(), err.buffer_.getvalue()]
    results.write(json.dumps([code, *outputs]) + "\\n")
    results.flush()
"""


class Alembic:
    """``alembic`` commands on one database, run one after another in one process.

    Starting alembic and importing the project's models costs about a second per
    command; a walk that upgrades, checks, downgrades and upgrades again pays it
    once. The models are imported once: after a change to them (``fastgen sync``,
    ``add``...), open a new one.
    """

    def __init__(self, project: Path, **env: str) -> None:
        self._errors = tempfile.TemporaryFile("w+")
        self._process = subprocess.Popen(
            [sys.executable, "-c", _ALEMBIC_DRIVER],
            cwd=project,
            env=project_env(**env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``alembic ARGS``; on failure, fail with its output."""
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps(args) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            self._errors.seek(0)
            raise AssertionError(f"alembic driver died:\n{self._errors.read()[-6000:]}")
        code, stdout, stderr = json.loads(line)
        result = subprocess.CompletedProcess(["alembic", *args], code, stdout, stderr)
        _assert_succeeded(f"alembic {' '.join(args)}", result)
        return result

    def close(self) -> None:
        """End the process (it exits when its input ends)."""
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=60)
        if self._process.stdout:
            self._process.stdout.close()
        self._errors.close()


@contextmanager
def alembic_session(project: Path, **env: str) -> Iterator[Alembic]:
    """An :class:`Alembic` for ``project`` with ``env``, closed afterwards."""
    alembic = Alembic(project, **env)
    try:
        yield alembic
    finally:
        alembic.close()


def mypy(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``mypy ARGS`` in ``project`` with its paths made absolute.

    Projects share mypy's cache (``_MYPY_CACHE``). mypy trusts a cached module
    whose path, size and mtime (in whole seconds) match its file: with relative
    paths, a project written in the same second as another could be checked
    against the other's code.
    """
    paths = (arg if arg.startswith("-") else str(project / arg) for arg in args)
    return run(project, "mypy", *paths)


def resource_tests(project: Path) -> list[str]:
    """The test files ``project``'s resources were generated with (their header
    names their spec), relative to the project."""
    return [
        str(path.relative_to(project))
        for path in sorted((project / "tests").glob("test_*.py"))
        if "Its source is the spec" in path.read_text(encoding="utf-8")
    ]


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
