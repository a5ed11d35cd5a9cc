"""End to end: the second week of a project, on SQLite and PostgreSQL.

One project lives through what real apps do after day 0: two resources with a ref
and rows in both databases (created through the running API); a generated
migration edited by hand; a field and then a resource renamed with their rows
present; a hand-edited router carried through a spec change; an ejected service
whose spec moves on (`check` names it, `fastgen diff` gives the patch, the user
applies it); and both resources removed again. After every step `fastgen check`
exits 0, both databases upgrade to head, `alembic check` finds nothing, the
newest revision downgrades and upgrades again, and the resources' generated tests
pass (the project's whole suite after the first step, and after the last, when no
resource is left).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_ADMIN_DSN, _pg_execute, _require_postgres
from tests.e2e import (
    alembic_session,
    generate_project,
    project_env,
    resource_tests,
    run,
    serving,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

NO_NEW_OPERATIONS = "No new upgrade operations detected"
ENDPOINT = '''

@router.get("/stats/owner", summary="Who is asking")
async def dishes_owner(user: CurrentUserDep) -> dict[str, str]:
    """A route written by hand."""
    return {"owner": user.id}
'''


@dataclass
class Project:
    """The walked project, its two databases, and the steps done so far."""

    root: Path
    sqlite: str
    postgres: str
    done: list[str] = field(default_factory=list)

    def fastgen(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(self.root, "fastgen", *args)

    def step(self, name: str, previous: str | None) -> None:
        if previous is not None and previous not in self.done:
            pytest.fail(f"step {previous!r} did not complete")
        self.done.append(name)

    def healthy(self, *, new_revision: bool = True, whole_suite: bool = False) -> None:
        """check exits 0; both databases at head, matching the models, the newest
        revision (when the step wrote one) reversible; the resources' generated
        tests pass (the whole suite with ``whole_suite``)."""
        self.fastgen("check")
        for url in (self.sqlite, self.postgres):
            with alembic_session(self.root, DATABASE_URL=url) as alembic:
                alembic("upgrade", "head")
                checked = alembic("check")
                assert NO_NEW_OPERATIONS in checked.stdout + checked.stderr
                if new_revision:
                    alembic("downgrade", "-1")
                    alembic("upgrade", "head")
        tests = [] if whole_suite else resource_tests(self.root)
        suite = run(self.root, "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests)
        assert " passed" in suite.stdout and "failed" not in suite.stdout


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    _require_postgres()
    parent = tmp_path_factory.mktemp("lifecycle")
    name = f"fastgen_life_{uuid.uuid4().hex[:12]}"
    _pg_execute(PG_ADMIN_DSN, f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    try:
        yield Project(
            generate_project(parent, "kitchen"),
            f"sqlite+aiosqlite:///{parent / 'kitchen.db'}",
            f"{base}/{name}",
        )
    finally:
        _pg_execute(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Api:
    """Requests as alice to the project served on one database."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(
        self, method: str, path: str, json: dict[str, object] | None = None
    ) -> httpx.Response:
        url = f"{self.base_url}/api/v1{path}"
        return httpx.request(method, url, headers=self.headers, json=json)

    def rows(self, path: str) -> list[dict[str, object]]:
        response = self("GET", path)
        assert response.status_code == 200, response.text
        return list(response.json()["data"])


@contextmanager
def _api(project: Project, database: str) -> Iterator[Api]:
    """Serve the project on ``database`` for requests as alice."""
    token = project.fastgen("token", "--sub", "alice").stdout.strip()
    with serving(project.root, DATABASE_URL=database) as base_url:
        yield Api(base_url, token)


