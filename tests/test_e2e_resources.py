"""End to end: resources added through the real CLI lint, test, migrate and serve.

One project is generated per module and given eight resources that between them use
every field type, optional fields, enums, a decimal, unique fields, a shared
(``--no-owner``: writes need the admin role) resource, a public one visible to others
once published (``--access public --public-if published``) with a resource referring
to it and to the shared one, a per-user singleton (``--singleton``), a ``ref`` chain
(Comment -> Post -> Author, plus a self-reference; deleting a post deletes its
comments, deleting a comment clears its replies' parent) and a multi-word name.
Every test reuses that project.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from tests.e2e import alembic_session, generate_project, mypy, run, serving

pytestmark = pytest.mark.e2e

# (name, fields and options) in the order they are added; the last one is the one
# `alembic downgrade -1` must remove.
RESOURCES: list[tuple[str, ...]] = [
    (
        "Author",
        "name:str{100}:index:search",
        "email:email:unique:search",
        "bio:text?:search",
    ),
    (
        "Post",
        "title:str{200}:index:search",
        "body:text",
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
    ),
    ("Comment", "post:ref:Post:cascade", "body:text", "parent:ref:Comment?:set_null"),
    ("Tag", "name:str{50}:unique", "color:enum{red,green,blue}=red", "--no-owner"),
    (
        "Recipe",
        "title:str{100}:search",
        "published:bool=false",
        "--access",
        "public",
        "--public-if",
        "published",
    ),
    ("Review", "recipe:ref:Recipe", "tag:ref:Tag?", "stars:int{1,5}"),
    (
        "Settings",
        "theme:enum{light,dark}=light",
        "page_size:int{10,100}=20",
        "signature:text{,500}?",
        "--singleton",
    ),
    ("BlogCategory", "label:str{80}"),
]
TABLES = [
    "authors",
    "posts",
    "comments",
    "tags",
    "recipes",
    "reviews",
    "settings",
    "blog_categories",
]

# Measured at 8fc773a and again at 89d36dc: 264 tests in total (29 authors, 63 posts,
# 34 comments, 29 tags, 24 blog_categories). The floors sit a little below, so
# templates may grow freely but a regression that drops tests fails here.
MIN_GENERATED_TESTS = 250
MIN_TESTS_PER_RESOURCE = 20

_PASSED = re.compile(r"\b(\d+) passed\b")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_resources"))
    for spec in RESOURCES:
        run(project, "fastgen", "add", "resource", *spec)
    return project


def _run_suite(
    project: Path, junit: Path, test_database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the generated suite (on SQLite unless given a PostgreSQL URL)."""
    args = ("pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}")
    if test_database_url is None:
        return run(project, *args)
    return run(project, *args, TEST_DATABASE_URL=test_database_url)


