"""`fastgen rename field` and `fastgen rename resource` at the CLI level: the plan,
the spec, the wiring, and one-line errors that write nothing. The migrations run on
SQLite and PostgreSQL in tests/test_e2e_sync.py and tests/test_e2e_lifecycle.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from fastgen.cli import app
from tests.cli_results import fails, generated, ok, plan_actions, snapshot, working_copy

RESOURCES = [
    ["add", "resource", "Author", "name:str{100}:index"],
    [
        "add",
        "resource",
        "Post",
        "title:str{200}:index:unique",
        "body:text",
        "author:ref:Author",
        "parent:ref:Post?",
    ],
    ["add", "resource", "Comment", "post:ref:Post", "text:text"],
]


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory.mktemp("blog"), "blog", *RESOURCES)


@pytest.fixture
def project(
    cli: CliRunner, tmp_path: Path, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return working_copy(blog, tmp_path, monkeypatch)


def _spec(root: Path, name: str) -> dict[str, object]:
    return dict(yaml.safe_load((root / f"resources/{name}.yaml").read_text()))


def test_rename_field_records_the_old_name_and_writes_one_revision(
    cli: CliRunner, project: Path
) -> None:
    before = {p.name for p in (project / "migrations/versions").glob("*.py")}
    result = ok(cli.invoke(app, ["rename", "field", "Post", "title", "headline"]))
    (new,) = {p.name for p in (project / "migrations/versions").glob("*.py")} - before
    assert new.endswith("_rename_title_to_headline_posts.py")
    assert plan_actions(result.stdout)["app/posts/models.py"] == "update"
    fields = _spec(project, "post")["fields"]
    assert isinstance(fields, dict)
    assert fields["headline"]["renamed_from"] == "title"
    assert "title" not in fields
    text = (project / "migrations/versions" / new).read_text()
    assert 'new_column_name="headline"' in text
    assert "drop_column" not in text and "add_column" not in text
    ok(cli.invoke(app, ["check"]))
    assert "Nothing to do" in ok(cli.invoke(app, ["sync"])).stdout


def test_renaming_the_public_if_field_renames_it_in_the_access_rule(
    cli: CliRunner, project: Path
) -> None:
    recipe = ["add", "resource", "Recipe", "title:str", "published:bool=false"]
    ok(cli.invoke(app, [*recipe, "--access", "public", "--public-if", "published"]))

    ok(cli.invoke(app, ["rename", "field", "Recipe", "published", "visible"]))

    spec = _spec(project, "recipe")
    assert (spec["access"], spec["public_if"]) == ("public", "visible")
    service = (project / "app/recipes/service.py").read_text()
    assert "col(Recipe.visible).is_(True)" in service
    ok(cli.invoke(app, ["check"]))


def test_renaming_a_field_of_a_unique_group_renames_it_in_the_group(
    cli: CliRunner, project: Path
) -> None:
    link = ["add", "resource", "PostLabel", "post:ref:Post", "label:str{20}"]
    ok(cli.invoke(app, [*link, "--unique-together", "post,label"]))
    before = {p.name for p in (project / "migrations/versions").glob("*.py")}

    ok(cli.invoke(app, ["rename", "field", "PostLabel", "label", "name"]))

    assert _spec(project, "post_label")["unique_together"] == [["post", "name"]]
    (new,) = {p.name for p in (project / "migrations/versions").glob("*.py")} - before
    text = (project / "migrations/versions" / new).read_text()
    assert 'op.f("uq_post_labels_owner_id_post_id_name")' in text
    assert "REVIEW" not in text
    models = (project / "app/post_labels/models.py").read_text()
    assert 'sa.UniqueConstraint("owner_id", "post_id", "name")' in models
    ok(cli.invoke(app, ["check"]))


def test_rename_resource_moves_everything_and_retargets_refs(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, ["rename", "resource", "Post", "Article"]))
    assert not (project / "app/posts").exists()
    assert not (project / "resources/post.yaml").exists()
    assert not (project / "tests/test_posts.py").exists()
    assert (project / "app/articles/models.py").is_file()
    article = _spec(project, "article")
    assert article["name"] == "Article"
    assert article["fields"]["parent"]["ref"] == "Article"  # type: ignore[index]
    assert _spec(project, "comment")["fields"]["post"]["ref"] == "Article"  # type: ignore[index]
    api = (project / "app/api.py").read_text()
    assert "articles_router" in api and "posts_router" not in api
    models = (project / "app/models.py").read_text()
    assert "from app.articles.models import Article" in models
    assert "import Post  # noqa" not in models.split('"""')[-1]
    factory = (project / "tests/factories/comments.py").read_text()
    assert "create_article" in factory
    (rename,) = (project / "migrations/versions").glob("*_rename_posts_to_articles.py")
    text = rename.read_text()
    assert 'op.rename_table("posts", "articles")' in text
    assert 'with op.batch_alter_table("comments")' in text  # the ref's foreign key
    assert "REVIEW" not in text
    manifest = json.loads((project / ".fastgen/manifest.json").read_text())
    history = [
        p for p in manifest["resources"]["Article"]["files"] if "migrations" in p
    ]
    assert any(p.endswith("_create_posts.py") for p in history)  # still checked
    assert any(p.endswith("_rename_posts_to_articles.py") for p in history)
    assert "Post" not in manifest["resources"]
    ok(cli.invoke(app, ["check"]))
    assert "Nothing to do" in ok(cli.invoke(app, ["sync"])).stdout


