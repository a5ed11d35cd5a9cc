"""`fastgen check`, `fastgen sync`, `fastgen add field` and `fastgen eject`: every exit
path of check, its JSON output and fast path, eject, sync's plan (no-op, restore,
rewire, conflicts, dry-run) and schema changes as new revisions. CLI level only: the
generated projects' suites and migrations run in tests/test_e2e_sync.py.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

import fastgen.file_hashes
import fastgen.migrations
from fastgen.cli import app
from fastgen.file_hashes import file_hash
from tests.cli_results import (
    fails,
    generated,
    loaded_by,
    ok,
    plan_actions,
    snapshot,
    stopped_by_conflicts,
    working_copy,
)

AUTHOR = ["add", "resource", "Author", "name:str{100}:index"]
POST = [
    "add",
    "resource",
    "Post",
    "title:str{200}:index",
    "body:text",
    "published:bool=false",
    "author:ref:Author",
]
POST_OWNED = {
    "app/posts/__init__.py",
    "app/posts/models.py",
    "app/posts/router.py",
    "app/posts/schemas.py",
    "app/posts/service.py",
    "tests/factories/posts.py",
    "tests/test_posts.py",
}
PROBLEM_KEYS = {"resource", "kind", "path", "message", "fix", "diff"}


# --------------------------------------------------------------------- helpers


def _drift(result: Result) -> str:
    """Exit 1 (drift found); the output."""
    assert result.exit_code == 1, result.output + repr(result.exception)
    return result.stdout


def _problems(cli: CliRunner) -> list[dict[str, str]]:
    result = cli.invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 1, result.output + repr(result.exception)
    report = json.loads(result.stdout)
    assert report["ok"] is False
    for problem in report["problems"]:
        assert set(problem) == PROBLEM_KEYS
    return list(report["problems"])


def _kinds(cli: CliRunner) -> set[tuple[str, str, str]]:
    """(resource, kind, path) of every problem check reports."""
    return {(p["resource"], p["kind"], p["path"]) for p in _problems(cli)}


def _clean(cli: CliRunner, resources: int = 2) -> None:
    result = ok(cli.invoke(app, ["check"]))
    assert result.stdout.splitlines() == [
        f"fastgen check: {resources} resource(s), generated code matches the specs."
    ]


def _migration_files(root: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted((root / "migrations/versions").glob("*.py"))
    }


def _edit_spec(root: Path, old: str, new: str, name: str = "post") -> None:
    path = root / "resources" / f"{name}.yaml"
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def _posts_migration(root: Path) -> Path:
    (path,) = (root / "migrations/versions").glob("*_create_posts.py")
    return path


# -------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with Author and Post (Post refers to Author); tests copy
    it, never change it."""
    return generated(tmp_path_factory.mktemp("blog"), "blog", AUTHOR, POST)


