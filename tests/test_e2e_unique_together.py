"""End to end: a many-to-many link resource whose pairs occur once.

A project gets Recipe (private), Ingredient (shared) and RecipeIngredient, with a
ref to each and ``--unique-together recipe,ingredient``. Its own generated suite
must pass on SQLite and PostgreSQL (it posts a pair twice for a 409, a different
pair for a 201, and moves a row onto an existing pair with PATCH for a 409), the
migration must create a unique constraint scoped to the owner that the database
enforces on a direct INSERT, and ``sync`` must drop and add the constraint in new
revisions when the spec's ``unique_together`` changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.e2e import generate_project, run

pytestmark = pytest.mark.e2e

GROUP = "unique_together: [[recipe, ingredient]]\n"
CONSTRAINT = "uq_recipe_ingredients_owner_id_recipe_id_ingredient_id"

# Inserts link rows straight into the table, past the service's check: the
# database's unique constraint must refuse a repeated pair of one owner alone.
INSERT_SCRIPT = """\
import asyncio, json, os, uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

import app.models  # noqa: F401  (registers every table)
from app.ingredients.models import Ingredient
from app.recipe_ingredients.models import RecipeIngredient
from app.recipes.models import Recipe


async def main() -> None:
    engine = create_async_engine(os.environ["DATABASE_URL"])
    recipe_id, ingredient_id = uuid.uuid4(), uuid.uuid4()
    async with AsyncSession(engine) as session:
        session.add(Recipe(id=recipe_id, owner_id="alice", title="Soup"))
        session.add(Ingredient(id=ingredient_id, name="Salt"))
        await session.commit()
    results = []
    for owner in ("alice", "alice", "bob"):
        row = RecipeIngredient(
            owner_id=owner, recipe_id=recipe_id, ingredient_id=ingredient_id
        )
        async with AsyncSession(engine) as session:
            session.add(row)
            try:
                await session.commit()
                results.append("stored")
            except IntegrityError:
                results.append("refused")
    await engine.dispose()
    print(json.dumps(results))


asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_unique_together"))
    add = ("fastgen", "add", "resource")
    run(project, *add, "Recipe", "title:str{120}")
    run(project, *add, "Ingredient", "name:str{80}:unique", "--access", "shared")
    run(
        project,
        *add,
        "RecipeIngredient",
        "recipe:ref:Recipe",
        "ingredient:ref:Ingredient",
        "quantity:str{40}?",
        "--unique-together",
        "recipe,ingredient",
    )
    return project


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return f"sqlite+aiosqlite:///{tmp_path / 'links.db'}"


def _upgrade_and_check(project: Path, url: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=url)
    check = run(project, "alembic", "check", DATABASE_URL=url)
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_the_spec_records_the_group(project: Path) -> None:
    spec = (project / "resources" / "recipe_ingredient.yaml").read_text("utf-8")
    assert GROUP in spec


def test_generated_code_is_black_ruff_and_mypy_strict_clean(project: Path) -> None:
    run(project, "black", "--check", ".")
    run(project, "ruff", "check", ".")
    run(project, "mypy", "--strict", "app", "tests", "migrations")


def test_generated_suite_refuses_a_repeated_pair_and_passes(
    project: Path, database_url: str
) -> None:
    args = ("pytest", "-q", "-p", "no:cacheprovider", "-rA")
    if database_url.startswith("sqlite"):
        result = run(project, *args)
    else:
        result = run(project, *args, TEST_DATABASE_URL=database_url)
    output = result.stdout
    summary = output.strip().splitlines()[-1]
    assert "failed" not in summary and "skipped" not in summary, output[-3000:]
    assert (
        "PASSED tests/test_recipe_ingredients.py::"
        "test_duplicate_recipe_id_and_ingredient_id_is_a_conflict"
    ) in output


def test_migration_creates_a_unique_constraint_per_owner(
    project: Path, database_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    _upgrade_and_check(copy, database_url)
    (copy / "insert_links.py").write_text(INSERT_SCRIPT, encoding="utf-8")

    result = run(copy, "insert_links", DATABASE_URL=database_url)

    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == ["stored", "refused", "stored"]


def test_sync_drops_and_adds_the_constraint_in_new_revisions(
    project: Path, database_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    spec = copy / "resources" / "recipe_ingredient.yaml"
    versions = copy / "migrations" / "versions"
    text = spec.read_text(encoding="utf-8")

    spec.write_text(text.replace(GROUP, ""), encoding="utf-8")
    before = set(versions.glob("*.py"))
    run(copy, "fastgen", "sync")
    (dropped,) = set(versions.glob("*.py")) - before
    assert "_drop_unique_recipe_id_and_ingredient_id_" in dropped.name
    upgrade = dropped.read_text(encoding="utf-8").split("def downgrade")[0]
    assert "drop_constraint" in upgrade and CONSTRAINT in upgrade
    _upgrade_and_check(copy, database_url)

    spec.write_text(text, encoding="utf-8")
    before = set(versions.glob("*.py"))
    result = run(copy, "fastgen", "sync")
    (added,) = set(versions.glob("*.py")) - before
    assert "_unique_recipe_id_and_ingredient_id_" in added.name
    upgrade = added.read_text(encoding="utf-8").split("def downgrade")[0]
    assert "create_unique_constraint" in upgrade and CONSTRAINT in upgrade
    assert "# REVIEW: unique (owner_id, recipe_id, ingredient_id)" in upgrade
    assert "fails if existing rows hold duplicates" in result.stdout + result.stderr
    _upgrade_and_check(copy, database_url)
    run(copy, "alembic", "downgrade", "-1", DATABASE_URL=database_url)
    run(copy, "alembic", "upgrade", "head", DATABASE_URL=database_url)
    run(copy, "fastgen", "check")
