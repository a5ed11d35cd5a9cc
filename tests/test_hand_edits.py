"""Hand edits to generated files across spec changes: three-way merges, kept edits,
conflicts (exit 1, or markers with --merge) and ejected files whose spec moved on.
CLI level; tests/test_e2e_lifecycle.py runs the merged projects' own suites."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen.cli import app
from fastgen.merge import MINE_MARKER, THEIRS_MARKER
from tests.cli_results import (
    generated,
    ok,
    plan_actions,
    snapshot,
    stopped_by_conflicts,
    working_copy,
)

# No field with a filter: the first one (calories) changes the list route.
RECIPE = ["add", "resource", "Recipe", "title:text", "body:text"]
ADD_CALORIES = ["add", "field", "Recipe", "calories:int?"]
ENDPOINT = '''

@router.get("/count", summary="Count recipes")
async def count_recipes() -> dict[str, int]:
    """A route of my own."""
    return {"count": 0}
'''
LIST_DESCRIPTION = (
    'description="Lists your own recipes, one page at a time, sorted by `sort`.",'
)


@pytest.fixture(scope="module")
def kitchen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory.mktemp("kitchen"), "kitchen", RECIPE)


@pytest.fixture
def project(
    cli: CliRunner, tmp_path: Path, kitchen: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return working_copy(kitchen, tmp_path, monkeypatch)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def _recorded(root: Path, path: str) -> str:
    manifest = json.loads((root / ".fastgen/manifest.json").read_text())
    return str(manifest["resources"]["Recipe"]["files"][path])


def _clean(cli: CliRunner) -> None:
    result = ok(cli.invoke(app, ["check"]))
    assert "generated code matches the specs" in result.stdout


def test_an_edit_is_merged_with_a_spec_change(cli: CliRunner, project: Path) -> None:
    router = project / "app/recipes/router.py"
    _append(router, ENDPOINT)
    result = ok(cli.invoke(app, ADD_CALORIES))
    assert plan_actions(result.stdout)["app/recipes/router.py"] == "update"
    assert "app/recipes/router.py: your edits were merged" in result.stderr
    merged = router.read_text()
    assert merged.endswith(ENDPOINT)
    assert "filters: Annotated[RecipeFilters, Query()]" in merged
    _clean(cli)
    bases = json.loads((project / ".fastgen/bases.json").read_text())
    assert ENDPOINT not in bases["app/recipes/router.py"]  # the base is fastgen's
    assert "RecipeFilters" in bases["app/recipes/router.py"]


def test_an_edit_the_change_does_not_touch_is_kept(
    cli: CliRunner, project: Path
) -> None:
    package = project / "app/recipes/__init__.py"
    _append(package, "# mine\n")
    ok(cli.invoke(app, ADD_CALORIES))
    assert package.read_text().endswith("# mine\n")
    _clean(cli)


def test_without_a_spec_change_an_edit_must_be_kept_or_restored(
    cli: CliRunner, project: Path
) -> None:
    service = project / "app/recipes/service.py"
    _append(service, "# mine\n")
    before = snapshot(project)
    stopped_by_conflicts(cli.invoke(app, ["sync"]), "app/recipes/service.py")
    assert snapshot(project) == before

    kept = ok(cli.invoke(app, ["sync", "--keep-edits"]))
    assert "app/recipes/service.py: your edits are kept" in kept.stderr
    assert service.read_text().endswith("# mine\n")
    _clean(cli)
    assert "Nothing to do" in ok(cli.invoke(app, ["sync"])).stdout

    # a kept edit is carried into the next change too
    ok(cli.invoke(app, ADD_CALORIES))
    text = service.read_text()
    assert text.endswith("# mine\n") and "filters.calories" in text
    _clean(cli)

    ok(cli.invoke(app, ["sync", "--force"]))
    assert "# mine" not in service.read_text()
    _clean(cli)


def test_a_conflicting_edit_stops_the_change(cli: CliRunner, project: Path) -> None:
    router = project / "app/recipes/router.py"
    _replace(router, LIST_DESCRIPTION, 'description="My own words.",')
    before = snapshot(project)
    result = cli.invoke(app, ADD_CALORIES)
    stopped_by_conflicts(result, "app/recipes/router.py")
    assert "app/recipes/router.py: your edits conflict" in result.stderr
    assert snapshot(project) == before

    ok(cli.invoke(app, [*ADD_CALORIES, "--merge"]))
    text = router.read_text()
    assert MINE_MARKER in text and THEIRS_MARKER in text
    assert 'description="My own words.",' in text
    assert "The filter parameters narrow it" in text
    # the markers are not recorded: check shows them until they are resolved
    problems = cli.invoke(app, ["check"])
    assert problems.exit_code == 1
    assert "app/recipes/router.py was edited by hand" in problems.stdout

    start, end = text.index(MINE_MARKER), text.index(THEIRS_MARKER)
    resolved = (
        text[:start]
        + '        description="My own words.",\n'
        + text[end + len(THEIRS_MARKER) + 1 :]
    )
    router.write_text(resolved)
    ok(cli.invoke(app, ["sync", "--keep-edits"]))
    _clean(cli)
    assert _recorded(project, "app/recipes/router.py") != ""


def _git(root: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_an_ejected_file_reports_a_moved_spec_and_shows_the_patch(
    cli: CliRunner, project: Path
) -> None:
    ok(cli.invoke(app, ["eject", "Recipe", "service"]))
    service = project / "app/recipes/service.py"
    _append(service, "# mine\n")
    nothing = ok(cli.invoke(app, ["diff", "Recipe", "service"]))
    assert "fastgen would change nothing" in nothing.stderr

    result = ok(cli.invoke(app, ADD_CALORIES))
    assert "app/recipes/service.py is yours (ejected) and the spec has moved on" in (
        result.stderr
    )
    assert "# mine" in service.read_text()  # never written
    problems = json.loads(cli.invoke(app, ["check", "--format", "json"]).stdout)
    assert [(p["kind"], p["path"]) for p in problems["problems"]] == [
        ("ejected-stale", "app/recipes/service.py")
    ]
    assert "fastgen diff Recipe service" in problems["problems"][0]["fix"]

    patch = ok(cli.invoke(app, ["diff", "Recipe", "service"])).stdout
    assert patch.startswith(
        "--- a/app/recipes/service.py\n+++ b/app/recipes/service.py"
    )
    assert "+    if filters.calories is not None:" in patch
    _git(project, "apply", "--unidiff-zero", "-", stdin=patch)
    text = service.read_text()
    assert "filters.calories" in text and text.endswith("# mine\n")

    ok(cli.invoke(app, ["sync", "--keep-edits"]))
    _clean(cli)
    again = ok(cli.invoke(app, ["diff", "Recipe", "service"]))
    assert "fastgen would change nothing" in again.stderr