def test_a_renamed_resource_can_be_renamed_back_and_removed(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, ["rename", "resource", "Comment", "Remark"]))
    ok(cli.invoke(app, ["rename", "resource", "Remark", "Comment"]))
    ok(cli.invoke(app, ["remove", "resource", "Comment"]))
    names = [p.name for p in (project / "migrations/versions").glob("*.py")]
    assert len(names) == len({n[:12] for n in names})  # every revision id distinct
    ok(cli.invoke(app, ["check"]))


@pytest.mark.parametrize(
    ("command", "phrases"),
    [
        (["rename", "field", "Nope", "a", "b"], ["no resource named Nope"]),
        (["rename", "field", "Post", "nope", "b"], ["Post has no field nope"]),
        (["rename", "field", "Post", "title", "body"], ["already has a field body"]),
        (["rename", "field", "Post", "title", "Bad-Name"], ["not a valid field name"]),
        (["rename", "resource", "Nope", "Other"], ["no resource named Nope"]),
        (["rename", "resource", "Post", "Author"], ["would clash with Author"]),
        (["rename", "resource", "Post", "Post"], ["already called Post"]),
        (["rename", "resource", "Post", "9lives"], ["9lives"]),
    ],
    ids=[
        "unknown-resource",
        "unknown-field",
        "onto-existing-field",
        "bad-field-name",
        "unknown-resource-rename",
        "onto-existing-resource",
        "same-name",
        "bad-resource-name",
    ],
)
def test_bad_renames_are_one_line_and_write_nothing(
    cli: CliRunner, project: Path, command: list[str], phrases: list[str]
) -> None:
    before = snapshot(project)
    fails(cli.invoke(app, command), *phrases)
    assert snapshot(project) == before


@pytest.mark.parametrize("kept", [False, True], ids=["edited", "kept-edit"])
def test_rename_resource_refuses_hand_edited_files(
    cli: CliRunner, project: Path, kept: bool
) -> None:
    service = project / "app/comments/service.py"
    service.write_text(service.read_text() + "# mine\n")
    if kept:
        ok(cli.invoke(app, ["sync", "--keep-edits"]))
    before = snapshot(project)
    fails(
        cli.invoke(app, ["rename", "resource", "Comment", "Remark"]),
        "app/comments/service.py changed by hand",
    )
    assert snapshot(project) == before
    ok(cli.invoke(app, ["rename", "resource", "Comment", "Remark", "--force"]))
    assert "# mine" not in (project / "app/remarks/service.py").read_text()
