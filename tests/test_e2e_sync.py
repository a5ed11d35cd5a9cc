"""End to end: spec changes applied with `fastgen sync` migrate real databases.

One project (Author, and Post referring to it) walks through successive spec edits:
a required field with a default added, a field removed, a field renamed in the spec
(``renamed_from``) and with ``fastgen rename field`` (its data kept), a batch of
column changes (a str length, optional -> required with a default, an index), a
unique constraint plus a new enum value, indexed, unique and ref fields renamed with
their data, and a rename without ``renamed_from`` (remove + add, warned about).
After each sync `fastgen check` is clean, old revisions are untouched, and on
SQLite and on PostgreSQL `alembic upgrade head` runs from the previous head with a
row present, `alembic check` is clean and `alembic downgrade -1` works; the two
resources' generated tests pass on SQLite after every step, and the whole generated
suite passes on SQLite and on PostgreSQL at the end. A
copy of the project is put under git and run through `pre-commit run --all-files`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import PG_ADMIN_DSN, _pg_execute, _require_postgres
from tests.e2e import (
    alembic_session,
    generate_project,
    project_env,
    resource_tests,
    run,
)

pytestmark = pytest.mark.e2e

AUTHOR = ("Author", "name:str{100}:index")
POST = (
    "Post",
    "title:str{200}:index",
    "body:text",
    "published:bool=false",
    "subtitle:str{100}?",
    "summary:str{100}?",
    "status:enum{draft,published}=draft",
    "author:ref:Author",
)
NO_NEW_OPERATIONS = "No new upgrade operations detected"


# ----------------------------------------------------------------- the project


def _fastgen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(project, "fastgen", *args)


def _edit_spec(project: Path, old: str, new: str) -> None:
    spec = project / "resources/post.yaml"
    text = spec.read_text()
    assert old in text, text
    spec.write_text(text.replace(old, new))


def _migrations(project: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in (project / "migrations/versions").glob("*.py")
    }


def _revision(text: str) -> str:
    match = re.search(r'^revision: str = "(\w+)"', text, re.M)
    assert match, text
    return match.group(1)


@dataclass
class Step:
    """One spec change: how to make it, and what the migrated row must show."""

    name: str
    change: Callable[[Path], subprocess.CompletedProcess[str]]
    warnings: tuple[str, ...]
    after_upgrade: Callable[[dict[str, Any], set[str]], None]
    after_downgrade: Callable[[dict[str, Any], set[str]], None]


def _add_views(project: Path) -> subprocess.CompletedProcess[str]:
    return _fastgen(project, "add", "field", "Post", "views:int=0")


def _remove_published(project: Path) -> subprocess.CompletedProcess[str]:
    # A removed field with a default, so the downgrade can refill existing rows (a
    # required one without a default cannot be: that downgrade says REVIEW).
    _edit_spec(project, "  published: {type: bool, default: false}\n", "")
    return _fastgen(project, "sync")


def _rename_subtitle(project: Path) -> subprocess.CompletedProcess[str]:
    # by hand in the spec: the field says what it was called before
    _edit_spec(
        project,
        "  subtitle: {type: str, max_length: 100, optional: true}",
        "  headline: {type: str, max_length: 100, optional: true, "
        "renamed_from: subtitle}",
    )
    return _fastgen(project, "sync")


def _drop_subtitle_by_renaming(project: Path) -> subprocess.CompletedProcess[str]:
    # without renamed_from a rename is remove + add, and sync says so
    _edit_spec(project, "  summary:", "  abstract:")
    return _fastgen(project, "sync")


def _rename_body(project: Path) -> subprocess.CompletedProcess[str]:
    return _fastgen(project, "rename", "field", "Post", "body", "content")


def _rename_unique_and_ref(project: Path) -> subprocess.CompletedProcess[str]:
    _edit_spec(project, "  title: {", "  heading: {renamed_from: title, ")
    _edit_spec(project, "  author: {", "  writer: {renamed_from: author, ")
    return _fastgen(project, "sync")


def _alter_columns(project: Path) -> subprocess.CompletedProcess[str]:
    _edit_spec(project, "max_length: 200", "max_length: 250")
    _edit_spec(
        project,
        "summary: {type: str, max_length: 100, optional: true}",
        "summary: {type: str, max_length: 100, default: none yet}",
    )
    _edit_spec(
        project,
        "views: {type: int, default: 0}",
        "views: {type: int, default: 0, index: true}",
    )
    return _fastgen(project, "sync")


def _unique_and_enum(project: Path) -> subprocess.CompletedProcess[str]:
    _edit_spec(project, "max_length: 250, index: true", "max_length: 250, unique: true")
    _edit_spec(project, "[draft, published]", "[draft, published, archived]")
    return _fastgen(project, "sync")


def _noop(row: dict[str, Any], columns: set[str]) -> None:
    assert row


def _has(
    column: str, value: object = ...
) -> Callable[[dict[str, Any], set[str]], None]:
    def check(row: dict[str, Any], columns: set[str]) -> None:
        assert column in columns, columns
        if value is not ...:
            assert row[column] == value, row

    return check


def _lacks(column: str) -> Callable[[dict[str, Any], set[str]], None]:
    def check(row: dict[str, Any], columns: set[str]) -> None:
        assert column not in columns, columns

    return check


STEPS = [
    Step(
        "add_required_field_with_default",
        _add_views,
        (),
        _has("views", 0),
        _lacks("views"),
    ),
    Step(
        "remove_field",
        _remove_published,
        ("posts.published is removed",),
        _lacks("published"),
        _has("published", False),
    ),
    Step(
        "rename_field_in_the_spec",
        _rename_subtitle,
        (),
        lambda row, cols: (
            _has("headline", None)(row, cols),
            _lacks("subtitle")(row, cols),
        ),
        lambda row, cols: (_has("subtitle")(row, cols), _lacks("headline")(row, cols)),
    ),
    Step(
        "rename_field_keeps_its_data",
        _rename_body,
        (),
        lambda row, cols: (
            _has("content", "body value")(row, cols),
            _lacks("body")(row, cols),
        ),
        lambda row, cols: (
            _has("body", "body value")(row, cols),
            _lacks("content")(row, cols),
        ),
    ),
    Step(
        "str_length_required_with_default_index",
        _alter_columns,
        ("posts.summary becomes required",),
        _has("summary", "none yet"),
        _has("summary"),
    ),
    Step(
        "unique_and_enum_value",
        _unique_and_enum,
        ("fails if existing rows hold duplicates",),
        _has("status", "draft"),
        _has("status", "draft"),
    ),
    Step(
        "rename_unique_indexed_and_ref_fields",
        _rename_unique_and_ref,
        (),
        lambda row, cols: (
            _has("heading", "title value")(row, cols),
            _has("writer_id")(row, cols),
            _lacks("title")(row, cols),
            _lacks("author_id")(row, cols),
        ),
        lambda row, cols: (
            _has("title", "title value")(row, cols),
            _has("author_id")(row, cols),
            _lacks("writer_id")(row, cols),
        ),
    ),
    Step(
        "rename_without_renamed_from_is_remove_and_add",
        _drop_subtitle_by_renaming,
        ("posts.summary -> abstract", "`fastgen rename field` keeps it"),
        lambda row, cols: (_has("abstract")(row, cols), _lacks("summary")(row, cols)),
        lambda row, cols: (_has("summary")(row, cols), _lacks("abstract")(row, cols)),
    ),
]


@dataclass
class Walk:
    """The project and which steps have been synced (with the heads they made)."""

    project: Path
    heads: list[str] = field(default_factory=list)  # heads[i]: head before step i
    synced: dict[int, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)

    def sync_through(self, index: int) -> subprocess.CompletedProcess[str]:
        """Apply steps up to ``index`` (once each); the output of step ``index``."""
        for i in range(len(self.synced), index + 1):
            if i in self.failed:
                pytest.skip(f"step {STEPS[i].name} failed to sync")
            before = _migrations(self.project)
            try:
                result = STEPS[i].change(self.project)
            except AssertionError:
                self.failed.add(i)
                raise
            after = _migrations(self.project)
            assert {k: after[k] for k in before} == before, "an old revision changed"
            (new,) = set(after) - set(before)
            self.heads.append(_revision(after[new].decode()))
            self.synced[i] = result
        return self.synced[index]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated project with Author and Post, never changed: copies start here."""
    project = generate_project(tmp_path_factory.mktemp("e2e_sync"))
    _fastgen(project, "add", "resource", *AUTHOR)
    _fastgen(project, "add", "resource", *POST)
    return project