@pytest.fixture
def project(
    cli: CliRunner, tmp_path: Path, blog: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private copy of the blog project, as the working directory."""
    return working_copy(blog, tmp_path, monkeypatch)


# ---------------------------------------------------------------- check: exit 0


def test_check_on_a_clean_project_prints_one_summary_line(
    cli: CliRunner, project: Path
) -> None:
    before = snapshot(project)
    result = ok(cli.invoke(app, ["check"]))
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("fastgen check: 2 resource(s)")
    assert result.stderr == ""
    assert snapshot(project) == before


def test_check_json_on_a_clean_project(cli: CliRunner, project: Path) -> None:
    result = ok(cli.invoke(app, ["check", "--format", "json"]))
    assert json.loads(result.stdout) == {"ok": True, "resources": 2, "problems": []}


def test_check_with_project_option_from_elsewhere(
    cli: CliRunner, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    ok(cli.invoke(app, ["check", "--project", str(project)]))
    (project / "app/posts/router.py").unlink()
    _drift(cli.invoke(app, ["check", "--project", str(project)]))


def test_check_from_a_subdirectory_finds_the_project(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "app" / "posts")
    _clean(cli)


# ---------------------------------------------------------------- check: exit 1


def test_check_reports_a_stale_spec(cli: CliRunner, project: Path) -> None:
    _edit_spec(project, "max_length: 200", "max_length: 250")
    output = _drift(cli.invoke(app, ["check"]))
    assert "resources/post.yaml changed since it was applied" in output
    assert "fix: fastgen sync" in output
    assert output.rstrip().endswith("fastgen check: 1 problem(s) in 2 resource(s).")
    (problem,) = _problems(cli)
    assert problem | {"message": ""} == {
        "resource": "Post",
        "kind": "stale",
        "path": "resources/post.yaml",
        "message": "",
        "fix": "fastgen sync",
        "diff": "",
    }


def test_a_spec_reformatted_without_changing_it_is_not_stale(
    cli: CliRunner, project: Path
) -> None:
    spec = project / "resources/post.yaml"
    spec.write_text(spec.read_text() + "\n# a comment of my own\n")
    _clean(cli)


def test_check_reports_a_hand_edit_with_a_diff(cli: CliRunner, project: Path) -> None:
    service = project / "app/posts/service.py"
    service.write_text(service.read_text() + "HAND_EDIT = 1\n")
    output = _drift(cli.invoke(app, ["check"]))
    assert "app/posts/service.py was edited by hand" in output
    assert "fastgen sync --force" in output
    assert "fastgen sync --keep-edits" in output
    assert "fastgen eject Post service" in output
    assert "+HAND_EDIT = 1" in output  # from what fastgen writes to the disk
    (problem,) = _problems(cli)
    assert problem["resource"] == "Post"
    assert problem["kind"] == "modified"
    assert problem["path"] == "app/posts/service.py"
    assert problem["diff"].startswith(
        "--- a/app/posts/service.py\n+++ b/app/posts/service.py\n@@"
    )
    changed = [line for line in problem["diff"].splitlines() if line[0] in "+-"]
    assert changed == [
        "--- a/app/posts/service.py",
        "+++ b/app/posts/service.py",
        "+HAND_EDIT = 1",
    ]


def test_check_reports_every_hand_edited_file(cli: CliRunner, project: Path) -> None:
    for path in ("app/posts/router.py", "tests/test_posts.py", "app/authors/models.py"):
        with (project / path).open("a") as file:
            file.write("# mine\n")
    assert _kinds(cli) == {
        ("Post", "modified", "app/posts/router.py"),
        ("Post", "modified", "tests/test_posts.py"),
        ("Author", "modified", "app/authors/models.py"),
    }


def test_check_reports_a_missing_file(cli: CliRunner, project: Path) -> None:
    (project / "app/posts/schemas.py").unlink()
    output = _drift(cli.invoke(app, ["check"]))
    assert "app/posts/schemas.py is missing" in output
    assert "fastgen sync" in output
    assert _kinds(cli) == {("Post", "missing", "app/posts/schemas.py")}


def test_check_reports_a_missing_migration(cli: CliRunner, project: Path) -> None:
    migration = _posts_migration(project)
    migration.unlink()
    output = _drift(cli.invoke(app, ["check"]))
    assert "migration" in output
    path = migration.relative_to(project).as_posix()
    assert _kinds(cli) == {("Post", "migration-missing", path)}
    (problem,) = _problems(cli)
    assert problem["fix"] == f"restore it from version control: git checkout -- {path}"


def test_an_edited_migration_is_the_users_not_drift(
    cli: CliRunner, project: Path
) -> None:
    migration = _posts_migration(project)
    text = migration.read_text()
    migration.write_text(
        text.replace(
            "def upgrade() -> None:\n",
            "def upgrade() -> None:\n    # backfilled by hand\n",
        )
    )
    _clean(cli)
    result = ok(cli.invoke(app, ["sync"]))
    assert "Nothing to do" in result.stdout
    assert migration.read_text() != text  # sync never rewrites a revision


def test_check_reports_a_broken_migration_chain(cli: CliRunner, project: Path) -> None:
    (authors,) = (project / "migrations/versions").glob("*_create_authors.py")
    authors.rename(project / "authors.py.bak")
    path = _posts_migration(project).relative_to(project).as_posix()
    kinds = _kinds(cli)
    assert ("migrations", "chain-broken", path) in kinds
    assert ("Author", "migration-missing", f"migrations/versions/{authors.name}") in (
        kinds
    )


def test_check_reads_the_ids_of_an_edited_migration(
    cli: CliRunner, project: Path
) -> None:
    """A revision fastgen wrote is read by its known shape only while unedited."""
    migration = _posts_migration(project)
    text = migration.read_text()
    edited = re.sub(
        r'^down_revision: str \| None = "\w+"',
        'down_revision: str | None = "gone"',
        text,
        flags=re.M,
    )
    assert edited != text
    migration.write_text(edited)
    path = migration.relative_to(project).as_posix()
    assert ("migrations", "chain-broken", path) in _kinds(cli)


def test_check_reports_several_heads(cli: CliRunner, project: Path) -> None:
    head = _posts_migration(project)
    down = re.search(r'^down_revision: str \| None = "(\w+)"', head.read_text(), re.M)
    assert down is not None
    (project / "migrations/versions/feature_branch.py").write_text(
        f'revision = "branch1"\ndown_revision = "{down.group(1)}"\n'
    )
    (problem,) = _problems(cli)
    assert (problem["kind"], problem["fix"]) == (
        "several-heads",
        "alembic merge heads -m merge",
    )


def test_check_reports_an_unwired_router(cli: CliRunner, project: Path) -> None:
    api = project / "app/api.py"
    api.write_text(
        api.read_text().replace("api_router.include_router(posts_router)\n", "")
    )
    output = _drift(cli.invoke(app, ["check"]))
    assert "the router of Post is not included in app/api.py" in output
    assert _kinds(cli) == {("Post", "unwired", "app/api.py")}


def test_check_reports_a_router_whose_import_was_removed(
    cli: CliRunner, project: Path
) -> None:
    api = project / "app/api.py"
    api.write_text(
        api.read_text().replace(
            "from app.posts.router import router as posts_router\n", ""
        )
    )
    assert _kinds(cli) == {("Post", "unwired", "app/api.py")}


def test_check_accepts_wiring_in_another_shape(cli: CliRunner, project: Path) -> None:
    """The regex fast path misses it; the libcst fallback must still see it."""
    api = project / "app/api.py"
    api.write_text(
        api.read_text()
        .replace(
            "from app.posts.router import router as posts_router\n",
            "from app.posts.router import (\n    router as posts_router,\n)\n",
        )
        .replace(
            "api_router.include_router(posts_router)\n",
            "api_router.include_router(\n    posts_router,\n)\n",
        )
    )
    _clean(cli)


def test_check_reports_an_unregistered_model(cli: CliRunner, project: Path) -> None:
    models = project / "app/models.py"
    models.write_text(
        models.read_text().replace(
            "from app.posts.models import Post  # noqa: F401\n", ""
        )
    )
    output = _drift(cli.invoke(app, ["check"]))
    assert "the model Post is not registered in app/models.py" in output
    assert _kinds(cli) == {("Post", "unwired", "app/models.py")}


def test_check_reports_an_unapplied_spec(cli: CliRunner, project: Path) -> None:
    (project / "resources/tag.yaml").write_text(
        "name: Tag\nfields:\n  label: str{50}\n"
    )
    output = _drift(cli.invoke(app, ["check"]))
    assert "resources/tag.yaml has never been applied" in output
    (problem,) = _problems(cli)
    assert (problem["kind"], problem["path"], problem["fix"]) == (
        "unapplied",
        "resources/tag.yaml",
        "fastgen sync",
    )


def test_check_reports_a_deleted_spec(cli: CliRunner, project: Path) -> None:
    (project / "resources/post.yaml").unlink()
    (problem,) = _problems(cli)
    assert (problem["resource"], problem["kind"]) == ("Post", "spec-missing")
    assert "resources/post.yaml" in problem["fix"]


def test_check_reports_a_resource_whose_files_were_deleted(
    cli: CliRunner, project: Path
) -> None:
    shutil.rmtree(project / "app/posts")
    (project / "tests/test_posts.py").unlink()
    kinds = _kinds(cli)
    assert {
        ("Post", "missing", path)
        for path in POST_OWNED
        if path.startswith("app/") or path.startswith("tests/test_")
    } <= kinds
    assert {resource for resource, _, _ in kinds} == {"Post"}


def test_check_lists_several_problems_each_with_its_fix(
    cli: CliRunner, project: Path
) -> None:
    (project / "app/authors/schemas.py").unlink()
    _edit_spec(project, "max_length: 200", "max_length: 250")
    (project / "resources/tag.yaml").write_text(
        "name: Tag\nfields:\n  label: str{50}\n"
    )
    output = _drift(cli.invoke(app, ["check"]))
    assert output.count("✗") == 3
    assert output.count("fix:") == 3
    assert "fastgen check: 3 problem(s) in 2 resource(s)." in output
    assert _kinds(cli) == {
        ("Author", "missing", "app/authors/schemas.py"),
        ("Post", "stale", "resources/post.yaml"),
        ("Tag", "unapplied", "resources/tag.yaml"),
    }


def test_check_json_output_is_json_only(cli: CliRunner, project: Path) -> None:
    (project / "app/posts/schemas.py").unlink()
    result = cli.invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)  # nothing but the document on stdout
    assert set(report) == {"ok", "resources", "problems"}
    assert report["ok"] is False
    assert report["resources"] == 2
    assert isinstance(report["problems"], list)
    assert all(isinstance(v, str) for p in report["problems"] for v in p.values())


def test_check_rejects_an_unknown_format(cli: CliRunner, project: Path) -> None:
    result = cli.invoke(app, ["check", "--format", "xml"])
    assert result.exit_code == 2


# ---------------------------------------------------------------- check: exit 2


def test_check_outside_a_project(cli: CliRunner) -> None:
    fails(cli.invoke(app, ["check"]), "no fastgen project found")
    fails(cli.invoke(app, ["sync"]), "no fastgen project found")


@pytest.mark.parametrize("command", [["check"], ["sync"], ["sync", "--dry-run"]])
def test_an_unparsable_spec_is_named(
    cli: CliRunner, project: Path, command: list[str]
) -> None:
    (project / "resources/post.yaml").write_text(
        "name: Post\nfields:\n  title: [unclosed\n"
    )
    before = snapshot(project)
    fails(cli.invoke(app, command), "resources/post.yaml", "invalid YAML")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("field", "phrase"),
    [
        ("title: {type: strr}", "fields.title"),
        ("title: str{-3}", "fields.title"),
        ("title: {type: str, max_length: 200, colour: red}", "title"),
        ("Bad Name: str", "Bad Name"),
    ],
)
@pytest.mark.parametrize("command", ["check", "sync"])
def test_an_invalid_spec_names_file_and_field(
    cli: CliRunner, project: Path, field: str, phrase: str, command: str
) -> None:
    (project / "resources/post.yaml").write_text(f"name: Post\nfields:\n  {field}\n")
    before = snapshot(project)
    fails(cli.invoke(app, [command]), "resources/post.yaml", phrase)
    assert snapshot(project) == before


def test_check_on_an_unparsable_new_spec_is_a_config_error(
    cli: CliRunner, project: Path
) -> None:
    (project / "resources/tag.yaml").write_text("name: Tag\nfields:\n  label: [x\n")
    fails(cli.invoke(app, ["check"]), "resources/tag.yaml", "invalid YAML")


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "",
        '{"resources": 3}',
        '{"resources": {"Post": {"spec_file": 1}}}',
        "[]",
        '{"version": "1"}',
        '{"resources": {"Post": []}}',
        # a record missing a field, with an unknown field, or with a non-string hash
        '{"resources": {"Post": {"spec_file": "s", "spec_hash": "h", "files": {}}}}',
        '{"resources": {"Post": {"spec_file": "s", "spec_hash": "h", '
        '"fastgen_version": "0", "files": {}, "extra": ""}}}',
        '{"resources": {"Post": {"spec_file": "s", "spec_hash": "h", '
        '"fastgen_version": "0", "files": {"app/x.py": 1}}}}',
    ],
)
@pytest.mark.parametrize(
    "command", [["check"], ["check", "--format", "json"], ["sync"]]
)
def test_a_corrupt_manifest(
    cli: CliRunner, project: Path, text: str, command: list[str]
) -> None:
    (project / ".fastgen/manifest.json").write_text(text)
    before = snapshot(project)
    fails(cli.invoke(app, command), ".fastgen/manifest.json is corrupt")
    assert snapshot(project) == before


def test_add_field_and_eject_with_a_corrupt_manifest(
    cli: CliRunner, project: Path
) -> None:
    (project / ".fastgen/manifest.json").write_text("{")
    before = snapshot(project)
    fails(cli.invoke(app, ["add", "field", "Post", "views:int=0"]), "corrupt")
    fails(cli.invoke(app, ["eject", "Post", "service"]), "corrupt")
    assert snapshot(project) == before


# ---------------------------------------------------------- check: the fast path


def _forbid_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    import black

    import fastgen.render
    import fastgen.resource_render
    import fastgen.schema_diff

    def forbidden(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered or formatted on check's fast path")

    for module in (fastgen.render, fastgen.resource_render, fastgen.schema_diff):
        monkeypatch.setattr(module, "render_template", forbidden)
    monkeypatch.setattr(fastgen.render, "format_python", forbidden)
    monkeypatch.setattr(black, "format_str", forbidden)


def test_check_renders_nothing_when_nothing_changed(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_rendering(monkeypatch)
    _clean(cli)
    # Problems found by hashing alone need no rendering either.
    (project / "app/posts/schemas.py").unlink()
    _edit_spec(project, "max_length: 200", "max_length: 250")
    assert {kind for _, kind, _ in _kinds(cli)} == {"missing", "stale"}


def test_forbidding_rendering_is_effective(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diff of a hand edit is rendered, so the patch above really bites."""
    _forbid_rendering(monkeypatch)
    with (project / "app/posts/service.py").open("a") as file:
        file.write("# mine\n")
    result = cli.invoke(app, ["check"])
    assert isinstance(result.exception, AssertionError)
    assert "fast path" in str(result.exception)


def test_check_reads_only_files_whose_status_changed(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier check's hashes, and the ids of the migrations it read, are reused
    for files whose status is unchanged (fastgen.file_hashes); a hand edit changes
    it."""
    monkeypatch.setattr(fastgen.file_hashes, "RECENT_NS", -(10**12))  # all old
    _clean(cli)
    read: list[str] = []

    def counted(path: str) -> str:
        read.append(Path(path).relative_to(project).as_posix())
        return file_hash(path)

    # every way fastgen.migrations reads a migration's text
    read_bytes = fastgen.migrations._read
    module_strings = fastgen.migrations._module_strings

    def counted_bytes(file: str) -> bytes:
        read.append(Path(file).relative_to(project).as_posix())
        return read_bytes(file)

    def counted_strings(file: str) -> dict[str, str | tuple[str, ...] | None]:
        read.append(Path(file).relative_to(project).as_posix())
        return module_strings(file)

    monkeypatch.setattr(fastgen.file_hashes, "file_hash", counted)
    monkeypatch.setattr(fastgen.migrations, "_read", counted_bytes)
    monkeypatch.setattr(fastgen.migrations, "_module_strings", counted_strings)
    _clean(cli)
    assert read == []
    time.sleep(0.05)  # let the filesystem's clock tick
    service = project / "app/posts/service.py"
    service.write_text(service.read_text() + "HAND_EDIT = 1\n")
    assert _kinds(cli) == {("Post", "modified", "app/posts/service.py")}
    assert "app/posts/service.py" in read


def test_check_does_not_import_the_renderers(project: Path) -> None:
    """In a fresh process an unchanged project's check loads no jinja2, black,
    libcst or pydantic at all, nor rich for its one line."""
    heavy = {"jinja2", "black", "libcst", "copier", "pydantic", "rich"}
    loaded, output = loaded_by(["check"], project, heavy)
    assert loaded == []
    assert output == "fastgen check: 2 resource(s), generated code matches the specs.\n"


def test_a_new_fastgen_version_that_writes_the_same_files_is_not_drift(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastgen.add_resource
    import fastgen.check

    monkeypatch.setattr(fastgen.check, "__version__", "99.0.0")
    monkeypatch.setattr(fastgen.add_resource, "__version__", "99.0.0")
    result = cli.invoke(app, ["check"])
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------- eject


def test_eject_hands_one_file_to_the_user(cli: CliRunner, project: Path) -> None:
    service = project / "app/posts/service.py"
    before = snapshot(project)
    original = service.read_text()
    result = ok(cli.invoke(app, ["eject", "Post", "service"]))
    assert "yours" in result.stdout

    spec = yaml.safe_load((project / "resources/post.yaml").read_text())
    assert spec["ejected"] == ["service"]
    ejected = service.read_text()
    assert "fastgen" not in "".join(ejected.splitlines(keepends=True)[:4])
    assert original.endswith(ejected)  # only the header went
    assert ejected.startswith('"""')
    manifest = json.loads((project / ".fastgen/manifest.json").read_text())
    assert "app/posts/service.py" not in manifest["resources"]["Post"]["files"]
    changed = {p for p, data in snapshot(project).items() if before.get(p) != data}
    assert changed == {
        "app/posts/service.py",
        "resources/post.yaml",
        ".fastgen/manifest.json",
    }
    _clean(cli)

    # fastgen leaves the file alone from now on.
    service.write_text(ejected + "\n\ndef mine() -> int:\n    return 1\n")
    edited = service.read_bytes()
    _clean(cli)
    result = ok(cli.invoke(app, ["sync"]))
    assert "app/posts/service.py" not in result.stdout
    assert "Nothing to do" in result.stdout
    assert service.read_bytes() == edited
    ok(cli.invoke(app, ["sync", "--force"]))
    assert service.read_bytes() == edited
    _clean(cli)


def test_an_ejected_file_survives_a_spec_change(cli: CliRunner, project: Path) -> None:
    ok(cli.invoke(app, ["eject", "Post", "router"]))
    router = project / "app/posts/router.py"
    router.write_text(router.read_text() + "# my router\n")
    edited = router.read_bytes()
    result = ok(cli.invoke(app, ["add", "field", "Post", "views:int=0"]))
    assert "app/posts/router.py" not in plan_actions(result.stdout)
    assert router.read_bytes() == edited
    spec = yaml.safe_load((project / "resources/post.yaml").read_text())
    assert spec["ejected"] == ["router"]
    _clean(cli)


def test_eject_tests_part(cli: CliRunner, project: Path) -> None:
    ok(cli.invoke(app, ["eject", "posts", "tests"]))
    assert "fastgen" not in (project / "tests/test_posts.py").read_text()[:200]
    spec = yaml.safe_load((project / "resources/post.yaml").read_text())
    assert spec["ejected"] == ["tests"]
    _clean(cli)


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["Post", "service"], "already yours"),
        (["Post", "migration"], "unknown part 'migration'"),
        (["Post", "Service"], "unknown part"),
        (["Comment", "service"], "no resource named Comment"),
    ],
)
def test_eject_errors_write_nothing(
    cli: CliRunner, project: Path, args: list[str], phrase: str
) -> None:
    ok(cli.invoke(app, ["eject", "Post", "service"]))
    before = snapshot(project)
    fails(cli.invoke(app, ["eject", *args]), phrase)
    assert snapshot(project) == before


