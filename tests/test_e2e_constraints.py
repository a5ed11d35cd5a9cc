"""End to end: value constraints, the newer types and the list filters, from spec
to database.

One project gets a resource using every type that takes a constraint, with every
constraint (bounds on int, bigint, float and decimal; lengths on str and text; a
pattern), plus ``time`` and ``slug``, three of its fields searched. Its own
generated suite must pass on SQLite and PostgreSQL (it sends values at and just
beyond every bound, filters by ranges, searches with ``%`` and ``_`` and sends an
unknown query parameter), the migration must create CHECK constraints the database
enforces on a direct INSERT, and ``sync`` must change constraints in a new
revision, flagging only the ones existing rows might violate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e import alembic_session, generate_project, mypy, run

pytestmark = pytest.mark.e2e

SPEC = """\
name: Recipe
fields:
  title: {type: str, min_length: 3, max_length: 120, index: true, search: true}
  code: {type: str, max_length: 12, pattern: "^[A-Z]{3}-[0-9]+$", example: ABC-1}
  rating: {type: int, min: 1, max: 5}
  servings: {type: int, min: 1, optional: true}
  calories: {type: bigint, min: 0}
  big: {type: bigint, index: true}
  weight: {type: float, min: 0.5, max: 10}
  price: {type: decimal, precision: 8, scale: 2, min: "0", max: "9999.99"}
  summary: {type: text, max_length: 500, optional: true}
  steps: {type: text, min_length: 10, search: true}
  starts_at: {type: time, default: "18:00"}
  ends_at: {type: time, optional: true, unique: true}
  slug: {type: slug, max_length: 60, search: true}
"""

# Inserts rows straight into the table, past the API's validation: the database's
# CHECK constraints must refuse each bad value on their own.
INSERT_SCRIPT = """\
import asyncio, json, os, sys, uuid
from datetime import time
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

import app.models  # noqa: F401  (registers every table)
from app.recipes.models import Recipe

VALID = dict(
    owner_id="someone", title="Soup", code="ABC-1", rating=3, servings=2,
    calories=100, big=1, weight=1.0, price=Decimal("1.50"), summary="Hot soup.",
    steps="Boil the water first.", starts_at=time(18, 0), ends_at=None,
)


async def main() -> None:
    engine = create_async_engine(os.environ["DATABASE_URL"])
    results = {}
    for column, value in json.loads(sys.argv[1]):
        if column == "price":
            value = Decimal(value)
        row = Recipe(**VALID, slug=f"row-{uuid.uuid4().hex}")
        if column:
            setattr(row, column, value)
        async with AsyncSession(engine) as session:
            session.add(row)
            try:
                await session.commit()
                results[f"{column}={value}"] = "stored"
            except IntegrityError:
                results[f"{column}={value}"] = "refused"
    await engine.dispose()
    print(json.dumps(results))


