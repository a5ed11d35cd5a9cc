"""Load-test the generated app against two hand-written baselines with wrk.

A project is generated with the real CLI into a temporary directory
(``fastgen new project bench`` and ``fastgen add resource Post ...``), its Alembic
migrations run against a fresh PostgreSQL database (``--db sqlite``: a SQLite file)
and 10,000 posts are bulk-inserted for the benchmark user (asyncpg's COPY, not the
API). Two baselines are written next to it from the text below:

- "typical": FastAPI + an async SQLModel session, what a careful developer writes;
- "raw": FastAPI + an asyncpg pool and hand SQL (on SQLite: a few aiosqlite
  connections).

Both serve the same JSON shapes (``{"data": ...}`` and ``{"data": [...], "total",
"page", "page_size"}``) and verify the same EdDSA JWT as the generated app, with
PyJWT and the project's dev JWKS (``keys/dev-jwks.json``, issuer and audience
``http://localhost:3000`` from its ``.env``); tokens come from ``fastgen token``.

Each app runs under uvicorn (one worker, uvloop, httptools, no access log) on a free
loopback port and is driven by wrk for: GET one post, GET a list page of 50, GET
``?published=true&page=3`` and POST (as a second user, so the benchmark user keeps
exactly 10,000 posts). In each of ``--runs`` rounds the three apps are started
afresh and run side by side; each endpoint gets a 1 s warm-up on every app, then
every concurrency is measured on each app in turn (the order of the apps rotates
from round to round), so the runs compared are seconds apart. The report gives per
endpoint and concurrency the median req/s, p50/p99 latency and the ratios
generated/typical and generated/raw, twice: the ratio of the medians, and the
median of each round's ratio (``rnd``). The second is the one to read when the
machine's speed drifts during the run: a round compares apps measured seconds
apart, the medians mix rounds minutes apart. Any non-2xx response or socket error
is a failure (exit status 1).

The apps run on the interpreter running this script, so use the Python of fastgen's
dev environment (it has FastAPI, SQLModel, asyncpg, aiosqlite, uvicorn[standard]).
Needs wrk on PATH (Debian: ``apt-get install wrk``), fastgen on PATH, and for
PostgreSQL a server that accepts ``--pg-dsn`` (default: trust auth on
127.0.0.1:5432, database ``test``); a database ``fastgen_bench_<pid>`` is created
and dropped.

A smoke run: ``python bench/bench_app.py --duration 3 --runs 1``; the default (3
rounds of 10 s runs at c=16 and c=64) takes about 13 minutes.

Usage: python bench/bench_app.py [--runs N] [--duration S] [--connections 16 64]
                                 [--db postgresql|sqlite] [--pg-dsn DSN]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROWS = 10_000
SQLITE_FILES = ("generated", "typical", "raw")
USER = "bench-user"
WRITER = "bench-writer"  # POSTs go to another owner: the lists stay at ROWS rows
FIELDS = ["title:str{200}:index", "body:text", "published:bool=false", "views:int=0"]
APPS = ("generated", "typical", "raw")
POST_BODY = {"title": "A benchmark post", "body": "Some text. " * 20}
MODULES = (
    "alembic",
    "aiosqlite",
    "asyncpg",
    "fastapi",
    "httptools",
    "jwt",
    "sqlmodel",
    "uvicorn",
    "uvloop",
)
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Endpoint:
    """One benchmarked request."""

    label: str
    method: str
    path: str  # under /api/v1; {id} is replaced with a seeded post's id


ENDPOINTS = (
    Endpoint("GET one", "GET", "/posts/{id}"),
    Endpoint("GET list, page of 50", "GET", "/posts?page_size=50"),
    Endpoint("GET list, published, page 3", "GET", "/posts?published=true&page=3"),
    Endpoint("POST", "POST", "/posts"),
)


@dataclass(frozen=True)
class Result:
    """What one wrk run reported."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: str  # empty when every response was 2xx and no socket error


# --------------------------------------------------------------------------- apps

