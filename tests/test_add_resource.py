"""`fastgen add resource`: the files it writes, wiring, dry-run, re-runs, conflicts,
atomic writes, spec files, every bad input and wiring into an app fastgen did not
create. CLI and plan level only: the generated projects' own suites run in the e2e
tests.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen import add_resource as add_resource_module
from fastgen.cli import app
from fastgen.spec import ResourceSpec, dump_spec, load_spec_file, parse_resource
from tests.cli_results import fails, ok, plan_actions, snapshot, stopped_by_conflicts

POST_FIELDS = ["title:str{200}:index", "body:text", "published:bool=false"]
POST = ["add", "resource", "Post", *POST_FIELDS]
POST_YAML = """\
name: Post
fields:
  title: str{200}:index
  body: {type: text}
  published: {type: bool, default: false}
"""
POST_TOML = """\
name = "Post"

[fields]
title = "str{200}:index"
body = { type = "text" }
published = { type = "bool", default = false }
"""
POST_FILES = {
    ".fastgen/bases.json",
    ".fastgen/manifest.json",
    "app/posts/__init__.py",
    "app/posts/models.py",
    "app/posts/router.py",
    "app/posts/schemas.py",
    "app/posts/service.py",
    "resources/post.yaml",
    "tests/factories/posts.py",
    "tests/test_posts.py",
}


# --------------------------------------------------------------------- helpers


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "blog"
    shutil.copytree(source, target, symlinks=True)
    return target


def _added_and_removed(old: str, new: str) -> tuple[list[str], list[str]]:
    """Non-blank lines a change added and removed."""
    added, removed = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("+ ") and line[2:].strip():
            added.append(line[2:])
        elif line.startswith("- ") and line[2:].strip():
            removed.append(line[2:])
    return added, removed


def _migration(project: Path, table: str) -> tuple[Path, str, str | None]:
    """The ``create_<table>`` revision file, its revision and down_revision."""
    (path,) = (project / "migrations/versions").glob(f"*_create_{table}.py")
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            values[node.target.id] = ast.literal_eval(node.value)
    return path, values["revision"], values["down_revision"]


# -------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly generated project, never modified: tests copy it."""
    parent = tmp_path_factory.mktemp("base")
    ok(CliRunner().invoke(app, ["new", "project", "blog", "--path", str(parent)]))
    return parent / "blog"