def test_eject_outside_a_project(cli: CliRunner) -> None:
    fails(cli.invoke(app, ["eject", "Post", "service"]), "no fastgen project found")


# ------------------------------------------------------------------------ sync


def test_sync_on_a_clean_project_does_nothing(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    result = ok(cli.invoke(app, ["sync"]))
    assert "Nothing to do" in result.stdout
    assert snapshot(project) == before


def test_sync_without_specs(cli: CliRunner, tmp_path: Path, blog: Path) -> None:
    root = tmp_path / "bare"
    ok(cli.invoke(app, ["new", "project", "bare", "--path", str(tmp_path)]))
    before = snapshot(root)
    fails(cli.invoke(app, ["sync", "--project", str(root)]), "no specs")
    assert snapshot(root) == before
    # A project without resources is clean.
    result = ok(cli.invoke(app, ["check", "--project", str(root)]))
    assert result.stdout.count("\n") == 1


def test_sync_restores_a_deleted_file(
    cli: CliRunner, project: Path, blog: Path
) -> None:
    (project / "app/posts/router.py").unlink()
    result = ok(cli.invoke(app, ["sync"]))
    assert plan_actions(result.stdout)["app/posts/router.py"] == "create"
    assert snapshot(project) == snapshot(blog)
    _clean(cli)


def test_sync_recreates_a_resource_whose_files_were_deleted(
    cli: CliRunner, project: Path, blog: Path
) -> None:
    shutil.rmtree(project / "app/posts")
    (project / "tests/test_posts.py").unlink()
    (project / "tests/factories/posts.py").unlink()
    ok(cli.invoke(app, ["sync"]))
    assert snapshot(project) == snapshot(blog)
    _clean(cli)


def test_a_deleted_migration_is_restored_from_history_not_rewritten(
    cli: CliRunner, project: Path, blog: Path
) -> None:
    migration = _posts_migration(project)
    original = (blog / migration.relative_to(project)).read_bytes()
    migration.unlink()
    result = ok(cli.invoke(app, ["sync"]))
    assert "Nothing to do" in result.stdout  # sync never rewrites history
    assert not migration.exists()
    migration.write_bytes(original)  # what `git checkout -- <path>` does
    _clean(cli)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("app/api.py", "api_router.include_router(posts_router)\n"),
        ("app/api.py", "from app.posts.router import router as posts_router\n"),
        ("app/models.py", "from app.posts.models import Post  # noqa: F401\n"),
    ],
)
def test_sync_rewires_what_was_removed(
    cli: CliRunner, project: Path, blog: Path, path: str, line: str
) -> None:
    target = project / path
    target.write_text(target.read_text().replace(line, ""))
    result = ok(cli.invoke(app, ["sync"]))
    assert plan_actions(result.stdout)[path] == "update"
    assert target.read_bytes() == (blog / path).read_bytes()
    _clean(cli)