@pytest.fixture(scope="module")
def walk(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Walk:
    project = tmp_path_factory.mktemp("walk") / "demo"
    shutil.copytree(pristine, project, symlinks=True)
    (head,) = (
        _revision(p.read_text())
        for p in (project / "migrations/versions").glob("*_create_posts.py")
    )
    return Walk(project, heads=[head])


# ------------------------------------------------------------------- databases


def _run_async(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def _columns(url: str, table: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return list(
                    await connection.run_sync(
                        lambda sync: sa.inspect(sync).get_columns(table)
                    )
                )
        finally:
            await engine.dispose()

    return list(_run_async(read()))


def _value(url: str, column: dict[str, Any], author_id: object) -> object:
    name, kind = column["name"], column["type"]
    postgres = url.startswith("postgresql")
    if column["nullable"]:
        return None  # optional fields stay NULL: becoming required must fill them
    if name == "owner_id":
        return "alice"
    if name == "author_id":
        return author_id
    if name == "status":
        return "draft"
    if name == "id" or isinstance(kind, sa.Uuid) or str(kind) == "CHAR(32)":
        return uuid.uuid4() if postgres else uuid.uuid4().hex
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 0
    if isinstance(kind, sa.DateTime):
        moment = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        return moment if postgres else "2024-01-01 00:00:00.000000"
    return f"{name} value"


def _insert_rows(url: str) -> None:
    """One author and one post, filling every column the table has right now."""
    inserted: dict[str, object] = {}
    for table in ("authors", "posts"):
        values = {
            c["name"]: _value(url, c, inserted.get("authors"))
            for c in _columns(url, table)
        }
        inserted[table] = values["id"]

        async def insert(
            table: str = table, values: dict[str, object] = values
        ) -> None:
            names = ", ".join(values)
            params = ", ".join(f":{n}" for n in values)
            engine = create_async_engine(url)
            try:
                async with engine.begin() as connection:
                    await connection.execute(
                        sa.text(f"INSERT INTO {table} ({names}) VALUES ({params})"),
                        values,
                    )
            finally:
                await engine.dispose()

        _run_async(insert())


def _post_row(url: str) -> tuple[dict[str, Any], set[str]]:
    """The single post row and the posts columns."""

    async def read() -> list[dict[str, Any]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(sa.text("SELECT * FROM posts"))
                return [dict(row._mapping) for row in rows]
        finally:
            await engine.dispose()

    rows = _run_async(read())
    assert len(rows) == 1, rows
    return rows[0], {c["name"] for c in _columns(url, "posts")}


@dataclass
class Database:
    """A database that follows the walk: at ``head`` with one post row."""

    url: str
    reset: Callable[[], None]
    head: str | None = None


def _alembic(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run(project, "alembic", *args, DATABASE_URL=url)


def _to_head_before(walk: Walk, database: Database, index: int) -> None:
    """Bring ``database`` to the head before step ``index`` with a row present (from
    scratch if an earlier step left it elsewhere)."""
    previous = walk.heads[index]
    if database.head == previous:
        return
    database.reset()
    _alembic(walk.project, database.url, "upgrade", previous)
    _insert_rows(database.url)
    database.head = previous


def _migrate_step(walk: Walk, database: Database, index: int) -> None:
    step = STEPS[index]
    with alembic_session(walk.project, DATABASE_URL=database.url) as alembic:
        alembic("upgrade", "head")
        database.head = None
        step.after_upgrade(*_post_row(database.url))
        result = alembic("check")
        assert NO_NEW_OPERATIONS in result.stdout + result.stderr

        alembic("downgrade", "-1")
        step.after_downgrade(*_post_row(database.url))
        alembic("upgrade", "head")
    step.after_upgrade(*_post_row(database.url))
    database.head = walk.heads[index + 1]


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("sqlite") / "walk.db"
    return Database(f"sqlite+aiosqlite:///{path}", lambda: path.unlink(missing_ok=True))


def _fresh_pg(name: str) -> None:
    _pg_execute(
        PG_ADMIN_DSN,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    )


@pytest.fixture(scope="module")
def pg_db() -> Iterator[Database]:
    _require_postgres()
    name = f"fastgen_sync_{uuid.uuid4().hex[:12]}"
    _fresh_pg(name)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    try:
        yield Database(f"{base}/{name}", lambda: _fresh_pg(name))
    finally:
        _pg_execute(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg_suite_db() -> Iterator[str]:
    _require_postgres()
    name = f"fastgen_sync_suite_{uuid.uuid4().hex[:8]}"
    _fresh_pg(name)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    try:
        yield f"{base}/{name}"
    finally:
        _pg_execute(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------- steps


def _suite(project: Path, *paths: str, **env: str) -> str:
    result = run(project, "pytest", "-q", "-x", "-p", "no:cacheprovider", *paths, **env)
    last = [line for line in result.stdout.splitlines() if line.strip()][-1]
    assert " passed" in last and "failed" not in last and "error" not in last, last
    return last


_CASES = [
    param
    for index, step in enumerate(STEPS)
    for param in (
        pytest.param(index, "sqlite", id=f"{index + 1}-{step.name}-sqlite"),
        pytest.param(
            index,
            "postgres",
            id=f"{index + 1}-{step.name}-postgres",
            marks=pytest.mark.postgres,
        ),
    )
]


@pytest.mark.parametrize(("index", "backend"), _CASES)
def test_spec_change_syncs_and_migrates(
    walk: Walk, request: pytest.FixtureRequest, index: int, backend: str
) -> None:
    database: Database = request.getfixturevalue(
        f"{'pg' if backend == 'postgres' else 'sqlite'}_db"
    )
    if index not in walk.synced:
        # The database must sit at the previous head before the spec changes.
        if index:
            walk.sync_through(index - 1)
        _to_head_before(walk, database, index)
        result = walk.sync_through(index)
        step = STEPS[index]
        for phrase in step.warnings:
            assert phrase in result.stderr, result.stderr
        if step.warnings:
            assert "warning:" in result.stderr
            (new,) = (
                p
                for p in (walk.project / "migrations/versions").glob("*.py")
                if _revision(p.read_text()) == walk.heads[index + 1]
            )
            assert "# REVIEW" in new.read_text()
        _fastgen(walk.project, "check")
        again = _fastgen(walk.project, "sync")
        assert "Nothing to do" in again.stdout
    _to_head_before(walk, database, index)
    _migrate_step(walk, database, index)
    if backend == "sqlite":
        # the tests of the resources the walk changes; the last step runs them all
        last = index == len(STEPS) - 1
        _suite(walk.project, *([] if last else resource_tests(walk.project)))


@pytest.mark.postgres
def test_generated_suite_passes_on_postgres_after_the_walk(
    walk: Walk, pg_suite_db: str
) -> None:
    walk.sync_through(len(STEPS) - 1)
    _suite(walk.project, TEST_DATABASE_URL=pg_suite_db)


def test_fastgen_check_is_clean_after_the_walk(walk: Walk) -> None:
    walk.sync_through(len(STEPS) - 1)
    result = _fastgen(walk.project, "check")
    assert result.stdout.count("\n") == 1, result.stdout
    spec = (walk.project / "resources/post.yaml").read_text()
    assert "archived" in spec and "headline" in spec and "  published:" not in spec
    assert "heading:" in spec and "writer:" in spec and "content:" in spec


# ------------------------------------------------------------------ pre-commit


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=e2e@example.com", "-c", "user.name=e2e", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def test_pre_commit_runs_fastgen_check(pristine: Path, tmp_path: Path) -> None:
    project = tmp_path / "demo"
    shutil.copytree(pristine, project, symlinks=True)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "generated")
    bin_dir = str(Path(sys.executable).parent)
    env = project_env(
        PATH=os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
    )

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                str(Path(bin_dir) / "pre-commit"),
                "run",
                "--all-files",
                "--color",
                "never",
            ],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    clean = pre_commit()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"fastgen check\.+Passed", clean.stdout), clean.stdout

    service = project / "app/posts/service.py"
    original = service.read_bytes()
    service.write_bytes(original + b"# edited by hand\n")
    _git(project, "add", "-A")
    edited = pre_commit()
    assert edited.returncode != 0, edited.stdout
    assert re.search(r"fastgen check\.+Failed", edited.stdout), edited.stdout
    assert "app/posts/service.py was edited by hand" in edited.stdout

    service.write_bytes(original)
    _edit_spec(project, "max_length: 200", "max_length: 250")
    _git(project, "add", "-A")
    stale = pre_commit()
    assert stale.returncode != 0, stale.stdout
    assert re.search(r"fastgen check\.+Failed", stale.stdout), stale.stdout
    assert "resources/post.yaml changed since it was applied" in stale.stdout