@pytest.fixture(scope="module")
def post_project(base_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated project after ``fastgen add resource Post ...``."""
    root = _copy(base_project, tmp_path_factory.mktemp("post"))
    ok(CliRunner().invoke(app, [*POST, "--project", str(root)]))
    return root


@pytest.fixture
def project(
    cli: CliRunner, tmp_path: Path, base_project: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private copy of the fresh project, as the working directory."""
    root = _copy(base_project, tmp_path)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def with_post(
    cli: CliRunner, tmp_path: Path, post_project: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private copy of the project that has Post, as the working directory."""
    root = _copy(post_project, tmp_path)
    monkeypatch.chdir(root)
    return root


# --------------------------------------------------------------------- success


def test_add_creates_the_resource_files_and_wires_them(
    cli: CliRunner, project: Path
) -> None:
    before = snapshot(project)
    result = ok(cli.invoke(app, POST))
    after = snapshot(project)

    migration, revision, down = _migration(project, "posts")
    created_files = {path for path in after.keys() - before if after[path] is not None}
    assert created_files == POST_FILES | {f"migrations/versions/{migration.name}"}
    created_dirs = {path for path in after.keys() - before if after[path] is None}
    assert created_dirs == {".fastgen", "app/posts", "resources"}
    changed = {path for path in before if before[path] != after.get(path)}
    assert changed == {"app/api.py", "app/models.py"}
    assert down is None
    assert migration.name == f"{revision}_create_posts.py"

    api_added, api_removed = _added_and_removed(
        before["app/api.py"].decode(), after["app/api.py"].decode()
    )
    assert api_added == [
        "from app.posts.router import router as posts_router",
        "api_router.include_router(posts_router)",
    ]
    assert api_removed == []
    models_added, models_removed = _added_and_removed(
        before["app/models.py"].decode(), after["app/models.py"].decode()
    )
    assert models_added == ["from app.posts.models import Post  # noqa: F401"]
    assert models_removed == []

    actions = plan_actions(result.stdout)
    assert actions == {path: "create" for path in created_files} | {
        "app/api.py": "update",
        "app/models.py": "update",
    }
    assert "Added Post." in result.stdout

    router = (project / "app/posts/router.py").read_text()
    assert router.startswith(
        "# Generated by fastgen; do not edit by hand. Its source is the spec\n"
        "# resources/post.yaml: change that, then run `fastgen sync`.\n"
        "# To edit this file yourself: `fastgen eject Post router`.\n"
    )
    assert 'prefix="/posts"' in router
    assert '__tablename__ = "posts"' in (project / "app/posts/models.py").read_text()

    manifest = json.loads((project / ".fastgen/manifest.json").read_text())
    record = manifest["resources"]["Post"]
    assert record["spec_file"] == "resources/post.yaml"
    assert set(record["files"]) == created_files - {
        ".fastgen/bases.json",
        ".fastgen/manifest.json",
        "resources/post.yaml",
    }
    bases = json.loads((project / ".fastgen/bases.json").read_text())
    generated = set(record["files"]) - {f"migrations/versions/{migration.name}"}
    assert set(bases) == generated
    assert all(bases[path].encode() == after[path] for path in generated)
    spec_bytes = after["resources/post.yaml"]
    assert record["spec_file_hash"] == hashlib.sha256(spec_bytes).hexdigest()
    for path, digest in record["files"].items():
        assert hashlib.sha256(after[path]).hexdigest() == digest, path


def test_second_resource_migration_chains_onto_the_first(
    cli: CliRunner, with_post: Path
) -> None:
    _, post_revision, post_down = _migration(with_post, "posts")
    assert post_down is None
    result = ok(cli.invoke(app, ["add", "resource", "Comment", "post:ref:Post"]))
    assert "Added Comment." in result.stdout
    _, comment_revision, comment_down = _migration(with_post, "comments")
    assert comment_down == post_revision
    assert comment_revision != post_revision

    api = (with_post / "app/api.py").read_text()
    assert api.count("api_router.include_router(") == 4
    assert api.index("include_router(posts_router)") < api.index(
        "include_router(comments_router)"
    )
    models = (with_post / "app/models.py").read_text()
    assert "from app.comments.models import Comment  # noqa: F401" in models
    assert "from app.posts.models import Post  # noqa: F401" in models

    # Re-adding the first resource keeps its place in the chain: nothing changes.
    before = snapshot(with_post)
    result = ok(cli.invoke(app, POST))
    assert "Nothing to do" in result.stdout
    assert snapshot(with_post) == before


@pytest.mark.parametrize(
    ("name", "package", "singular", "prefix"),
    [
        ("BlogPost", "blog_posts", "blog_post", "/blog-posts"),
        ("Category", "categories", "category", "/categories"),
        ("Person", "people", "person", "/people"),
    ],
)
def test_resource_names_give_package_table_and_route(
    cli: CliRunner, project: Path, name: str, package: str, singular: str, prefix: str
) -> None:
    ok(cli.invoke(app, ["add", "resource", name, "title:str"]))
    assert sorted(p.name for p in (project / "app" / package).iterdir()) == [
        "__init__.py",
        "models.py",
        "router.py",
        "schemas.py",
        "service.py",
    ]
    router = (project / f"app/{package}/router.py").read_text()
    assert f'prefix="{prefix}",' in router
    models = (project / f"app/{package}/models.py").read_text()
    assert f"class {name}(SQLModel, table=True):" in models
    assert f'__tablename__ = "{package}"' in models
    migration, _, _ = _migration(project, package)
    assert f'op.create_table(\n        "{package}",' in migration.read_text()
    assert (project / f"resources/{singular}.yaml").is_file()
    assert (project / f"tests/test_{package}.py").is_file()
    assert (project / f"tests/factories/{package}.py").is_file()
    api = (project / "app/api.py").read_text()
    assert f"from app.{package}.router import router as {package}_router" in api
    assert f"api_router.include_router({package}_router)" in api


# --------------------------------------------------------------------- dry run


def test_dry_run_shows_the_plan_and_diffs_and_writes_nothing(
    cli: CliRunner, project: Path
) -> None:
    before = snapshot(project)
    result = ok(cli.invoke(app, [*POST, "--dry-run"]))
    assert snapshot(project) == before

    actions = plan_actions(result.stdout)
    assert set(actions) == POST_FILES | {
        "app/api.py",
        "app/models.py",
        next(p for p in actions if p.startswith("migrations/versions/")),
    }
    assert {p for p, a in actions.items() if a == "update"} == {
        "app/api.py",
        "app/models.py",
    }
    assert {
        a for p, a in actions.items() if p not in ("app/api.py", "app/models.py")
    } == {"create"}
    assert "+++ b/app/api.py" in result.stdout
    assert "+from app.posts.router import router as posts_router" in result.stdout
    assert "+api_router.include_router(posts_router)" in result.stdout
    assert "+++ b/app/models.py" in result.stdout
    assert "+from app.posts.models import Post  # noqa: F401" in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert "Added" not in result.stdout


def test_dry_run_shows_create_update_identical_and_conflict(
    cli: CliRunner, with_post: Path
) -> None:
    api = with_post / "app/api.py"
    api.write_text(
        api.read_text().replace("api_router.include_router(posts_router)\n", "")
    )
    service = with_post / "app/posts/service.py"
    service.write_text(service.read_text() + "\n\n# my own change\n")
    (with_post / "tests/test_posts.py").unlink()
    before = snapshot(with_post)

    result = ok(cli.invoke(app, [*POST, "--dry-run"]))
    assert snapshot(with_post) == before
    actions = plan_actions(result.stdout)
    assert actions.pop("app/api.py") == "update"
    assert actions.pop("app/posts/service.py") == "conflict"
    assert actions.pop("tests/test_posts.py") == "create"
    assert actions == {}  # unchanged files are only counted
    assert re.search(r"^\d+ files unchanged$", result.stdout, re.M)
    assert "+api_router.include_router(posts_router)" in result.stdout
    assert "-# my own change" in result.stdout
    assert "Dry run: nothing was written." in result.stdout


# ----------------------------------------------------------- re-runs, conflicts


@pytest.mark.parametrize("how", ["shorthand", "spec file"])
def test_rerunning_the_same_resource_changes_nothing(
    cli: CliRunner, with_post: Path, how: str
) -> None:
    before = snapshot(with_post)
    args = (
        POST
        if how == "shorthand"
        else ["add", "resource", "--spec", "resources/post.yaml"]
    )
    result = ok(cli.invoke(app, args))
    assert "Nothing to do" in result.stdout
    assert "Added" not in result.stdout
    assert snapshot(with_post) == before


def test_hand_edited_file_is_a_conflict_until_forced(
    cli: CliRunner, with_post: Path, post_project: Path
) -> None:
    service = with_post / "app/posts/service.py"
    service.write_text(service.read_text() + "\n\n# my own change\n")
    before = snapshot(with_post)

    result = cli.invoke(app, POST)
    stopped_by_conflicts(result, "app/posts/service.py")
    assert plan_actions(result.stdout)["app/posts/service.py"] == "conflict"
    assert snapshot(with_post) == before

    result = ok(cli.invoke(app, [*POST, "--force"]))
    assert plan_actions(result.stdout)["app/posts/service.py"] == "update"
    assert service.read_bytes() == (post_project / "app/posts/service.py").read_bytes()
    assert snapshot(with_post) == snapshot(post_project)


def test_changed_spec_is_refused_until_forced(cli: CliRunner, with_post: Path) -> None:
    before = snapshot(with_post)
    changed = ["add", "resource", "Post", "title:str{100}", "body:text"]
    fails(cli.invoke(app, changed), "already exists with a different spec")
    assert "--force" in cli.invoke(app, changed).stderr
    assert snapshot(with_post) == before

    ok(cli.invoke(app, [*changed, "--force"]))
    assert "max_length: 100" in (with_post / "resources/post.yaml").read_text()
    assert "max_length=200" not in (with_post / "app/posts/models.py").read_text()


def test_forced_spec_change_never_rewrites_an_existing_migration(
    cli: CliRunner, with_post: Path
) -> None:
    migration, _, _ = _migration(with_post, "posts")
    before = migration.read_bytes()
    cli.invoke(
        app, ["add", "resource", "Post", "title:str{100}", "body:text", "--force"]
    )
    assert migration.read_bytes() == before


# ---------------------------------------------------------------- all or nothing


@pytest.mark.parametrize("failing_call", [1, 12])
def test_a_failed_write_leaves_the_project_untouched(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch, failing_call: int
) -> None:
    real_replace = os.replace
    calls = []

    def flaky_replace(source: str | Path, target: str | Path) -> None:
        calls.append(target)
        if len(calls) == failing_call:
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", flaky_replace)
    before = snapshot(project)
    result = cli.invoke(app, POST)
    fails(result, "No space left on device; nothing was changed")
    assert len(calls) >= failing_call  # later calls put replaced files back
    assert snapshot(project) == before


def test_a_target_path_that_cannot_be_written_is_a_clean_error(
    cli: CliRunner, project: Path
) -> None:
    (project / "tests/test_posts.py").mkdir()
    before = snapshot(project)
    result = cli.invoke(app, POST)
    fails(result, "tests/test_posts.py")
    assert snapshot(project) == before


def test_a_failed_write_restores_crlf_files_byte_for_byte(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = project / "app/api.py"
    api.write_bytes(api.read_bytes().replace(b"\n", b"\r\n"))
    real_replace = os.replace

    def replace_then_fail(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "test_posts.py":
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    before = snapshot(project)
    fails(cli.invoke(app, POST), "nothing was changed")
    assert snapshot(project) == before


def test_wiring_keeps_crlf_line_endings(cli: CliRunner, project: Path) -> None:
    api = project / "app/api.py"
    api.write_bytes(api.read_bytes().replace(b"\n", b"\r\n"))
    ok(cli.invoke(app, POST))
    data = api.read_bytes()
    assert b"include_router(posts_router)\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


# ------------------------------------------------------------------ spec files


@pytest.mark.parametrize(
    ("filename", "text"), [("post.yaml", POST_YAML), ("post.toml", POST_TOML)]
)
def test_spec_file_gives_the_same_files_as_the_shorthand(
    cli: CliRunner,
    project: Path,
    post_project: Path,
    tmp_path: Path,
    filename: str,
    text: str,
) -> None:
    spec_file = tmp_path / filename
    spec_file.write_text(text)
    ok(cli.invoke(app, ["add", "resource", "--spec", str(spec_file)]))
    assert snapshot(project) == snapshot(post_project)


def test_written_spec_round_trips(post_project: Path) -> None:
    written = post_project / "resources/post.yaml"
    spec = load_spec_file(written)
    assert spec == parse_resource("Post", POST_FIELDS)
    assert dump_spec(spec) == written.read_text()


def _parsed_specs(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The spec files ``spec_files`` parses, and its result's names."""
    parsed: list[str] = []

    def parse(path: Path) -> ResourceSpec:
        parsed.append(Path(path).name)
        return load_spec_file(path)

    monkeypatch.setattr(add_resource_module, "load_spec_file", parse)
    assert list(add_resource_module.spec_files(root)) == ["Post"]
    return parsed


def test_a_spec_file_as_applied_is_read_from_the_manifest(
    with_post: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _parsed_specs(with_post, monkeypatch) == []
    ((spec, path),) = add_resource_module.spec_files(with_post).values()
    assert spec == parse_resource("Post", POST_FIELDS) and path == "resources/post.yaml"


def test_an_edited_spec_file_is_parsed_again(
    with_post: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_file = with_post / "resources/post.yaml"
    spec_file.write_text(spec_file.read_text() + "  views: int=0\n")
    assert _parsed_specs(with_post, monkeypatch) == ["post.yaml"]
    ((spec, _),) = add_resource_module.spec_files(with_post).values()
    assert [field.name for field in spec.fields][-1] == "views"


def test_a_spec_applied_by_another_fastgen_version_is_parsed_again(
    with_post: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = with_post / ".fastgen/manifest.json"
    data = json.loads(manifest.read_text())
    data["resources"]["Post"]["fastgen_version"] = "0.0.1"
    manifest.write_text(json.dumps(data))
    assert _parsed_specs(with_post, monkeypatch) == ["post.yaml"]


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        (["title:strng"], "unknown type 'strng'; did you mean 'str'?"),
        (["title:"], "missing type after ':'"),
        ([":str"], "missing field name before ':'"),
        (["title:str{abc}"], "expected whole numbers as {length}, got {abc}"),
        (["price:decimal{2,5}"], "scale 5 is larger than precision 2"),
        (["id:int"], "'id' is reserved"),
        (["owner_id:str"], "'owner_id' is reserved"),
        (["created_at:datetime"], "'created_at' is reserved"),
        (["class:str"], "'class' is a Python keyword"),
        (["my-field:str"], "'my-field' is not a valid field name"),
        (["title:str", "title:text"], "duplicate field 'title'"),
        (["count:int=abc"], "invalid int default 'abc'"),
        (["flag:bool=yes"], "invalid bool default 'yes': use true or false"),
        (["status:enum{a,b}=c"], "'c' is not one of the choices a, b"),
        (["author:ref:Author"], "Author is not a resource of this project"),
        (["done:bool:unique"], "a unique bool allows only a handful of rows"),
        (["views:int", "views_min:int"], "'views_min' clashes with the range filter"),
        (["views:int:search"], ":search is not supported on int fields"),
    ],
)
def test_bad_fields_fail_with_one_line_and_write_nothing(
    cli: CliRunner, project: Path, fields: list[str], phrase: str
) -> None:
    before = snapshot(project)
    result = cli.invoke(app, ["add", "resource", "Article", *fields])
    fails(result, phrase)
    assert result.stdout == ""
    assert snapshot(project) == before


def test_required_self_reference_is_refused(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    result = cli.invoke(app, ["add", "resource", "Category", "parent:ref:Category"])
    fails(result, "a required ref to Category itself can never be satisfied")
    assert "parent:ref:Category?" in result.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        (["--access", "private"], False),
        (["--access", "public", "--public-if", "published"], False),
        (["--access", "public"], True),
        (["--access", "shared"], True),
    ],
)
def test_a_shared_resource_refers_only_to_rows_everyone_reads(
    cli: CliRunner, project: Path, target: list[str], allowed: bool
) -> None:
    ok(cli.invoke(app, ["add", "resource", "Recipe", "published:bool", *target]))
    before = snapshot(project)
    result = cli.invoke(
        app, ["add", "resource", "Tag", "recipe:ref:Recipe", "--no-owner"]
    )
    if allowed:
        ok(result)
        return
    fails(result, "a shared resource may only refer to rows every user can always")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["--access", "open"], "unknown --access 'open'; give one of private, "),
        (["--access", "public", "--no-owner"], "--no-owner means --access shared"),
        (["--public-if", "title"], "public_if only applies to public resources"),
        (["--access", "public", "--public-if", "title"], "must name a bool field"),
        (["--write-role", "editor"], "write_role only applies to shared"),
    ],
)
def test_bad_access_options_are_refused(
    cli: CliRunner, project: Path, options: list[str], problem: str
) -> None:
    before = snapshot(project)
    result = cli.invoke(app, ["add", "resource", "Post", "title:str", *options])
    fails(result, problem)
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("groups", "problem"),
    [
        (["recipe"], "group [recipe] names 1 field; a group needs at least 2"),
        (["recipe,nope"], "unknown field 'nope' of RecipeIngredient"),
        (["recipe,recipe"], "names 'recipe' twice; name it once"),
        (["recipe,ingredient", "ingredient,recipe"], "is given twice"),
    ],
)
def test_bad_unique_together_is_refused(
    cli: CliRunner, project: Path, groups: list[str], problem: str
) -> None:
    before = snapshot(project)
    options = [arg for group in groups for arg in ("--unique-together", group)]
    link = ["recipe:ref:Recipe", "ingredient:ref:Ingredient"]
    result = cli.invoke(app, ["add", "resource", "RecipeIngredient", *link, *options])
    fails(result, problem)
    assert snapshot(project) == before