def test_sync_keeps_the_users_own_wiring_lines(cli: CliRunner, project: Path) -> None:
    api = project / "app/api.py"
    mine = "\n# my own comment\n"
    api.write_text(
        api.read_text().replace("api_router.include_router(posts_router)\n", "") + mine
    )
    ok(cli.invoke(app, ["sync"]))
    text = api.read_text()
    assert "api_router.include_router(posts_router)" in text
    assert "# my own comment" in text
    _clean(cli)


def test_sync_will_not_overwrite_a_hand_edit(cli: CliRunner, project: Path) -> None:
    service = project / "app/posts/service.py"
    service.write_text(service.read_text() + "HAND_EDIT = 1\n")
    (project / "app/posts/models.py").unlink()
    before = snapshot(project)
    result = cli.invoke(app, ["sync"])
    stopped_by_conflicts(result, "app/posts/service.py")
    assert plan_actions(result.stdout)["app/posts/service.py"] == "conflict"
    assert snapshot(project) == before  # all or nothing: not even the lost model

    dry = ok(cli.invoke(app, ["sync", "--dry-run"]))
    assert "-HAND_EDIT = 1" in dry.stdout
    assert snapshot(project) == before

    # a spec change that leaves the service as it was keeps the edit in it
    _edit_spec(project, "max_length: 200", "max_length: 250")
    ok(cli.invoke(app, ["sync"]))
    assert service.read_text().endswith("HAND_EDIT = 1\n")
    _clean(cli)

    forced = ok(cli.invoke(app, ["sync", "--force"]))
    assert plan_actions(forced.stdout)["app/posts/service.py"] == "update"
    assert "HAND_EDIT" not in service.read_text()
    assert "max_length=250" in (project / "app/posts/models.py").read_text()
    _clean(cli)