def test_1_two_resources_with_a_ref_and_rows(walk: Project) -> None:
    walk.step("resources", None)
    walk.fastgen(
        "add", "resource", "Recipe", "title:str{200}:index:unique", "body:text"
    )
    walk.fastgen("add", "resource", "Comment", "recipe:ref:Recipe", "text:text")
    walk.healthy(whole_suite=True)
    for database in (walk.sqlite, walk.postgres):
        with _api(walk, database) as api:
            recipe = api("POST", "/recipes", json={"title": "Soup", "body": "Hot"})
            assert recipe.status_code == 201, recipe.text
            recipe_id = recipe.json()["data"]["id"]
            comment = api(
                "POST", "/comments", json={"recipe_id": recipe_id, "text": "Lovely"}
            )
            assert comment.status_code == 201, comment.text


def test_2_an_edited_migration_is_not_drift(walk: Project) -> None:
    walk.step("edited migration", "resources")
    (migration,) = (walk.root / "migrations/versions").glob("*_create_comments.py")
    text = migration.read_text()
    migration.write_text(
        text.replace(
            "def upgrade() -> None:\n",
            "def upgrade() -> None:\n    # reviewed by hand: nothing to backfill\n",
        )
    )
    walk.healthy(new_revision=False)


def test_3_renames_keep_the_rows(walk: Project) -> None:
    walk.step("renames", "edited migration")
    walk.fastgen("rename", "field", "Recipe", "title", "name")
    walk.healthy()
    walk.fastgen("rename", "resource", "Recipe", "Dish")
    assert not (walk.root / "app/recipes").exists()
    walk.healthy()
    for database in (walk.sqlite, walk.postgres):
        with _api(walk, database) as api:
            (dish,) = api.rows("/dishes")
            assert (dish["name"], dish["body"]) == ("Soup", "Hot")
            (comment,) = api.rows("/comments")
            assert comment["recipe_id"] == dish["id"]  # the ref keeps its field name


def test_4_a_hand_edited_router_survives_a_new_field(walk: Project) -> None:
    walk.step("merged router", "renames")
    router = walk.root / "app/dishes/router.py"
    router.write_text(router.read_text() + ENDPOINT)
    walk.fastgen("sync", "--keep-edits")
    # the first searched field changes the router (the list route's description)
    result = walk.fastgen("add", "field", "Dish", "summary:text?:search")
    assert "your edits were merged" in result.stderr
    merged = router.read_text()
    assert "async def dishes_owner(" in merged and "DishFilters" in merged
    walk.healthy()
    with _api(walk, walk.sqlite) as api:
        response = api("GET", "/dishes/stats/owner")
    assert response.json() == {"owner": "alice"}


def test_5_an_ejected_service_reports_its_moved_spec(walk: Project) -> None:
    walk.step("ejected", "merged router")
    walk.fastgen("eject", "Comment", "service")
    walk.fastgen("add", "field", "Comment", "stars:int?")
    stale = run_failing(walk.root, "fastgen", "check")
    assert "app/comments/service.py is yours (ejected)" in stale
    assert "fastgen diff Comment service" in stale
    patch = walk.fastgen("diff", "Comment", "service").stdout
    assert "filters.stars" in patch
    subprocess.run(
        ["git", "apply", "-"], cwd=walk.root, input=patch, text=True, check=True
    )
    walk.fastgen("sync", "--keep-edits")
    walk.healthy()


def test_6_remove_the_referencing_then_the_referenced(walk: Project) -> None:
    walk.step("removed", "ejected")
    refused = run_failing(walk.root, "fastgen", "remove", "resource", "Dish")
    assert "Dish is referred to by Comment" in refused
    walk.fastgen("remove", "resource", "Comment", "--force")
    walk.healthy()
    removed = walk.fastgen("remove", "resource", "Dish")
    # the router holds the user's own route: it is kept, and the user deletes it
    assert "kept app/dishes/router.py" in removed.stderr
    assert [p.name for p in (walk.root / "app/dishes").glob("*.py")] == ["router.py"]
    shutil.rmtree(walk.root / "app/dishes")
    assert not (walk.root / ".fastgen/manifest.json").exists()
    walk.healthy()


def run_failing(root: Path, *args: str) -> str:
    """Run ``python -m ARGS``, which must exit non-zero; its output."""
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=root,
        env=project_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr
