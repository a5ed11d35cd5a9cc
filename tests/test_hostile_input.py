"""Input a hostile but fair user gives fastgen: each is one ``error:`` line, exit 2,
and nothing written (issue 8), or, where the input is fine, no crash."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from fastgen.cli import app
from tests.cli_results import fails, ok, snapshot
from tests.test_init import MODULE_LEVEL_APP, write_project


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("hostile")
    ok(CliRunner().invoke(app, ["new", "project", "blog", "--path", str(parent)]))
    ok(
        CliRunner().invoke(
            app,
            ["add", "resource", "Post", "title:str{80}", "--project", f"{parent}/blog"],
        )
    )
    return parent / "blog"


@pytest.fixture
def project(cli: CliRunner, base: Path, tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    shutil.copytree(base, root, symlinks=True)
    return root


def _add(cli: CliRunner, project: Path, *args: str) -> Result:
    return cli.invoke(app, ["add", "resource", *args, "--project", str(project)])


@pytest.mark.parametrize("path", ["app/api.py", "app/models.py", "pyproject.toml"])
def test_a_file_fastgen_reads_that_is_not_utf8_is_one_line(
    cli: CliRunner, project: Path, path: str
) -> None:
    with (project / path).open("ab") as file:
        file.write("# café\n".encode("latin-1"))
    before = snapshot(project)
    fails(_add(cli, project, "Tag", "label:str{20}"), path, "UTF-8")
    assert snapshot(project) == before


def test_a_spec_path_that_is_a_directory_or_a_dangling_link_is_one_line(
    cli: CliRunner, project: Path, tmp_path: Path
) -> None:
    (project / "dir.yaml").mkdir()
    (tmp_path / "gone.yaml").symlink_to("nowhere.yaml")
    before = snapshot(project)
    fails(_add(cli, project, "--spec", str(project / "dir.yaml")), "dir.yaml")
    fails(_add(cli, project, "--spec", str(tmp_path / "gone.yaml")), "gone.yaml")
    assert snapshot(project) == before


def test_an_over_long_project_name_is_one_line(cli: CliRunner, tmp_path: Path) -> None:
    fails(cli.invoke(app, ["new", "project", "a" * 300]), "at most")
    assert list(tmp_path.iterdir()) == []


def test_a_manifest_from_a_future_fastgen_does_not_pass_check(
    cli: CliRunner, project: Path
) -> None:
    manifest = project / ".fastgen/manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps(data | {"version": 99}))
    before = snapshot(project)
    fails(
        cli.invoke(app, ["check", "--project", str(project)]), "version 99", "upgrade"
    )
    fails(_add(cli, project, "Tag", "label:str{20}"), "version 99")
    assert snapshot(project) == before


def test_a_token_ttl_over_a_year_is_refused(cli: CliRunner, project: Path) -> None:
    fails(
        cli.invoke(
            app,
            ["token", "--sub", "a", "--ttl", "99999999999", "--project", str(project)],
        ),
        "--ttl",
        "one year",
    )


def test_rich_markup_in_user_text_is_printed_not_interpreted(
    cli: CliRunner, project: Path
) -> None:
    result = _add(cli, project, "P[/x]", "a:int")
    fails(result, "[/x]")
    result = _add(cli, project, "Tag", "label:str=[/x]", "--dry-run")
    ok(result)


BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
name: Post
fields: {title: "str{80}", x: *i}
"""


def test_a_yaml_alias_bomb_is_refused_by_add_check_and_sync(
    cli: CliRunner, project: Path
) -> None:
    (project / "bomb.yaml").write_text(BOMB)
    fails(_add(cli, project, "--spec", str(project / "bomb.yaml")), "aliases")
    (project / "resources/post.yaml").write_text(BOMB)
    before = snapshot(project)
    fails(cli.invoke(app, ["check", "--project", str(project)]), "aliases")
    fails(cli.invoke(app, ["sync", "--project", str(project)]), "aliases")
    assert snapshot(project) == before


def test_a_yaml_key_given_twice_is_refused(cli: CliRunner, project: Path) -> None:
    spec = project / "dup.yaml"
    spec.write_text("name: Tag\nfields:\n  label: str{20}\n  label: text\n")
    before = snapshot(project)
    fails(_add(cli, project, "--spec", str(spec)), "'label' is given twice")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tests_package", "..x"),
        ("tests_package", "tests/../../x"),
        ("app_package", "/etc"),
        ("models_module", "app..models"),
        ("core_package", ".core"),
        ("api_router", "../app.api:router"),
        ("dev_private_key", "../outside.json"),
        ("dev_private_key", "/etc/passwd"),
    ],
)
def test_a_fastgen_setting_that_would_lead_outside_the_project_is_refused(
    cli: CliRunner, project: Path, key: str, value: str
) -> None:
    pyproject = project / "pyproject.toml"
    lines = [
        line
        for line in pyproject.read_text().splitlines()
        if not line.startswith(f"{key} =")
    ]
    at = lines.index("[tool.fastgen]") + 1
    pyproject.write_text("\n".join([*lines[:at], f"{key} = {value!r}", *lines[at:]]))
    before = snapshot(project)
    fails(_add(cli, project, "Tag", "label:str{20}"), key)
    assert snapshot(project) == before
    assert not (project.parent / "x").exists()


def test_init_git_ignores_the_private_dev_key_it_writes(
    cli: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "svc"
    root.mkdir()
    write_project(root, MODULE_LEVEL_APP)
    (root / ".gitignore").write_text("__pycache__/")  # no final newline
    ok(cli.invoke(app, ["init", "--path", str(root)]))
    assert (root / "keys/dev-private.jwk.json").exists()
    assert (root / ".gitignore").read_text() == (
        "__pycache__/\n"
        "# fastgen's private development key\n"
        "/keys/dev-private.jwk.json\n"
    )
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        ignored = subprocess.run(
            ["git", "check-ignore", "keys/dev-private.jwk.json"],
            cwd=root,
            capture_output=True,
            check=False,
        )
        assert ignored.returncode == 0


def test_init_finds_an_app_in_a_bom_crlf_read_only_symlinked_main_and_keeps_all_that(
    cli: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "svc"
    root.mkdir()
    write_project(root, MODULE_LEVEL_APP)
    real = root / "main.py.real"  # not a module, so not a second app
    source = (root / "myservice/main.py").read_text()
    real.write_bytes(("\ufeff" + source).replace("\n", "\r\n").encode())
    real.chmod(0o444)
    (root / "myservice/main.py").unlink()
    (root / "myservice/main.py").symlink_to("../main.py.real")
    ok(cli.invoke(app, ["init", "--path", str(root)]))
    data = real.read_bytes()
    assert b"install_fastgen(app)" in data
    assert data.startswith("\ufeff".encode())
    assert data.count(b"\n") == data.count(b"\r\n")
    assert real.stat().st_mode & 0o777 == 0o444
    assert (root / "myservice/main.py").is_symlink()


def test_a_fastgen_switch_that_is_not_a_boolean_is_refused(
    cli: CliRunner, project: Path
) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert "rejects_unknown_query = true" in text
    pyproject.write_text(
        text.replace("rejects_unknown_query = true", 'rejects_unknown_query = "yes"')
    )
    before = snapshot(project)
    fails(
        _add(cli, project, "Tag", "label:str{20}"),
        "[tool.fastgen] rejects_unknown_query must be true or false",
    )
    assert snapshot(project) == before