_COMMON = '''
import json
import os
import uuid
from datetime import datetime
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

with open(os.environ["BENCH_JWKS_FILE"], encoding="utf-8") as _file:
    _KEYS = {
        key["kid"]: jwt.PyJWK(key) for key in json.load(_file)["keys"]
    }
_ISSUER = os.environ["BENCH_ISSUER"]
_AUDIENCE = os.environ["BENCH_AUDIENCE"]
_bearer = HTTPBearer(auto_error=False)


async def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The ``sub`` of a valid EdDSA token signed by a key of the JWKS."""
    if credentials is None:
        raise HTTPException(401, "Not authenticated")
    token = credentials.credentials
    try:
        key = _KEYS.get(jwt.get_unverified_header(token).get("kid"))
        if key is None:
            raise HTTPException(401, "Invalid authentication token")
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=["EdDSA"],
            issuer=_ISSUER,
            audience=_AUDIENCE,
            leeway=30,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise HTTPException(401, "Invalid authentication token") from exc
    return claims["sub"]


UserDep = Annotated[str, Depends(current_user)]


class PostCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    body: str
    published: bool = Field(default=False, strict=True)
    views: int = Field(default=0, ge=-(2**31), le=2**31 - 1)


class PostPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner_id: str
    title: str
    body: str
    published: bool
    views: int
    created_at: datetime
    updated_at: datetime


class PostOut(BaseModel):
    data: PostPublic


class PostPage(BaseModel):
    data: list[PostPublic]
    total: int
    page: int
    page_size: int


PageDep = Annotated[int, Query(ge=1, le=2**31 - 1)]
PageSizeDep = Annotated[int, Query(ge=1, le=100)]
'''

TYPICAL_APP = (
    '"""Baseline "typical": FastAPI with an async SQLModel session."""\n'
    + _COMMON
    + """
from collections.abc import AsyncIterator
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlmodel import Field as ColumnField
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Post(SQLModel, table=True):
    __tablename__ = "posts"

    id: uuid.UUID = ColumnField(default_factory=uuid.uuid4, primary_key=True)
    owner_id: str = ColumnField(max_length=255, index=True)
    title: str = ColumnField(max_length=200)
    body: str = ColumnField(sa_type=sa.Text)
    published: bool = False
    views: int = 0
    created_at: datetime = ColumnField(
        default_factory=_utcnow, sa_type=sa.DateTime(timezone=True)
    )
    updated_at: datetime = ColumnField(
        default_factory=_utcnow, sa_type=sa.DateTime(timezone=True)
    )


engine = create_async_engine(os.environ["BENCH_DATABASE_URL"])
sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
app = FastAPI()


@app.get("/api/v1/posts/{post_id}")
async def get_post(post_id: uuid.UUID, session: SessionDep, user: UserDep) -> PostOut:
    query = select(Post).where(Post.id == post_id, Post.owner_id == user)
    post = (await session.exec(query)).first()
    if post is None:
        raise HTTPException(404, "Post not found")
    return PostOut(data=PostPublic.model_validate(post))


@app.get("/api/v1/posts")
async def list_posts(
    session: SessionDep,
    user: UserDep,
    page: PageDep = 1,
    page_size: PageSizeDep = 50,
    published: bool | None = None,
) -> PostPage:
    conditions = [Post.owner_id == user]
    if published is not None:
        conditions.append(Post.published == published)
    total = (
        await session.exec(select(func.count()).select_from(Post).where(*conditions))
    ).one()
    query = (
        select(Post)
        .where(*conditions)
        .order_by(col(Post.created_at).desc(), col(Post.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = (await session.exec(query)).all()
    return PostPage(
        data=[PostPublic.model_validate(row) for row in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@app.post("/api/v1/posts", status_code=201)
async def create_post(data: PostCreate, session: SessionDep, user: UserDep) -> PostOut:
    post = Post(owner_id=user, **data.model_dump())
    session.add(post)
    await session.commit()
    return PostOut(data=PostPublic.model_validate(post))
"""
)