def test_sync_dry_run_writes_nothing(cli: CliRunner, project: Path) -> None:
    _edit_spec(project, "max_length: 200", "max_length: 250")
    (project / "app/posts/router.py").unlink()
    before = snapshot(project)
    result = ok(cli.invoke(app, ["sync", "--dry-run"]))
    assert snapshot(project) == before
    actions = plan_actions(result.stdout)
    assert actions["app/posts/router.py"] == "create"
    assert actions["app/posts/models.py"] == "update"
    assert any(
        path.startswith("migrations/versions/") and action == "create"
        for path, action in actions.items()
    )
    assert "250" in result.stdout  # the diff of the model
    assert "Dry run: nothing was written." in result.stdout


def test_search_in_a_spec_file_is_synced_without_a_migration(
    cli: CliRunner, project: Path
) -> None:
    _edit_spec(
        project,
        "max_length: 200, index: true",
        "max_length: 200, index: true, search: true",
    )
    migrations = _migration_files(project)
    assert "resources/post.yaml changed" in _drift(cli.invoke(app, ["check"]))

    actions = plan_actions(ok(cli.invoke(app, ["sync"])).stdout)

    updated = {path for path, action in actions.items() if action == "update"}
    assert updated - {".fastgen/manifest.json", ".fastgen/bases.json"} == {
        "app/posts/schemas.py",
        "app/posts/service.py",
        "app/posts/router.py",
        "tests/test_posts.py",
    }
    assert _migration_files(project) == migrations, "search brings no index"
    assert (
        "icontains(filters.q, autoescape=True)"
        in (project / "app/posts/service.py").read_text()
    )
    _clean(cli)


def test_sync_applies_an_unapplied_spec(cli: CliRunner, project: Path) -> None:
    (project / "resources/tag.yaml").write_text(
        "name: Tag\nowned: true\nfields:\n  label: str{50}\n"
    )
    result = ok(cli.invoke(app, ["sync"]))
    actions = plan_actions(result.stdout)
    assert actions["app/tags/router.py"] == "create"
    assert actions["app/api.py"] == "update"
    assert len(list((project / "migrations/versions").glob("*_create_tags.py"))) == 1
    _clean(cli, resources=3)
    ok(cli.invoke(app, ["sync"]))
    assert "Nothing to do" in cli.invoke(app, ["sync"]).stdout


def test_sync_orders_new_resources_by_their_refs(cli: CliRunner, project: Path) -> None:
    """A new spec referring to another new spec: the target's table comes first."""
    (project / "resources/a_comment.yaml").write_text(
        "name: AComment\nfields:\n  tag: {type: ref, ref: Tag}\n  body: text\n"
    )
    (project / "resources/tag.yaml").write_text(
        "name: Tag\nfields:\n  label: str{50}\n"
    )
    ok(cli.invoke(app, ["sync"]))
    (tag,) = (project / "migrations/versions").glob("*_create_tags.py")
    (comment,) = (project / "migrations/versions").glob("*_create_a_comments.py")
    tag_revision = re.search(r'^revision: str = "(\w+)"', tag.read_text(), re.M)
    assert tag_revision
    assert f'down_revision: str | None = "{tag_revision.group(1)}"' in (
        comment.read_text()
    )
    _clean(cli, resources=4)


