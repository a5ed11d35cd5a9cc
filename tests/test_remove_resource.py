"""`fastgen remove resource`: the exact inverse of `add resource`, at the CLI level.

The migrations it writes run on SQLite and PostgreSQL in tests/test_e2e_lifecycle.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen.cli import app
from tests.cli_results import (
    Snapshot,
    fails,
    generated,
    ok,
    plan_actions,
    snapshot,
    working_copy,
)

AUTHOR = ["add", "resource", "Author", "name:str{100}:index"]
POST = [
    "add",
    "resource",
    "Post",
    "title:str{200}:index:unique",
    "body:text",
    "status:enum{draft,live}=draft",
    "author:ref:Author",
]


def _outside_versions(tree: Snapshot) -> Snapshot:
    return {
        path: data
        for path, data in tree.items()
        if not path.startswith("migrations/versions/") and "__pycache__" not in path
    }


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory.mktemp("fresh"), "blog")


@pytest.fixture
def project(
    cli: CliRunner, tmp_path: Path, fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return working_copy(fresh, tmp_path, monkeypatch)


def test_add_then_remove_leaves_the_tree_as_it_was(
    cli: CliRunner, project: Path
) -> None:
    before = snapshot(project)
    ok(cli.invoke(app, AUTHOR))
    with_author = snapshot(project)
    ok(cli.invoke(app, POST))
    ok(cli.invoke(app, ["remove", "resource", "Post"]))
    assert _outside_versions(snapshot(project)) == _outside_versions(with_author)
    ok(cli.invoke(app, ["remove", "resource", "author"]))  # any spelling
    after = snapshot(project)
    assert _outside_versions(after) == _outside_versions(before)
    versions = sorted(p for p in after if p.startswith("migrations/versions/"))
    assert sorted(p.split("_", 1)[-1] for p in versions if p.endswith(".py")) == [
        "create_authors.py",
        "create_posts.py",
        "drop_authors.py",
        "drop_posts.py",
    ]
    ok(cli.invoke(app, ["check"]))


def test_remove_writes_one_revision_dropping_the_table_on_the_head(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, POST))
    (create,) = (project / "migrations/versions").glob("*_create_posts.py")
    result = ok(cli.invoke(app, ["remove", "resource", "Post"]))
    (drop,) = (project / "migrations/versions").glob("*_drop_posts.py")
    assert plan_actions(result.stdout)[f"migrations/versions/{drop.name}"] == "create"
    text = drop.read_text()
    assert f'down_revision: str | None = "{create.name[:12]}"' in text
    upgrade, downgrade = text.split("def downgrade")
    assert 'op.drop_table("posts")' in upgrade
    assert 'op.create_table(\n        "posts",' in downgrade
    assert '"fk_posts_author_id_authors"' in downgrade
    assert '"uq_posts_owner_id_title"' in downgrade


def test_a_removed_resource_can_be_added_again(cli: CliRunner, project: Path) -> None:
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, ["remove", "resource", "Author"]))
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, ["add", "field", "Author", "bio:text?"]))
    ok(cli.invoke(app, ["remove", "resource", "Author"]))
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, ["add", "field", "Author", "bio:text?"]))
    names = sorted(p.name for p in (project / "migrations/versions").glob("*.py"))
    assert len(names) == len(set(n[:12] for n in names)) == 7  # distinct revisions
    ok(cli.invoke(app, ["check"]))


def test_remove_refuses_a_resource_others_refer_to(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, POST))
    before = snapshot(project)
    fails(
        cli.invoke(app, ["remove", "resource", "Author"]),
        "Author is referred to by Post",
        "fastgen remove resource Post",
    )
    assert snapshot(project) == before


def test_remove_of_an_unknown_resource_is_one_line(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, AUTHOR))
    before = snapshot(project)
    fails(cli.invoke(app, ["remove", "resource", "Nope"]), "no resource named Nope")
    assert snapshot(project) == before


def test_dry_run_writes_nothing(cli: CliRunner, project: Path) -> None:
    ok(cli.invoke(app, AUTHOR))
    before = snapshot(project)
    result = ok(cli.invoke(app, ["remove", "resource", "Author", "--dry-run"]))
    assert plan_actions(result.stdout)["app/authors/service.py"] == "delete"
    assert "Dry run" in result.stdout
    assert snapshot(project) == before


def test_edited_and_ejected_files_are_kept_unless_forced(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, ["eject", "Author", "service"]))
    router = project / "app/authors/router.py"
    router.write_text(router.read_text() + "# mine\n")
    ok(cli.invoke(app, ["sync", "--keep-edits"]))  # a kept edit is still the user's
    result = ok(cli.invoke(app, ["remove", "resource", "Author"]))
    assert "kept app/authors/router.py" in result.stderr
    assert "kept app/authors/service.py" in result.stderr
    assert sorted(p.name for p in (project / "app/authors").iterdir()) == [
        "router.py",
        "service.py",
    ]
    assert not (project / "resources/author.yaml").exists()


def test_force_deletes_edited_and_ejected_files(cli: CliRunner, project: Path) -> None:
    ok(cli.invoke(app, AUTHOR))
    ok(cli.invoke(app, ["eject", "Author", "service"]))
    ok(cli.invoke(app, ["remove", "resource", "Author", "--force"]))
    assert not (project / "app/authors").exists()