RAW_APP = (
    '"""Baseline "raw": FastAPI with an asyncpg pool and hand-written SQL."""\n'
    + _COMMON
    + """
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse

_COLUMNS = "id, owner_id, title, body, published, views, created_at, updated_at"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_PG_DSN"], min_size=5, max_size=15
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


def _post(row: asyncpg.Record) -> dict:
    return {
        "id": str(row["id"]),
        "owner_id": row["owner_id"],
        "title": row["title"],
        "body": row["body"],
        "published": row["published"],
        "views": row["views"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


@app.get("/api/v1/posts/{post_id}")
async def get_post(post_id: uuid.UUID, request: Request, user: UserDep) -> JSONResponse:
    row = await request.app.state.pool.fetchrow(
        f"SELECT {_COLUMNS} FROM posts WHERE id = $1 AND owner_id = $2", post_id, user
    )
    if row is None:
        raise HTTPException(404, "Post not found")
    return JSONResponse({"data": _post(row)})


@app.get("/api/v1/posts")
async def list_posts(
    request: Request,
    user: UserDep,
    page: PageDep = 1,
    page_size: PageSizeDep = 50,
    published: bool | None = None,
) -> JSONResponse:
    where, values = "owner_id = $1", [user]
    if published is not None:
        where += " AND published = $2"
        values.append(published)
    limit = f"LIMIT ${len(values) + 1} OFFSET ${len(values) + 2}"
    async with request.app.state.pool.acquire() as connection:
        total = await connection.fetchval(
            f"SELECT count(*) FROM posts WHERE {where}", *values
        )
        rows = await connection.fetch(
            f"SELECT {_COLUMNS} FROM posts WHERE {where}"
            f" ORDER BY created_at DESC, id {limit}",
            *values,
            page_size,
            (page - 1) * page_size,
        )
    return JSONResponse(
        {
            "data": [_post(row) for row in rows],
            "total": total,
            "page": page,
            "page_size": page_size,
        }
    )


@app.post("/api/v1/posts", status_code=201)
async def create_post(
    data: PostCreate, request: Request, user: UserDep
) -> JSONResponse:
    now = datetime.now(UTC)
    row = await request.app.state.pool.fetchrow(
        "INSERT INTO posts (" + _COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
        f" RETURNING {_COLUMNS}",
        uuid.uuid4(),
        user,
        data.title,
        data.body,
        data.published,
        data.views,
        now,
    )
    return JSONResponse({"data": _post(row)}, status_code=201)
"""
)

RAW_SQLITE_APP = (
    '"""Baseline "raw" on SQLite: FastAPI with aiosqlite connections, hand SQL."""\n'
    + _COMMON
    + """
import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC

import aiosqlite
from fastapi import Request
from fastapi.responses import JSONResponse

_COLUMNS = "id, owner_id, title, body, published, views, created_at, updated_at"
_POOL_SIZE = 5


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
    for _ in range(_POOL_SIZE):
        connection = await aiosqlite.connect(
            os.environ["BENCH_SQLITE_PATH"], timeout=30, isolation_level=None
        )
        connection.row_factory = sqlite3.Row
        pool.put_nowait(connection)
    app.state.pool = pool
    try:
        yield
    finally:
        while not pool.empty():
            await pool.get_nowait().close()


app = FastAPI(lifespan=lifespan)


@asynccontextmanager
async def _connection(request: Request) -> AsyncIterator[aiosqlite.Connection]:
    pool = request.app.state.pool
    connection = await pool.get()
    try:
        yield connection
    finally:
        pool.put_nowait(connection)


def _stamp(value: str) -> str:
    return value.replace(" ", "T") + "+00:00"


def _post(row: sqlite3.Row) -> dict:
    return {
        "id": str(uuid.UUID(row["id"])),
        "owner_id": row["owner_id"],
        "title": row["title"],
        "body": row["body"],
        "published": bool(row["published"]),
        "views": row["views"],
        "created_at": _stamp(row["created_at"]),
        "updated_at": _stamp(row["updated_at"]),
    }


@app.get("/api/v1/posts/{post_id}")
async def get_post(post_id: uuid.UUID, request: Request, user: UserDep) -> JSONResponse:
    async with _connection(request) as connection:
        cursor = await connection.execute(
            f"SELECT {_COLUMNS} FROM posts WHERE id = ? AND owner_id = ?",
            (post_id.hex, user),
        )
        row = await cursor.fetchone()
    if row is None:
        raise HTTPException(404, "Post not found")
    return JSONResponse({"data": _post(row)})


@app.get("/api/v1/posts")
async def list_posts(
    request: Request,
    user: UserDep,
    page: PageDep = 1,
    page_size: PageSizeDep = 50,
    published: bool | None = None,
) -> JSONResponse:
    where, values = "owner_id = ?", [user]
    if published is not None:
        where += " AND published = ?"
        values.append(published)
    async with _connection(request) as connection:
        cursor = await connection.execute(
            f"SELECT count(*) FROM posts WHERE {where}", values
        )
        (total,) = await cursor.fetchone()
        cursor = await connection.execute(
            f"SELECT {_COLUMNS} FROM posts WHERE {where}"
            " ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
            [*values, page_size, (page - 1) * page_size],
        )
        rows = await cursor.fetchall()
    return JSONResponse(
        {
            "data": [_post(row) for row in rows],
            "total": total,
            "page": page,
            "page_size": page_size,
        }
    )


@app.post("/api/v1/posts", status_code=201)
async def create_post(
    data: PostCreate, request: Request, user: UserDep
) -> JSONResponse:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    row = {
        "id": uuid.uuid4().hex,
        "owner_id": user,
        **data.model_dump(),
        "created_at": now,
        "updated_at": now,
    }
    async with _connection(request) as connection:
        await connection.execute(
            f"INSERT INTO posts ({_COLUMNS}) VALUES"
            " (:id, :owner_id, :title, :body, :published, :views, :created_at,"
            " :updated_at)",
            row,
        )
    return JSONResponse({"data": _post(row)}, status_code=201)
"""
)


