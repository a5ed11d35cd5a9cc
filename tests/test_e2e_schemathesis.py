"""End to end: schemathesis finds no request the generated app answers wrongly.

A project with every field type, a ref, an optional ref, a shared resource and
value constraints on every type that takes them is
served by uvicorn, on SQLite and on PostgreSQL, and schemathesis runs every check
(``--checks all``: no 500s, responses and statuses as documented, schema-valid data
accepted and invalid data rejected, ``Allow`` on 405, ...) over every phase,
stateful included, with a fixed seed and a bounded number of examples, using the
settings the project ships in ``schemathesis.toml``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import generate_project, project_env, run, serving

pytestmark = pytest.mark.e2e

RESOURCES: list[tuple[str, ...]] = [
    ("Author", "name:str{100}:index", "email:email:unique", "bio:text?:search"),
    (
        "Post",
        "title:str{200}:index:search",
        "body:text:search",
        "published:bool=false",
        "price:decimal{10,2}?",
        "status:enum{draft,published}=draft",
        "author:ref:Author",
        "rating:float?",
        "views:int=0",
        "published_on:date?",
        "starts_at:datetime?",
        "token:uuid:unique",
        "website:url?",
        "meta:json?",
        "editor:ref:Author?",
    ),
    ("Tag", "name:str{50}:unique", "color:enum{red,green,blue}=red", "--no-owner"),
    (
        "Recipe",
        "title:str{3,120}",
        "rating:int{1,5}",
        # bounded: near ±2**63 float-based JSON Schema validators cannot tell
        # a value from its neighbours (see README, bigint)
        "calories:bigint{0,1000000000000}",
        "weight:float{0.5,10}?",
        "price:decimal{8,2,0,9999.99}?",
        "notes:text{,500}?",
        "starts_at:time?",
        "slug:slug{60}",
    ),
]

SEED = "20260101"
EXAMPLES_PER_OPERATION = "25"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_schemathesis"))
    for spec in RESOURCES:
        run(project, "fastgen", "add", "resource", *spec)
    return project


def test_schemathesis_finds_no_failure(project: Path, database_url: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=database_url)
    # alice holds the role the shared Tag's writes need
    token = run(
        project,
        "fastgen",
        "token",
        "--sub",
        "alice",
        "--ttl",
        "3600",
        "--role",
        "admin",
    )
    with serving(project, DATABASE_URL=database_url) as base_url:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{base_url}/openapi.json",
                "--header",
                f"Authorization: Bearer {token.stdout.strip()}",
                "--checks",
                "all",
                "--seed",
                SEED,
                "--max-examples",
                EXAMPLES_PER_OPERATION,
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--no-color",
            ],
            cwd=project,
            env=project_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert " passed" in output