def test_unique_together_option_with_a_spec_file_is_refused(
    cli: CliRunner, project: Path, tmp_path: Path
) -> None:
    spec_file = tmp_path / "post.yaml"
    spec_file.write_text(POST_YAML)
    before = snapshot(project)
    options = ["--spec", str(spec_file), "--unique-together", "title,body"]
    result = cli.invoke(app, ["add", "resource", *options])
    fails(result, "with --spec, say it in the file", "unique_together: [[a, b]]")
    assert snapshot(project) == before


def test_existing_resource_with_a_different_spec_points_to_force(
    cli: CliRunner, with_post: Path
) -> None:
    before = snapshot(with_post)
    result = cli.invoke(app, ["add", "resource", "Post", "title:str"])
    fails(result, "resource Post already exists with a different spec")
    assert "rerun with --force" in result.stderr
    assert snapshot(with_post) == before


def test_outside_a_project_fails_and_project_option_works_from_elsewhere(
    cli: CliRunner,
    tmp_path: Path,
    base_project: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli.invoke(app, POST)
    fails(result, "no fastgen project found")
    assert "--project" in result.stderr
    assert snapshot(elsewhere) == {}

    root = _copy(base_project, tmp_path)
    ok(cli.invoke(app, [*POST, "--project", str(root)]))
    assert (root / "app/posts/router.py").is_file()
    assert (
        "api_router.include_router(posts_router)" in (root / "app/api.py").read_text()
    )
    assert snapshot(elsewhere) == {}


@pytest.mark.parametrize(
    ("filename", "text", "phrase"),
    [
        ("post.yaml", "name: Post\nfields: {title: str\n", "invalid YAML"),
        ("post.toml", "name = Post\n", "invalid TOML"),
        ("post.yaml", "name: Post\nfields:\n  title: strng\n", "unknown type 'strng'"),
    ],
)
def test_spec_file_that_does_not_parse_fails_cleanly(
    cli: CliRunner,
    project: Path,
    tmp_path: Path,
    filename: str,
    text: str,
    phrase: str,
) -> None:
    spec_file = tmp_path / filename
    spec_file.write_text(text)
    before = snapshot(project)
    result = cli.invoke(app, ["add", "resource", "--spec", str(spec_file)])
    fails(result, phrase)
    assert str(spec_file) in result.stderr
    assert snapshot(project) == before


def test_name_and_fields_together_with_spec_are_refused(
    cli: CliRunner, project: Path, tmp_path: Path
) -> None:
    spec_file = tmp_path / "post.yaml"
    spec_file.write_text(POST_YAML)
    before = snapshot(project)
    result = cli.invoke(app, [*POST, "--spec", str(spec_file)])
    fails(result, "give either --spec FILE or NAME FIELD..., not both")
    assert snapshot(project) == before


# ------------------------------------------------------- an app fastgen did not make


AMBIGUOUS_MAIN = '''\
"""My own app."""

from fastapi import APIRouter, FastAPI

from app.core.health import router as health_router
from app.core.me import router as me_router

public_router = APIRouter(prefix="/public")
public_router.include_router(health_router)

admin_router = APIRouter(prefix="/admin")
admin_router.include_router(me_router)

app = FastAPI()
app.include_router(public_router)
app.include_router(admin_router)
'''


@pytest.fixture
def own_app(
    cli: CliRunner, tmp_path: Path, base_project: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A hand-made app: fastgen's core modules, but its own main, models, config."""
    root = tmp_path / "mine"
    (root / "app").mkdir(parents=True)
    shutil.copytree(base_project / "app/core", root / "app/core")
    (root / "app/__init__.py").write_text(
        (base_project / "app/__init__.py").read_text()
    )
    (root / "app/main.py").write_text(AMBIGUOUS_MAIN)
    (root / "app/models.py").write_text('"""Table models."""\n')
    (root / "pyproject.toml").write_text(
        '[project]\nname = "mine"\nversion = "1.0"\n\n'
        '[tool.fastgen]\napi_router = "app.main"\n'
    )
    monkeypatch.chdir(root)
    return root


def test_ambiguous_router_lists_candidates_and_names_the_option(
    cli: CliRunner, own_app: Path
) -> None:
    before = snapshot(own_app)
    result = cli.invoke(app, POST)
    fails(result, "cannot choose where to wire the router in app/main.py")
    assert "public_router, admin_router" in result.stderr
    assert "--router app.main:" in result.stderr
    assert snapshot(own_app) == before


def test_router_option_wires_into_the_chosen_router(
    cli: CliRunner, own_app: Path
) -> None:
    ok(cli.invoke(app, [*POST, "--router", "app.main:admin_router"]))
    added, removed = _added_and_removed(
        AMBIGUOUS_MAIN, (own_app / "app/main.py").read_text()
    )
    assert added == [
        "from app.posts.router import router as posts_router",
        "admin_router.include_router(posts_router)",
    ]
    assert removed == []
    main = (own_app / "app/main.py").read_text()
    assert main.index("admin_router.include_router(me_router)") < main.index(
        "admin_router.include_router(posts_router)"
    )
    assert (
        "from app.posts.models import Post" in (own_app / "app/models.py").read_text()
    )
    assert (own_app / "tests/factories/__init__.py").is_file()
    assert (own_app / "app/posts/router.py").is_file()


def test_once_wired_a_rerun_needs_no_router_option(
    cli: CliRunner, own_app: Path
) -> None:
    ok(cli.invoke(app, [*POST, "--router", "app.main:admin_router"]))
    main = (own_app / "app/main.py").read_text()
    result = cli.invoke(app, POST)
    assert result.exit_code == 0, result.output
    assert (own_app / "app/main.py").read_text() == main
    assert "Nothing to do" in result.stdout


def test_rerun_in_an_app_without_factories_package_is_a_noop(
    cli: CliRunner, own_app: Path
) -> None:
    ok(cli.invoke(app, [*POST, "--router", "app.main:admin_router"]))
    before = snapshot(own_app)
    result = ok(cli.invoke(app, POST))
    assert "Nothing to do" in result.stdout
    assert snapshot(own_app) == before


def test_malformed_router_option_is_refused(cli: CliRunner, own_app: Path) -> None:
    before = snapshot(own_app)
    fails(cli.invoke(app, [*POST, "--router", "app/main"]), "is not module:attribute")
    assert snapshot(own_app) == before


# ------------------------------------------------------------------------ help


def test_help_shows_the_field_grammar_and_examples(cli: CliRunner) -> None:
    result = ok(cli.invoke(app, ["add", "resource", "--help"]))
    text = " ".join(result.stdout.split())
    assert "Examples" in text
    assert "fastgen add resource Post title:str{200}:index body:text" in text
    assert "fastgen add resource Comment post:ref:Post" in text
    assert "fastgen add resource --spec resources/post.yaml --dry-run" in text
    assert "name:type[{args}][?][=default][:index][:unique]" in text
    for option in ("--spec", "--dry-run", "--force", "--project", "--router"):
        assert option in text


def test_a_singleton_is_served_at_me_and_refs_to_it_are_refused(
    cli: CliRunner, project: Path
) -> None:
    result = cli.invoke(
        app, ["add", "resource", "Settings", "theme:str{10}=light", "--singleton"]
    )
    assert result.exit_code == 0, result.output
    router = (project / "app" / "settings" / "router.py").read_text()
    assert 'prefix="/me/settings"' in router
    assert "singleton: true" in (project / "resources" / "settings.yaml").read_text()

    before = snapshot(project)
    refused = cli.invoke(app, ["add", "resource", "Note", "settings:ref:Settings"])
    fails(refused, "Settings is a singleton")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["Settings", "theme:str", "--singleton"], "needs a default or '?'"),
        (["Settings", "theme:str=a", "--singleton", "--no-owner"], "so it is private"),
    ],
)
def test_bad_singletons_fail_with_one_line_and_write_nothing(
    cli: CliRunner, project: Path, args: list[str], phrase: str
) -> None:
    before = snapshot(project)
    fails(cli.invoke(app, ["add", "resource", *args]), phrase)
    assert snapshot(project) == before