# ------------------------------------------------------------------ project, data


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a setup command; exit with its output if it fails."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(
            f"failed: {' '.join(command)}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def _generate_project(fastgen: str, parent: Path) -> Path:
    """The benchmarked project, generated by the real CLI."""
    _run([fastgen, "new", "project", "bench", "--path", str(parent)], cwd=parent)
    project = parent / "bench"
    _run([fastgen, "add", "resource", "Post", *FIELDS], cwd=project)
    return project


def _token(fastgen: str, project: Path, sub: str) -> str:
    """A dev token the generated app accepts (valid for the whole benchmark)."""
    command = [fastgen, "token", "--sub", sub, "--ttl", "86400"]
    return _run([*command, "--project", str(project)], cwd=project).strip()


def _dotenv(project: Path) -> dict[str, str]:
    """The generated project's .env settings."""
    settings = {}
    for line in (project / ".env").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            settings[name.strip()] = value.strip()
    return settings


def _origin(url: str) -> str:
    """Scheme, host and port of ``url``: the issuer and audience better-auth uses."""
    match = re.match(r"^([a-z]+://[^/]+)", url)
    if match is None:
        sys.exit(f"cannot read the origin of BETTER_AUTH_URL={url!r}")
    return match.group(1)


def _post_ids() -> list[uuid.UUID]:
    """ROWS random (version 4) but reproducible ids."""
    generator = random.Random(13)
    return [uuid.UUID(int=generator.getrandbits(128), version=4) for _ in range(ROWS)]


def _seed_rows() -> list[tuple[uuid.UUID, str, str, str, bool, int, datetime]]:
    """ROWS posts of USER, every other one published, one second apart."""
    return [
        (
            post_id,
            USER,
            f"Post number {index}",
            f"The body of post {index}. " * 10,
            index % 2 == 0,
            index,
            BASE_TIME + timedelta(seconds=index),
        )
        for index, post_id in enumerate(_post_ids())
    ]


