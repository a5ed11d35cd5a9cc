"""End to end: the recipe-sharing backend of issue 11, built with the real CLI.

Recipes are public once published, ingredients are a shared list only admins
write, a link resource puts ingredients in recipes (each pair once), comments on
a recipe are public and go with it, and each user has their own settings. The
generated suite runs on SQLite and PostgreSQL; then the served app is walked with
two users and an admin, as a client would: who reads and writes what (404 versus
403), comments on another user's recipe, the nested routes, ``expand``, cascade
and set-null deletes and the singleton. The link resource's unique constraint is
checked in the database too, past the service, and ``sync`` drops and re-adds it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.e2e import Alembic, alembic_session, generate_project, mypy, run, serving

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


RESOURCES: list[tuple[str, ...]] = [
    (
        "Recipe",
        "title:str{200}",
        "published:bool=false",
        "--access",
        "public",
        "--public-if",
        "published",
    ),
    ("Ingredient", "name:str{100}:unique", "--access", "shared"),
    (
        "RecipeIngredient",
        "recipe:ref:Recipe:cascade",
        "ingredient:ref:Ingredient",
        "quantity:str{50}?",
        "--access",
        "public",
        "--unique-together",
        "recipe,ingredient",
    ),
    (
        "Comment",
        "recipe:ref:Recipe:cascade",
        "body:text",
        "reply_to:ref:Comment?:set_null",
        "--access",
        "public",
    ),
    ("Settings", "theme:enum{light,dark}=light", "--singleton"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(tmp_path_factory.mktemp("e2e_recipes"))
    for spec in RESOURCES:
        run(project, "fastgen", "add", "resource", *spec)
    return project


def test_generated_code_is_clean_and_its_suite_passes(
    project: Path, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        run(project, "black", "--check", ".")
        run(project, "ruff", "check", ".")
        mypy(project, "--strict", "app", "tests", "migrations")
        result = run(project, "pytest", "-q", "-p", "no:cacheprovider", "-rA")
    else:
        result = run(
            project,
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rA",
            TEST_DATABASE_URL=database_url,
        )
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary, result.stdout[-3000:]
    assert "skipped" not in summary, summary
    assert (
        "PASSED tests/test_recipe_ingredients.py::"
        "test_duplicate_recipe_id_and_ingredient_id_is_a_conflict"
    ) in result.stdout
    # among them, the tests of the nested routes and of expand's statement count
    links = (project / "tests" / "test_recipe_ingredients.py").read_text()
    for test in (
        "test_list_by_recipe",
        "test_list_by_ingredient",
        "test_expand_costs_one_query_per_relation_whatever_the_page_size",
    ):
        assert f"async def {test}(" in links


def _headers(project: Path, user: str, *extra: str) -> dict[str, str]:
    token = run(project, "fastgen", "token", "--sub", user, *extra).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


class Api:
    """The served app's ``/api/v1``, asserting each call's status."""

    def __init__(self, client: httpx.Client, base_url: str) -> None:
        self.client = client
        self.base = f"{base_url}/api/v1"

    def call(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        expected: int,
        **kwargs: object,
    ) -> httpx.Response:
        response = self.client.request(
            method, f"{self.base}{path}", headers=headers, **kwargs
        )
        assert (
            response.status_code == expected
        ), f"{method} {path}: {response.status_code} {response.text}"
        return response

    def data(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        expected: int,
        **kwargs: object,
    ) -> object:
        return self.call(method, path, headers, expected, **kwargs).json()["data"]


def test_two_users_and_an_admin_share_recipes(project: Path, database_url: str) -> None:
    run(project, "alembic", "upgrade", "head", DATABASE_URL=database_url)
    alice = _headers(project, "alice")
    bob = _headers(project, "bob")
    admin = _headers(project, "ada", "--role", "admin")

    with (
        serving(project, DATABASE_URL=database_url) as base_url,
        httpx.Client(timeout=10) as client,
    ):
        api = Api(client, base_url)

        # Alice's recipes: one published, one draft.
        soup = api.data(
            "POST", "/recipes", alice, 201, json={"title": "Soup", "published": True}
        )
        draft = api.data("POST", "/recipes", alice, 201, json={"title": "Secret"})
        assert isinstance(soup, dict) and isinstance(draft, dict)

        # Bob reads the published one, not the draft; he may change neither.
        api.call("GET", f"/recipes/{soup['id']}", bob, 200)
        api.call("GET", f"/recipes/{draft['id']}", bob, 404)
        api.call("PATCH", f"/recipes/{soup['id']}", bob, 403, json={"title": "x"})
        api.call("PATCH", f"/recipes/{draft['id']}", bob, 404, json={"title": "x"})
        api.call("DELETE", f"/recipes/{soup['id']}", bob, 403)
        listed = api.call("GET", "/recipes", bob, 200).json()
        assert [row["id"] for row in listed["data"]] == [soup["id"]]

        # The ingredient list is shared: everyone reads it, only admins write it.
        api.call("POST", "/ingredients", alice, 403, json={"name": "salt"})
        salt = api.data("POST", "/ingredients", admin, 201, json={"name": "salt"})
        leek = api.data("POST", "/ingredients", admin, 201, json={"name": "leek"})
        assert isinstance(salt, dict) and isinstance(leek, dict)
        api.call("GET", f"/ingredients/{salt['id']}", bob, 200)
        api.call("PATCH", f"/ingredients/{salt['id']}", bob, 403, json={"name": "x"})
        api.call(
            "PATCH", f"/ingredients/{leek['id']}", admin, 200, json={"name": "leeks"}
        )

        # Alice puts ingredients in her recipe, each once.
        for ingredient, quantity in ((salt, "1 pinch"), (leek, "2")):
            api.call(
                "POST",
                "/recipe-ingredients",
                alice,
                201,
                json={
                    "recipe_id": soup["id"],
                    "ingredient_id": ingredient["id"],
                    "quantity": quantity,
                },
            )
        api.call(
            "POST",
            "/recipe-ingredients",
            alice,
            409,
            json={"recipe_id": soup["id"], "ingredient_id": salt["id"]},
        )

        # Bob lists the recipe's ingredients with their names in one request.
        page = api.call(
            "GET",
            f"/recipes/{soup['id']}/recipe-ingredients",
            bob,
            200,
            params={"expand": "ingredient", "sort": "created_at"},
        ).json()
        assert page["total"] == 2
        assert [row["ingredient"]["name"] for row in page["data"]] == ["salt", "leeks"]
        assert "recipe" not in page["data"][0], "only what expand names is embedded"
        api.call("GET", f"/recipes/{draft['id']}/recipe-ingredients", bob, 404)
        api.call("GET", f"/recipes/{draft['id']}/recipe-ingredients", alice, 200)
        api.call("GET", f"/ingredients/{salt['id']}/recipe-ingredients", bob, 200)
        api.call("GET", "/recipe-ingredients", bob, 422, params={"expand": "owner"})

        # Bob comments on Alice's published recipe, not on her draft; Alice
        # replies, and both read the thread under the recipe.
        comment = api.data(
            "POST",
            "/comments",
            bob,
            201,
            json={"recipe_id": soup["id"], "body": "Lovely"},
        )
        api.call(
            "POST", "/comments", bob, 422, json={"recipe_id": draft["id"], "body": "?"}
        )
        assert isinstance(comment, dict)
        reply = api.data(
            "POST",
            "/comments",
            alice,
            201,
            json={
                "recipe_id": soup["id"],
                "body": "Thanks",
                "reply_to_id": comment["id"],
            },
        )
        assert isinstance(reply, dict)
        thread = api.call(
            "GET",
            f"/recipes/{soup['id']}/comments",
            alice,
            200,
            params={"expand": "recipe,reply_to"},
        ).json()
        assert thread["total"] == 2
        by_id = {row["id"]: row for row in thread["data"]}
        assert by_id[reply["id"]]["reply_to"]["body"] == "Lovely"
        assert by_id[comment["id"]]["reply_to"] is None
        assert by_id[comment["id"]]["recipe"]["title"] == "Soup"
        replies = api.call("GET", f"/comments/{comment['id']}/comments", bob, 200)
        assert [row["id"] for row in replies.json()["data"]] == [reply["id"]]
        api.call(
            "PATCH", f"/comments/{comment['id']}", alice, 403, json={"body": "edited"}
        )

        # Once unpublished, the recipe vanishes from what Bob may expand or walk.
        api.call(
            "PATCH", f"/recipes/{soup['id']}", alice, 200, json={"published": False}
        )
        mine = api.data(
            "GET", f"/comments/{comment['id']}", bob, 200, params={"expand": "recipe"}
        )
        assert isinstance(mine, dict) and mine["recipe"] is None
        api.call("GET", f"/recipes/{soup['id']}/comments", bob, 404)
        api.call(
            "PATCH", f"/recipes/{soup['id']}", alice, 200, json={"published": True}
        )

        # An ingredient in use cannot go; set-null and cascade deletes do their part.
        api.call("DELETE", f"/ingredients/{salt['id']}", admin, 409)
        api.call("DELETE", f"/comments/{comment['id']}", bob, 204)
        orphan = api.data("GET", f"/comments/{reply['id']}", alice, 200)
        assert isinstance(orphan, dict) and orphan["reply_to_id"] is None
        api.call("DELETE", f"/recipes/{soup['id']}", alice, 204)
        api.call("GET", f"/comments/{reply['id']}", alice, 404)
        links = api.call("GET", "/recipe-ingredients", alice, 200).json()
        assert links["total"] == 0, "the recipe's ingredient links went with it"
        api.call("DELETE", f"/ingredients/{salt['id']}", admin, 204)

        # Each user has their own settings, with defaults before the first write.
        before = api.data("GET", "/me/settings", bob, 200)
        assert isinstance(before, dict) and before["theme"] == "light"
        api.call("PUT", "/me/settings", bob, 200, json={"theme": "dark"})
        bobs = api.data("GET", "/me/settings", bob, 200)
        alices = api.data("GET", "/me/settings", alice, 200)
        assert isinstance(bobs, dict) and isinstance(alices, dict)
        assert (bobs["theme"], alices["theme"]) == ("dark", "light")


def _upgrade_and_check(alembic: Alembic) -> None:
    alembic("upgrade", "head")
    check = alembic("check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def _upgraded_and_checked(project: Path, url: str) -> None:
    with alembic_session(project, DATABASE_URL=url) as alembic:
        _upgrade_and_check(alembic)


def test_the_spec_records_the_group(project: Path) -> None:
    spec = (project / "resources" / "recipe_ingredient.yaml").read_text("utf-8")
    assert GROUP in spec


def test_migration_creates_a_unique_constraint_per_owner(
    project: Path, database_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    _upgraded_and_checked(copy, database_url)
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
    _upgraded_and_checked(copy, database_url)

    spec.write_text(text, encoding="utf-8")
    before = set(versions.glob("*.py"))
    result = run(copy, "fastgen", "sync")
    (added,) = set(versions.glob("*.py")) - before
    assert "_unique_recipe_id_and_ingredient_id_" in added.name
    upgrade = added.read_text(encoding="utf-8").split("def downgrade")[0]
    assert "create_unique_constraint" in upgrade and CONSTRAINT in upgrade
    assert "# REVIEW: unique (owner_id, recipe_id, ingredient_id)" in upgrade
    assert "fails if existing rows hold duplicates" in result.stdout + result.stderr
    with alembic_session(copy, DATABASE_URL=database_url) as alembic:
        _upgrade_and_check(alembic)
        alembic("downgrade", "-1")
        alembic("upgrade", "head")
    run(copy, "fastgen", "check")
