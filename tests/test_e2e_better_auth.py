"""End to end: a generated project accepts the tokens of a real better-auth server.

better-auth (from npm, with its ``jwt()`` plugin: EdDSA keys, an in-memory
database) runs under node on loopback; its URL is given with a trailing slash, as
users write it. Two users sign up; their tokens from ``/api/auth/token`` and the
``set-auth-jwt`` header work against ``/api/v1/me`` and a generated resource, each
user sees only their own rows, tampered and ``alg: none`` tokens are 401, a token
signed with a just-rotated key is accepted seconds later, and with better-auth down
a key the app has not seen is a 503.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e import free_port, generate_project, run, serving

pytestmark = pytest.mark.e2e

BETTER_AUTH_VERSION = "1.7.25"
# Keys rotate this often; the generated app may refetch the JWKS for an unknown
# key 5 s after its previous fetch, so a rotation is seen within a few seconds.
ROTATION_SECONDS = 6

SERVER = """\
import http from "node:http";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";
import { jwt } from "better-auth/plugins";

const auth = betterAuth({
  baseURL: process.env.BETTER_AUTH_URL,
  secret: "an-e2e-test-secret-of-at-least-32-characters",
  database: memoryAdapter({
    user: [], session: [], account: [], verification: [], jwks: [],
  }),
  emailAndPassword: { enabled: true },
  plugins: [
    jwt({ jwks: { rotationInterval: Number(process.env.ROTATION_SECONDS) } }),
  ],
});

http
  .createServer(toNodeHandler(auth))
  .listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
"""


@pytest.fixture(scope="module")
def better_auth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A node project with better-auth installed from npm."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        message = "node and npm are needed to run a real better-auth server"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run this test)")
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("better_auth")
    (directory / "package.json").write_text(
        json.dumps({"name": "better-auth-e2e", "private": True, "type": "module"})
    )
    (directory / "server.mjs").write_text(SERVER)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            f"better-auth@{BETTER_AUTH_VERSION}",
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return directory


@contextmanager
def better_auth(directory: Path) -> Iterator[str]:
    """Run better-auth; yield its URL as users write it (with a trailing slash)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = os.environ | {
        "PORT": str(port),
        "BETTER_AUTH_URL": url,
        "ROTATION_SECONDS": str(ROTATION_SECONDS),
    }
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            ["node", "server.mjs"], cwd=directory, env=env, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{url}api/auth/jwks", timeout=1)
                    break
                except httpx.TransportError:
                    log.seek(0)
                    assert server.poll() is None, f"better-auth exited:\n{log.read()}"
                    assert time.monotonic() < deadline, "better-auth did not start"
                    time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_better_auth"))
    run(project, "fastgen", "add", "resource", "Note", "title:str{100}")
    env_file = project / ".env"
    lines = env_file.read_text().splitlines()
    # Verify against better-auth's JWKS endpoint, not the development key file.
    env_file.write_text(
        "\n".join(line for line in lines if not line.startswith("AUTH_JWKS_FILE="))
        + "\n"
    )
    return project


def sign_up(auth_url: str, name: str) -> httpx.Client:
    """A better-auth session (cookies) of a new user."""
    session = httpx.Client(base_url=auth_url, headers={"Origin": auth_url.rstrip("/")})
    response = session.post(
        "api/auth/sign-up/email",
        json={
            "email": f"{name}@example.com",
            "password": "a-long-password",
            "name": name,
        },
    )
    assert response.status_code == 200, response.text
    return session


def jwt_of(session: httpx.Client) -> str:
    response = session.get("api/auth/token")
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _segment(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_real_better_auth_tokens_work_end_to_end(
    project: Path, better_auth_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    run(project, "alembic", "upgrade", "head", DATABASE_URL=database_url)
    with better_auth(better_auth_dir) as auth_url:
        with serving(
            project, DATABASE_URL=database_url, BETTER_AUTH_URL=auth_url
        ) as app_url:
            api = httpx.Client(base_url=f"{app_url}/api/v1")
            alice, bob = sign_up(auth_url, "alice"), sign_up(auth_url, "bob")
            alice_token, bob_token = jwt_of(alice), jwt_of(bob)

            me = api.get("/me", headers=bearer(alice_token))
            assert me.status_code == 200, me.text
            assert me.json()["data"]["email"] == "alice@example.com"
            header_jwt = alice.get("api/auth/get-session").headers["set-auth-jwt"]
            assert api.get("/me", headers=bearer(header_jwt)).status_code == 200

            note = api.post(
                "/notes", json={"title": "mine"}, headers=bearer(alice_token)
            )
            assert note.status_code == 201, note.text
            note_url = f"/notes/{note.json()['data']['id']}"
            assert api.get(note_url, headers=bearer(bob_token)).status_code == 404
            assert api.get("/notes", headers=bearer(bob_token)).json()["total"] == 0

            header, payload, signature = alice_token.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
            forged = _segment(claims | {"sub": "someone-else"})
            unsigned = _segment({"alg": "none", "typ": "JWT"})
            for token in (f"{header}.{forged}.{signature}", f"{unsigned}.{payload}."):
                rejected = api.get("/me", headers=bearer(token))
                assert rejected.status_code == 401, rejected.text
                assert rejected.json()["error_code"] == "UNAUTHORIZED"

            time.sleep(ROTATION_SECONDS + 0.5)
            rotated = jwt_of(alice)
            assert rotated.split(".")[0] != header, "better-auth did not rotate"
            accepted = api.get("/me", headers=bearer(rotated))
            assert accepted.status_code == 200, accepted.text

    # better-auth is down now: an app that has not cached its keys cannot verify.
    with serving(project, DATABASE_URL=database_url, BETTER_AUTH_URL=auth_url) as url:
        down = httpx.get(f"{url}/api/v1/me", headers=bearer(rotated))
    assert down.status_code == 503, down.text
    assert down.json()["error_code"] == "SERVICE_UNAVAILABLE"