async def _seed_postgres(dsn: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        records = [(*row, row[-1]) for row in _seed_rows()]
        await connection.copy_records_to_table(
            "posts",
            records=records,
            columns=[
                "id",
                "owner_id",
                "title",
                "body",
                "published",
                "views",
                "created_at",
                "updated_at",
            ],
        )
        await connection.execute("ANALYZE posts")
    finally:
        await connection.close()


def _seed_sqlite(path: Path) -> None:
    """The same rows, stored as SQLAlchemy stores them on SQLite."""
    rows = []
    for id_, owner, title, body, published, views, created in _seed_rows():
        stamp = created.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        rows.append((id_.hex, owner, title, body, published, views, stamp, stamp))
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO posts (id, owner_id, title, body, published, views,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    connection.close()


async def _admin(dsn: str, statement: str) -> None:
    import asyncpg

    try:
        connection = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        sys.exit(f"cannot connect to PostgreSQL at {dsn} (see --pg-dsn): {exc}")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def _postgres_database(admin_dsn: str) -> Iterator[str]:
    """A fresh database for the benchmark, dropped afterwards; yields its DSN."""
    name = f"fastgen_bench_{os.getpid()}"
    asyncio.run(_admin(admin_dsn, f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(_admin(admin_dsn, f"CREATE DATABASE {name}"))
    try:
        yield urlunsplit(urlsplit(admin_dsn)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_admin(admin_dsn, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


# ---------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class AppSpec:
    """How to start one app: its uvicorn target, directory and environment."""

    name: str
    target: str
    app_dir: Path
    env: dict[str, str]


@contextmanager
def _server(spec: AppSpec, check_url: str, token: str) -> Iterator[str]:
    """Run ``spec`` under uvicorn; yields its base URL once it answers."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        spec.target,
        "--app-dir",
        str(spec.app_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    log = spec.app_dir / f"{spec.name}-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=spec.app_dir,
            env={**os.environ, **spec.env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(process, base + check_url, token, log)
        yield base
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_ready(
    process: subprocess.Popen[bytes], url: str, token: str, log: Path
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited ({process.returncode}):\n{log.read_text()}")
        try:
            _request("GET", url, token)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    sys.exit(f"server did not answer {url} within 60 s:\n{log.read_text()}")


def _request(method: str, url: str, token: str) -> tuple[int, object]:
    """One request; returns status and JSON body (raises on a non-2xx)."""
    body = json.dumps(POST_BODY).encode() if method == "POST" else None
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def _shape(value: object) -> object:
    """The keys of a response, recursively: what the apps must agree on."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


# -------------------------------------------------------------------------- wrk

LUA = """\
wrk.method = "{method}"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
{body}
"""


def _lua_script(directory: Path, endpoint: Endpoint, token: str) -> Path:
    body = ""
    if endpoint.method == "POST":
        body = f"wrk.body = {json.dumps(json.dumps(POST_BODY))}"
    script = directory / f"{endpoint.method.lower()}-{abs(hash(token))}.lua"
    script.write_text(LUA.format(method=endpoint.method, token=token, body=body))
    return script


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]
    return float(match.group(1)) * scale


def _parse_wrk(output: str) -> Result:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if rps is None or p50 is None or p99 is None:
        raise ValueError(f"cannot read wrk's output:\n{output}")
    failures = []
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx is not None:
        failures.append(f"{non_2xx.group(1)} non-2xx responses")
    errors = re.search(r"Socket errors:.*", output)
    if errors is not None:
        failures.append(errors.group(0).strip())
    return Result(
        float(rps.group(1)),
        _milliseconds(p50.group(1)),
        _milliseconds(p99.group(1)),
        "; ".join(failures),
    )


def _wrk(url: str, script: Path, connections: int, duration: float) -> Result:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return _parse_wrk(done.stdout)


# ---------------------------------------------------------------------- driving


@dataclass
class Plan:
    """Everything a round needs."""

    specs: list[AppSpec]
    tokens: dict[str, str]  # USER and WRITER
    post_id: uuid.UUID
    connections: list[int]
    duration: float
    scripts: Path


def _url(base: str, endpoint: Endpoint, post_id: uuid.UUID) -> str:
    return base + "/api/v1" + endpoint.path.replace("{id}", str(post_id))


def _token_for(plan: Plan, endpoint: Endpoint) -> str:
    return plan.tokens[WRITER if endpoint.method == "POST" else USER]


def _check_app(plan: Plan, base: str) -> dict[str, object]:
    """Each endpoint answers 2xx; returns the shape of each response."""
    shapes = {}
    for endpoint in ENDPOINTS:
        url = _url(base, endpoint, plan.post_id)
        try:
            _status, body = _request(endpoint.method, url, _token_for(plan, endpoint))
        except urllib.error.HTTPError as exc:
            sys.exit(f"{endpoint.label} {url}: HTTP {exc.code} {exc.read()[:500]!r}")
        if isinstance(body, dict) and "total" in body and not body.get("data"):
            sys.exit(f"{endpoint.label} {url}: an empty page ({body})")
        shapes[endpoint.label] = _shape(body)
    return shapes


Key = tuple[str, str, int]  # app, endpoint label, connections


def _round(
    plan: Plan, index: int, results: dict[Key, list[Result]], shapes: dict
) -> None:
    """Start every app afresh, then measure each endpoint and concurrency on each
    app in turn, so the apps compared are measured seconds apart (this machine's
    speed drifts over minutes). The order of the apps rotates with ``index``."""
    check_url = "/api/v1" + ENDPOINTS[0].path.replace("{id}", str(plan.post_id))
    turn = index % len(plan.specs)
    specs = plan.specs[turn:] + plan.specs[:turn]
    with ExitStack() as servers:
        bases = {}
        for spec in specs:
            base = servers.enter_context(_server(spec, check_url, plan.tokens[USER]))
            shapes[spec.name] = _check_app(plan, base)
            bases[spec.name] = base
        for endpoint in ENDPOINTS:
            token = _token_for(plan, endpoint)
            script = _lua_script(plan.scripts, endpoint, token)
            urls = {
                name: _url(base, endpoint, plan.post_id) for name, base in bases.items()
            }
            for url in urls.values():
                _wrk(url, script, max(plan.connections), 1)  # warm-up
            for connections in plan.connections:
                for name, url in urls.items():
                    result = _wrk(url, script, connections, plan.duration)
                    results.setdefault((name, endpoint.label, connections), [])
                    results[(name, endpoint.label, connections)].append(result)
                    _progress(name, endpoint.label, connections, result)


def _progress(app: str, label: str, connections: int, result: Result) -> None:
    failed = f"  FAILED: {result.failures}" if result.failures else ""
    print(
        f"  {app:<9} {label:<29} c={connections:<3} "
        f"{result.requests_per_second:8.0f} req/s{failed}",
        file=sys.stderr,
        flush=True,
    )


def _report(plan: Plan, results: dict[Key, list[Result]]) -> bool:
    """Print medians and ratios; return whether every response was a 2xx."""
    names = [spec.name for spec in plan.specs]
    header = f"{'endpoint':<29} {'c':>3}" + "".join(
        f" {name + ' req/s':>15} {'p50/p99 ms':>13}" for name in names
    )
    header += "".join(f" {'gen/' + name[:3]:>8} {'rnd':>5}" for name in names[1:])
    print(header)
    ok = True
    for endpoint in ENDPOINTS:
        for connections in plan.connections:
            line = f"{endpoint.label:<29} {connections:>3}"
            runs_of = {
                name: results[(name, endpoint.label, connections)] for name in names
            }
            medians = {}
            for name, runs in runs_of.items():
                medians[name] = statistics.median(r.requests_per_second for r in runs)
                p50 = statistics.median(r.p50_ms for r in runs)
                p99 = statistics.median(r.p99_ms for r in runs)
                line += f" {medians[name]:15.0f} {f'{p50:.1f}/{p99:.1f}':>13}"
            for name in names[1:]:
                per_round = statistics.median(
                    ours.requests_per_second / theirs.requests_per_second
                    for ours, theirs in zip(
                        runs_of["generated"], runs_of[name], strict=True
                    )
                )
                line += f" {medians['generated'] / medians[name]:8.2f}"
                line += f" {per_round:5.2f}"
            print(line)
            for name, runs in runs_of.items():
                for run in runs:
                    if run.failures:
                        ok = False
                        print(f"  FAILED {name}: {run.failures}")
    print("every response was a 2xx" if ok else "FAILED: see the lines above")
    return ok


# ------------------------------------------------------------------------- main


def _specs(project: Path, work: Path, db: str, urls: dict[str, str]) -> list[AppSpec]:
    """The generated app and the baselines, with their environments."""
    dotenv = _dotenv(project)
    origin = _origin(dotenv.get("BETTER_AUTH_URL", "http://localhost:3000"))
    jwks = project / dotenv.get("AUTH_JWKS_FILE", "keys/dev-jwks.json")
    baseline_env = {
        "BENCH_JWKS_FILE": str(jwks),
        "BENCH_ISSUER": dotenv.get("AUTH_ISSUER", origin),
        "BENCH_AUDIENCE": dotenv.get("AUTH_AUDIENCE", origin),
        "BENCH_DATABASE_URL": urls["sqlalchemy"],
        "BENCH_PG_DSN": urls.get("asyncpg", ""),
        "BENCH_SQLITE_PATH": urls.get("sqlite_path", ""),
    }
    baselines = work / "baselines"
    baselines.mkdir()
    (baselines / "typical_app.py").write_text(TYPICAL_APP)
    specs = [
        AppSpec(
            "generated",
            "app.main:app",
            project,
            {
                "APP_ENV": "development",
                "DATABASE_URL": urls["generated"],
                "LOG_LEVEL": "WARNING",
            },
        ),
        AppSpec("typical", "typical_app:app", baselines, baseline_env),
    ]
    raw = RAW_APP if db == "postgresql" else RAW_SQLITE_APP
    (baselines / "raw_app.py").write_text(raw)
    specs.append(AppSpec("raw", "raw_app:app", baselines, baseline_env))
    return specs


def _prepare_database(project: Path, db: str, dsn: str, work: Path) -> dict[str, str]:
    """Migrate and seed; returns the URLs each app uses."""
    if db == "postgresql":
        urls = {
            "generated": dsn,
            "sqlalchemy": re.sub(r"^postgres(ql)?://", "postgresql+asyncpg://", dsn),
            "asyncpg": dsn,
        }
        env = {**os.environ, "DATABASE_URL": dsn, "APP_ENV": "development"}
        _run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=project, env=env)
        asyncio.run(_seed_postgres(dsn))
        return urls
    seeded = work / "seeded.db"
    url = f"sqlite+aiosqlite:///{seeded}"
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
    _run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=project, env=env)
    _seed_sqlite(seeded)
    # Each app gets its own copy, so what one app sets in its file (the journal
    # mode is stored there) does not carry over to the next.
    files = _sqlite_files(work)
    for path in files.values():
        shutil.copyfile(seeded, path)
    return {
        "generated": f"sqlite+aiosqlite:///{files['generated']}",
        "sqlalchemy": f"sqlite+aiosqlite:///{files['typical']}",
        "sqlite_path": str(files["raw"]),
    }


def _sqlite_files(work: Path) -> dict[str, Path]:
    """Each app's own SQLite file."""
    return {name: work / f"{name}.db" for name in SQLITE_FILES}


def _journal_modes(work: Path) -> str:
    """Each app's SQLite file and the journal mode it was left in."""
    modes = []
    for name, path in _sqlite_files(work).items():
        with closing(sqlite3.connect(path)) as connection:
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        modes.append(f"{name} {mode}")
    return "SQLite journal modes: " + ", ".join(modes)


def _benchmark(args: argparse.Namespace, fastgen: str, work: Path, dsn: str) -> bool:
    print(f"generating the project in {work} ...", file=sys.stderr)
    project = _generate_project(fastgen, work)
    urls = _prepare_database(project, args.db, dsn, work)
    scripts = work / "wrk"
    scripts.mkdir()
    plan = Plan(
        specs=_specs(project, work, args.db, urls),
        tokens={sub: _token(fastgen, project, sub) for sub in (USER, WRITER)},
        post_id=_post_ids()[ROWS // 2],
        connections=args.connections,
        duration=args.duration,
        scripts=scripts,
    )
    results: dict[Key, list[Result]] = {}
    shapes: dict[str, dict[str, object]] = {}
    for index in range(args.runs):
        print(f"round {index + 1}/{args.runs}", file=sys.stderr, flush=True)
        _round(plan, index, results, shapes)
    for name, shape in shapes.items():
        if shape != shapes["generated"]:
            print(f"WARNING: {name} answers with other JSON shapes than generated")
    print(
        f"\n{args.db}, {ROWS} rows, wrk -t2 --latency -d{args.duration:g}s, "
        f"{args.runs} round(s), medians; uvicorn 1 worker uvloop httptools"
    )
    if args.db == "sqlite":
        print(_journal_modes(work))
    return _report(plan, results)


def _check_modules() -> None:
    """The apps run on this interpreter: it needs their dependencies."""
    missing = [name for name in MODULES if importlib.util.find_spec(name) is None]
    if missing:
        sys.exit(
            f"{sys.executable} lacks {', '.join(missing)}: run this script with the"
            " Python of fastgen's dev environment (it has the apps' dependencies)"
        )


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    """Turn SIGTERM into SystemExit, so servers and the database are cleaned up."""
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--duration", type=float, default=10, help="seconds per wrk run (default 10)"
    )
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--pg-dsn",
        default=os.environ.get("BENCH_PG_DSN", "postgresql://127.0.0.1:5432/test"),
        help="an existing database to create the benchmark database from",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.duration < 1:
        parser.error("--runs and --duration must be at least 1")
    _check_modules()
    fastgen = shutil.which("fastgen") or sys.exit("fastgen is not on PATH")
    shutil.which("wrk") or sys.exit("wrk is not on PATH (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="fastgen-bench-") as tmp:
        if args.db == "sqlite":
            return 0 if _benchmark(args, fastgen, Path(tmp), "") else 1
        with _postgres_database(args.pg_dsn) as dsn:
            return 0 if _benchmark(args, fastgen, Path(tmp), dsn) else 1


if __name__ == "__main__":
    raise SystemExit(main())
