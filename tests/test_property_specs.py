"""Property: every spec fastgen accepts generates a working resource; every spec it
refuses is one ``error:`` line with exit code 2 and nothing written.

A bounded, seeded sample (``derandomize``) of random specs: names (tricky ones
included), every field type with random arguments, defaults, optional, index and
unique flags, refs. An accepted spec's project must lint, type-check, migrate
(``alembic check`` clean) and pass the resource's own generated tests: a sample on
SQLite, and a smaller one (the first examples of the same seeded sequence) on
PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fastgen.cli import app
from tests.cli_results import ok, snapshot
from tests.conftest import PG_ADMIN_DSN, _pg_execute, _require_postgres
from tests.e2e import alembic_session, mypy, project_env

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FASTGEN_PROPERTY_EXAMPLES", "8"))
PG_EXAMPLES = int(os.environ.get("FASTGEN_PROPERTY_PG_EXAMPLES", "4"))

TRICKY_NAMES = [
    "type",
    "status",
    "order",
    "group",
    "select",
    "page",
    "time",
    "client",
    "headers",
    "user",
    "data",
    "date",
    "json",
    "id",
    "owner_id",
    "class",
    "sort",
    "limit",
]

field_names = st.one_of(
    st.sampled_from(TRICKY_NAMES),
    st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True),
)
choices = st.lists(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True),
    min_size=1,
    max_size=4,
)


@st.composite
def field_types(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            [
                "str",
                "text",
                "int",
                "float",
                "decimal",
                "bool",
                "date",
                "datetime",
                "uuid",
                "email",
                "url",
                "json",
                "enum",
                "ref",
            ]
        )
    )
    if kind == "str":
        return f"str{{{draw(st.integers(1, 300))}}}"
    if kind == "decimal":
        precision = draw(st.integers(1, 12))
        return f"decimal{{{precision},{draw(st.integers(0, precision))}}}"
    if kind == "enum":
        return f"enum{{{','.join(draw(choices))}}}"
    if kind == "ref":
        return "ref:Post"
    return kind


DEFAULTS = {
    "int": st.integers(-(2**40), 2**40).map(str),
    "float": st.floats(-1e6, 1e6).map(repr),
    "bool": st.sampled_from(["true", "false"]),
    "date": st.dates().map(lambda d: d.isoformat()),
    "datetime": st.sampled_from(
        ["2024-01-01T10:00:00Z", "2024-01-01T10:00:00", "2030-05-06T07:08:09+02:00"]
    ),
    "json": st.sampled_from(["[]", "{}", "[true,null]", '{"a":1}', "12", '"x"']),
    "uuid": st.uuids().map(str),
}


@st.composite
def field_args(draw: st.DrawFn) -> str:
    name, kind = draw(field_names), draw(field_types())
    optional = draw(st.booleans())
    text = f"{name}:{kind}{'?' if optional else ''}"
    base = kind.split("{")[0].split(":")[0]
    if draw(st.integers(0, 3)) == 0:
        if optional and draw(st.booleans()):
            text += "=null"
        elif base == "enum":
            text += "=" + draw(st.sampled_from(kind[5:-1].split(",")))
        elif base in DEFAULTS:
            text += "=" + draw(DEFAULTS[base])
        elif base in ("str", "text"):
            text += "=" + draw(st.from_regex(r"[a-z ]{0,12}", fullmatch=True))
    if base not in ("text", "json") and draw(st.integers(0, 4)) == 0:
        text += draw(st.sampled_from([":index", ":unique"]))
    return text


specs = st.tuples(
    st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True),
    st.lists(field_args(), min_size=1, max_size=4),
    st.booleans(),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("property")
    ok(CliRunner().invoke(app, ["new", "project", "blog", "--path", str(parent)]))
    root = parent / "blog"
    ok(
        CliRunner().invoke(
            app, ["add", "resource", "Post", "title:str{80}", "--project", str(root)]
        )
    )
    return root


def _run(project: Path, *args: str, **env: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=project,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (
        result.returncode == 0
    ), f"python -m {' '.join(args)}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"


def _check(base: Path, spec: tuple[str, list[str], bool], database: str | None) -> None:
    """Refused in one line with nothing written, or a working resource: linted,
    type-checked, migrated (on ``database`` if given, else SQLite) and tested."""
    name, fields, shared = spec
    with tempfile.TemporaryDirectory() as parent:
        project = Path(parent) / "blog"
        shutil.copytree(base, project, symlinks=True)
        before = snapshot(project)
        args = ["add", "resource", name, *fields, "--project", str(project)]
        result = CliRunner().invoke(app, [*args, *(["--no-owner"] if shared else [])])
        if result.exit_code != 0:
            assert result.exit_code == 2, result.output + repr(result.exception)
            assert result.stderr.startswith("error: "), result.stderr
            assert result.stderr.count("\n") == 1, result.stderr
            assert snapshot(project) == before
            event("refused")
            return
        event("accepted")
        plural = next(
            path.name.removeprefix("test_").removesuffix(".py")
            for path in (project / "tests").glob("test_*.py")
            if f"tests/{path.name}" not in before
        )
        _run(project, "ruff", "check", "app", "tests")
        _run(project, "black", "--check", "-q", "app", "tests")
        mypy(project, f"app/{plural}")
        env = {} if database is None else {"DATABASE_URL": database}
        with alembic_session(project, **env) as alembic:
            alembic("upgrade", "head")
            alembic("check")
        tests = {} if database is None else {"TEST_DATABASE_URL": database}
        _run(
            project,
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"tests/test_{plural}.py",
            **tests,
        )


# Seeded (derandomize): every run tries the same specs, in the same order.
SAMPLE = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(SAMPLE, max_examples=EXAMPLES)
@given(spec=specs)
def test_a_random_spec_is_refused_in_one_line_or_generates_a_working_resource(
    base: Path, spec: tuple[str, list[str], bool]
) -> None:
    _check(base, spec, None)


@pytest.mark.postgres
@settings(SAMPLE, max_examples=PG_EXAMPLES)
@given(spec=specs)
def test_a_random_spec_also_works_on_postgres(
    base: Path, spec: tuple[str, list[str], bool]
) -> None:
    _require_postgres()
    name = f"fastgen_prop_{uuid.uuid4().hex[:12]}"
    _pg_execute(PG_ADMIN_DSN, f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_DSN.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    try:
        _check(base, spec, f"{url}/{name}")
    finally:
        _pg_execute(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