asyncio.run(main())
"""

# (column, value) pairs the CHECK constraints refuse; ("", None) is a valid row.
BAD_VALUES = [
    ("rating", 0),
    ("rating", 6),
    ("servings", 0),
    ("calories", -1),
    ("weight", 0.4),
    ("weight", 10.5),
    ("price", "-0.01"),
    ("price", "10000.00"),
    ("title", "ab"),
    ("summary", "x" * 501),
    ("steps", "too short"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_constraints"))
    (project / "recipe-spec.yaml").write_text(SPEC, encoding="utf-8")
    run(project, "fastgen", "add", "resource", "--spec", "recipe-spec.yaml")
    (project / "recipe-spec.yaml").unlink()
    return project


def _insert(project: Path, url: str, rows: list[tuple[str, object]]) -> dict[str, str]:
    script = project / "insert_rows.py"
    script.write_text(INSERT_SCRIPT, encoding="utf-8")
    try:
        result = run(project, "insert_rows", json.dumps(rows), DATABASE_URL=url)
    finally:
        script.unlink()
    outcome: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


def test_generated_code_is_black_ruff_and_mypy_strict_clean(project: Path) -> None:
    run(project, "black", "--check", ".")
    run(project, "ruff", "check", ".")
    mypy(project, "--strict", "app", "tests", "migrations")


def test_generated_suite_tests_both_edges_and_passes(
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
    for accepted in ("rating-1", "rating-5", "price-0", "price-9999.99", "code-ABC-1"):
        assert f"test_create_accepts_values_at_the_bounds[{accepted}]" in output
    for refused in ("rating-0", "rating-6", "weight-0.49999999999999994", "title-xx"):
        assert f"test_create_rejects_invalid_values[{refused}]" in output
    for other in (
        "test_list_search_matches_case_insensitively_and_literally[%-",
        "test_list_search_matches_case_insensitively_and_literally[_-",
        "test_list_rejects_unknown_query_parameters",
        "test_list_filters_by_rating_range",
        "test_list_filters_by_starts_at_range",
    ):
        assert other in output, other


def test_migration_creates_checks_the_database_enforces(
    project: Path, database_url: str
) -> None:
    with alembic_session(project, DATABASE_URL=database_url) as alembic:
        alembic("upgrade", "head")
        check = alembic("check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr

    outcome = _insert(project, database_url, [("", None), *BAD_VALUES])

    assert outcome.pop("=None") == "stored"
    assert set(outcome.values()) == {"refused"}, outcome
    assert len(outcome) == len(BAD_VALUES)


def _sync(project: Path) -> subprocess.CompletedProcess[str]:
    spec = project / "resources" / "recipe.yaml"
    text = spec.read_text(encoding="utf-8")
    for old, new in [
        ("rating: {type: int, min: 1, max: 5}", "rating: {type: int, min: 1, max: 10}"),
        (
            "servings: {type: int, min: 1, optional: true}",
            "servings: {type: int, optional: true}",
        ),
        (
            "summary: {type: text, max_length: 500,",
            "summary: {type: text, min_length: 5, max_length: 500,",
        ),
        (
            "big: {type: bigint, index: true}",
            "big: {type: bigint, min: 0, index: true}",
        ),
    ]:
        assert old in text, text
        text = text.replace(old, new)
    spec.write_text(text, encoding="utf-8")
    return run(project, "fastgen", "sync")


def test_sync_changes_constraints_in_a_new_revision(
    project: Path, database_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    run(copy, "alembic", "upgrade", "head", DATABASE_URL=database_url)
    assert _insert(copy, database_url, [("", None)]) == {"=None": "stored"}
    before = set((copy / "migrations" / "versions").glob("*.py"))

    result = _sync(copy)

    (revision,) = set((copy / "migrations" / "versions").glob("*.py")) - before
    text = revision.read_text(encoding="utf-8")
    upgrade = text.split("def downgrade")[0]
    assert "REVIEW: recipes.summary only accepts" in upgrade
    assert "REVIEW: recipes.big only accepts big >= 0" in upgrade  # added
    assert "REVIEW: recipes.rating" not in upgrade  # widened: every old row fits
    assert "ck_recipes_recipe_servings_range" in upgrade  # dropped
    assert "recipes.summary only accepts" in result.stderr + result.stdout
    with alembic_session(copy, DATABASE_URL=database_url) as alembic:
        alembic("upgrade", "head")
        check = alembic("check")
        assert "No new upgrade operations detected" in check.stdout + check.stderr
        alembic("downgrade", "-1")
        alembic("upgrade", "head")
    outcome = _insert(
        copy,
        database_url,
        [("rating", 10), ("servings", 0), ("summary", "abc"), ("big", -1)],
    )
    assert outcome == {
        "rating=10": "stored",
        "servings=0": "stored",
        "summary=abc": "refused",
        "big=-1": "refused",
    }
    run(copy, "fastgen", "check")