def test_a_toml_spec_in_resources_syncs_and_checks_clean(
    cli: CliRunner, project: Path
) -> None:
    (project / "resources/tag.toml").write_text(
        'name = "Tag"\n\n[fields]\nlabel = "str{50}"\n'
    )
    ok(cli.invoke(app, ["sync"]))
    _clean(cli, resources=3)


# -------------------------------------------------------------------- add field


def test_add_field_updates_the_spec_and_writes_one_new_migration(
    cli: CliRunner, project: Path
) -> None:
    old_migrations = _migration_files(project)
    result = ok(cli.invoke(app, ["add", "field", "Post", "views:int=0"]))
    assert "Added 1 field(s) to Post." in result.stdout

    spec = yaml.safe_load((project / "resources/post.yaml").read_text())
    assert list(spec["fields"]) == ["title", "body", "published", "author", "views"]
    assert spec["fields"]["views"] == {"type": "int", "default": 0}
    assert "views: int" in (project / "app/posts/models.py").read_text()

    migrations = _migration_files(project)
    new = set(migrations) - set(old_migrations)
    assert len(new) == 1
    (name,) = new
    assert name.endswith("_posts.py")
    assert "views" in name
    assert {k: migrations[k] for k in old_migrations} == old_migrations
    text = migrations[name].decode()
    assert "add_column" in text
    assert '"views"' in text
    down = re.search(r'^down_revision: str \| None = "(\w+)"', text, re.M)
    assert down
    assert _posts_migration(project).name.startswith(down.group(1))
    _clean(cli)
    assert "Nothing to do" in ok(cli.invoke(app, ["sync"])).stdout