@pytest.fixture(scope="module")
def sqlite_suite(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The generated suite, run once on SQLite: its output and JUnit report."""
    junit = tmp_path_factory.mktemp("junit") / "sqlite.xml"
    return _run_suite(project, junit), junit


def _summary(output: str) -> str:
    """pytest's last line, e.g. ``264 passed, 1 skipped in 25.4s``."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, "the generated suite printed nothing"
    return lines[-1]


def _passed(output: str) -> int:
    match = _PASSED.search(_summary(output))
    assert match, f"no 'N passed' in the generated suite's output:\n{output[-3000:]}"
    return int(match.group(1))


def _passed_per_module(junit: Path) -> Counter[str]:
    """Passed tests per test module, e.g. ``{"test_posts": 63}``."""
    counts: Counter[str] = Counter()
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        if any(child.tag in {"failure", "error", "skipped"} for child in case):
            continue
        # classname is tests.test_posts, or tests.test_posts.TestClass
        parts = case.get("classname", "").split(".")
        counts[next((p for p in parts if p.startswith("test_")), "")] += 1
    return counts


# (a) ------------------------------------------------------------------------------


def test_generated_code_is_black_ruff_and_mypy_strict_clean(project: Path) -> None:
    run(project, "black", "--check", ".")
    run(project, "ruff", "check", ".")
    mypy(project, "--strict", "app", "tests", "migrations")


def test_every_resource_is_wired(project: Path) -> None:
    api = (project / "app" / "api.py").read_text()
    models = (project / "app" / "models.py").read_text()
    for table in TABLES:
        assert f"include_router({table}_router)" in api
        assert f"app.{table}" in models
        assert (project / "tests" / f"test_{table}.py").is_file()
    assert len(list((project / "migrations" / "versions").glob("*.py"))) == len(TABLES)


# (b) and (e) ----------------------------------------------------------------------


def test_generated_suite_passes_on_sqlite(
    sqlite_suite: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = sqlite_suite
    summary = _summary(result.stdout)
    assert " passed" in summary
    assert "failed" not in summary
    assert "error" not in summary


def test_generated_suite_has_at_least_the_measured_number_of_tests(
    sqlite_suite: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, junit = sqlite_suite
    assert _passed(result.stdout) >= MIN_GENERATED_TESTS, result.stdout[-2000:]
    per_module = _passed_per_module(junit)
    short = {
        table: per_module[f"test_{table}"]
        for table in TABLES
        if per_module[f"test_{table}"] < MIN_TESTS_PER_RESOURCE
    }
    assert not short, f"resource test modules below {MIN_TESTS_PER_RESOURCE}: {short}"


@pytest.mark.postgres
def test_generated_suite_passes_on_postgres(
    project: Path, pg_database: str, tmp_path: Path
) -> None:
    result = _run_suite(project, tmp_path / "postgres.xml", pg_database)
    assert "skipped" not in _summary(result.stdout), result.stdout[-2000:]
    assert _passed(result.stdout) >= MIN_GENERATED_TESTS, result.stdout[-2000:]


# (c) ------------------------------------------------------------------------------


def _table_names(url: str) -> set[str]:
    async def names() -> set[str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return set(
                    await connection.run_sync(
                        lambda sync: inspect(sync).get_table_names()
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(names())


def test_migrations_upgrade_check_and_downgrade(
    project: Path, database_url: str
) -> None:
    # one alembic process for the walk (the models do not change during it)
    with alembic_session(project, DATABASE_URL=database_url) as alembic:
        alembic("upgrade", "head")
        assert set(TABLES) <= _table_names(database_url)

        # The autogenerate comparison finds nothing: migrations == models.
        check = alembic("check")
        assert "No new upgrade operations detected" in check.stdout + check.stderr

        alembic("downgrade", "-1")
        remaining = _table_names(database_url)
        assert TABLES[-1] not in remaining
        assert set(TABLES[:-1]) <= remaining

        alembic("downgrade", "base")
        assert not set(TABLES) & _table_names(database_url)

        alembic("upgrade", "head")
        assert set(TABLES) <= _table_names(database_url)
        alembic("check")


# (d) ------------------------------------------------------------------------------


def test_app_serves_the_new_resources(project: Path, database_url: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=database_url)
    alice = run(project, "fastgen", "token", "--sub", "alice").stdout.strip()
    bob = run(project, "fastgen", "token", "--sub", "bob").stdout.strip()
    admin = run(project, "fastgen", "token", "--sub", "ada", "--role", "admin")
    as_admin = {"Authorization": f"Bearer {admin.stdout.strip()}"}
    as_alice = {"Authorization": f"Bearer {alice}"}
    as_bob = {"Authorization": f"Bearer {bob}"}

    with serving(project, DATABASE_URL=database_url) as base_url:
        api = f"{base_url}/api/v1"
        with httpx.Client(timeout=10) as client:
            author = client.post(
                f"{api}/authors",
                json={"name": "Ann", "email": "ann@example.com"},
                headers=as_alice,
            )
            assert author.status_code == 201, author.text
            author_id = author.json()["data"]["id"]
            assert author.headers["location"].endswith(f"/api/v1/authors/{author_id}")
            fetched = client.get(author.headers["location"], headers=as_alice)
            assert fetched.status_code == 200, fetched.text
            assert fetched.json()["data"]["email"] == "ann@example.com"

            post = client.post(
                f"{api}/posts",
                json={
                    "title": "Hello",
                    "body": "First post.",
                    "author_id": author_id,
                    "token": "00000000-0000-0000-0000-000000000009",
                    "price": "12.50",
                    "status": "published",
                    "rating": 4.5,
                    "published_on": "2024-01-31",
                    "starts_at": "2024-01-31T10:00:00Z",
                    "website": "https://example.com/hello",
                    "meta": {"tags": ["a", "b"], "n": 1},
                },
                headers=as_alice,
            )
            assert post.status_code == 201, post.text
            assert post.headers["location"]
            created = post.json()["data"]
            assert created["author_id"] == author_id
            assert created["price"] == "12.50"
            assert created["status"] == "published"
            assert created["views"] == 0
            assert created["published"] is False
            assert created["meta"] == {"tags": ["a", "b"], "n": 1}

            listing = client.get(f"{api}/posts", headers=as_alice)
            assert listing.status_code == 200, listing.text
            page = listing.json()
            assert set(page) == {"data", "total", "page", "page_size"}
            assert page["total"] == 1
            assert page["page"] == 1
            assert [row["id"] for row in page["data"]] == [created["id"]]

            # Another user learns nothing of alice's rows.
            for path in (f"authors/{author_id}", f"posts/{created['id']}"):
                other = client.get(f"{api}/{path}", headers=as_bob)
                assert other.status_code == 404, other.text
                assert other.json()["error_code"] == "NOT_FOUND"
            bob_list = client.get(f"{api}/posts", headers=as_bob)
            assert bob_list.json()["total"] == 0
            bob_delete = client.delete(f"{api}/authors/{author_id}", headers=as_bob)
            assert bob_delete.status_code == 404, bob_delete.text

            # The author is still referenced by the post.
            conflict = client.delete(f"{api}/authors/{author_id}", headers=as_alice)
            assert conflict.status_code == 409, conflict.text
            assert conflict.json()["error_code"] == "CONFLICT"

            # A shared resource is visible to every user; writes need the role.
            refused = client.post(f"{api}/tags", json={"name": "x"}, headers=as_alice)
            assert refused.status_code == 403, refused.text
            assert refused.json()["error_code"] == "FORBIDDEN"
            tag = client.post(f"{api}/tags", json={"name": "news"}, headers=as_admin)
            assert tag.status_code == 201, tag.text
            assert tag.json()["data"]["color"] == "red"
            seen_by_bob = client.get(
                f"{api}/tags/{tag.json()['data']['id']}", headers=as_bob
            )
            assert seen_by_bob.status_code == 200, seen_by_bob.text

            # A published recipe is read by everyone; only its owner changes it,
            # and others may refer to it.
            recipe = client.post(
                f"{api}/recipes",
                json={"title": "Soup", "published": True},
                headers=as_alice,
            )
            assert recipe.status_code == 201, recipe.text
            recipe_url = f"{api}/recipes/{recipe.json()['data']['id']}"
            assert client.get(recipe_url, headers=as_bob).status_code == 200
            renamed = client.patch(recipe_url, json={"title": "x"}, headers=as_bob)
            assert renamed.status_code == 403, renamed.text
            review = client.post(
                f"{api}/reviews",
                json={"recipe_id": recipe.json()["data"]["id"], "stars": 5},
                headers=as_bob,
            )
            assert review.status_code == 201, review.text

            # The multi-word resource is routed under its kebab-case plural.
            categories = client.get(f"{api}/blog-categories", headers=as_alice)
            assert categories.status_code == 200, categories.text
            assert categories.json()["total"] == 0
            openapi = client.get(f"{base_url}/openapi.json").json()
            assert "/api/v1/blog-categories" in openapi["paths"]

            # Once the post is gone the author can be deleted.
            gone = client.delete(f"{api}/posts/{created['id']}", headers=as_alice)
            assert gone.status_code == 204
            assert gone.content == b""
            deleted = client.delete(f"{api}/authors/{author_id}", headers=as_alice)
            assert deleted.status_code == 204, deleted.text