def test_add_field_is_edit_spec_plus_sync(
    cli: CliRunner, project: Path, tmp_path: Path, blog: Path
) -> None:
    """`add field` gives the same bytes as editing the spec and running sync."""
    ok(cli.invoke(app, ["add", "field", "Post", "views:int=0", "subtitle:str{80}?"]))
    by_add_field = snapshot(project)

    other = tmp_path / "other"
    shutil.copytree(blog, other, symlinks=True)
    spec = other / "resources/post.yaml"
    spec.write_text(
        spec.read_text()
        + "  views: {type: int, default: 0}\n"
        + "  subtitle: {type: str, max_length: 80, optional: true}\n"
    )
    ok(cli.invoke(app, ["sync", "--project", str(other)]))
    assert snapshot(other) == by_add_field


def test_add_field_dry_run_writes_nothing(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    result = ok(cli.invoke(app, ["add", "field", "Post", "views:int=0", "--dry-run"]))
    assert "resources/post.yaml" in plan_actions(result.stdout)
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        (["title:str{10}"], "already has a field title"),
        (["views:int=0", "views:int=1"], "already has a field views"),
        (["views:integer"], "views"),
        (["author2:ref:Nope"], "Nope is not a resource of this project"),
        (["id:int"], "id"),
    ],
)
def test_add_field_errors_write_nothing(
    cli: CliRunner, project: Path, fields: list[str], phrase: str
) -> None:
    before = snapshot(project)
    fails(cli.invoke(app, ["add", "field", "Post", *fields]), phrase)
    assert snapshot(project) == before


def test_add_field_to_an_unknown_resource(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    fails(
        cli.invoke(app, ["add", "field", "Comment", "views:int=0"]),
        "no resource named Comment",
    )
    assert snapshot(project) == before


# ------------------------------------------------------------ schema changes


def test_a_spec_change_gets_a_new_revision_and_old_ones_stay(
    cli: CliRunner, project: Path
) -> None:
    old_migrations = _migration_files(project)
    _edit_spec(project, "max_length: 200", "max_length: 250")
    ok(cli.invoke(app, ["sync"]))
    migrations = _migration_files(project)
    assert {k: migrations[k] for k in old_migrations} == old_migrations
    (new,) = set(migrations) - set(old_migrations)
    text = migrations[new].decode()
    assert "alter_column" in text
    assert "sa.String(length=250)" in text
    assert "sa.String(length=200)" in text  # the downgrade goes back
    _clean(cli)
    assert "Nothing to do" in ok(cli.invoke(app, ["sync"])).stdout

    # A second change builds on the first revision.
    _edit_spec(project, "max_length: 250", "max_length: 300")
    ok(cli.invoke(app, ["sync"]))
    latest = _migration_files(project)
    assert {k: latest[k] for k in migrations} == migrations
    (second,) = set(latest) - set(migrations)
    first_revision = new.split("_")[0]
    assert f'down_revision: str | None = "{first_revision}"' in latest[second].decode()
    _clean(cli)


def test_removing_a_field_is_flagged_for_review(cli: CliRunner, project: Path) -> None:
    _edit_spec(project, "  published: {type: bool, default: false}\n", "")
    old_migrations = _migration_files(project)
    result = ok(cli.invoke(app, ["sync"]))
    assert "warning:" in result.stderr
    assert "published" in result.stderr
    migrations = _migration_files(project)
    (new,) = set(migrations) - set(old_migrations)
    text = migrations[new].decode()
    assert "drop_column" in text
    assert "# REVIEW" in text
    _clean(cli)


def test_a_spec_change_with_no_schema_effect_writes_no_migration(
    cli: CliRunner, project: Path
) -> None:
    """Ejecting a part changes the spec but not the table."""
    old_migrations = _migration_files(project)
    ok(cli.invoke(app, ["eject", "Post", "schemas"]))
    ok(cli.invoke(app, ["sync"]))
    assert _migration_files(project) == old_migrations
    _clean(cli)


def test_sync_refuses_several_migration_heads(cli: CliRunner, project: Path) -> None:
    (project / "migrations/versions/zz_branch.py").write_text(
        'revision = "zzbranch"\ndown_revision = None\n'
    )
    _edit_spec(project, "max_length: 200", "max_length: 250")
    before = snapshot(project)
    fails(cli.invoke(app, ["sync"]), "several heads")
    assert snapshot(project) == before


# ------------------------------------------------------------------ pre-commit


def test_the_repository_offers_a_fastgen_check_hook() -> None:
    hooks = yaml.safe_load(
        (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text()
    )
    (hook,) = [h for h in hooks if h["id"] == "fastgen-check"]
    assert hook["entry"] == "fastgen check"
    assert hook["pass_filenames"] is False


def test_a_generated_project_runs_fastgen_check_as_a_local_hook(blog: Path) -> None:
    config = yaml.safe_load((blog / ".pre-commit-config.yaml").read_text())
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    (hook,) = [h for h in hooks if h["id"] == "fastgen-check"]
    assert hook["language"] == "system"
    assert hook["entry"] == "fastgen check"
    assert hook.get("pass_filenames") is False
