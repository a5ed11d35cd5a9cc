"""The plan as a value, and all-or-nothing apply."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.console import Console

from fastgen.apply import apply_plan
from fastgen.errors import FastgenError
from fastgen.plan import Action, content_hash, make_plan
from fastgen.report import show_plan


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/same.py").write_text("same\n")
    (tmp_path / "app/ours.py").write_text("old render\n")
    (tmp_path / "app/edited.py").write_text("edited by hand\n")
    (tmp_path / "app/api.py").write_text("user lines\n")
    return tmp_path


RENDERED = {
    "app/same.py": "same\n",
    "app/ours.py": "new render\n",
    "app/edited.py": "new render\n",
    "app/api.py": "user lines\nwired\n",
    "app/posts/router.py": "router\n",
}
HASHES = {
    "app/ours.py": content_hash("old render\n"),
    "app/edited.py": content_hash("what fastgen wrote\n"),
}


def test_each_file_gets_the_action_its_disk_state_implies(project: Path) -> None:
    plan = make_plan(
        project,
        RENDERED,
        written_hashes=HASHES,
        edited_in_place=frozenset({"app/api.py"}),
    )
    assert {c.path: c.action for c in plan.changes} == {
        "app/api.py": Action.UPDATE,
        "app/edited.py": Action.CONFLICT,
        "app/ours.py": Action.UPDATE,
        "app/posts/router.py": Action.CREATE,
        "app/same.py": Action.IDENTICAL,
    }
    assert [c.path for c in plan.conflicts] == ["app/edited.py"]
    assert not plan.is_noop
    assert "-edited by hand\n+new render\n" in plan.conflicts[0].diff()
    assert "-new render\n+edited by hand\n" in plan.conflicts[0].diff(reverse=True)


def test_show_plan_lists_only_changes_and_counts_the_rest(project: Path) -> None:
    (project / "app/same_too.py").write_text("same\n")
    plan = make_plan(
        project,
        RENDERED | {"app/same_too.py": "same\n"},
        written_hashes=HASHES,
        edited_in_place=frozenset({"app/api.py"}),
    )
    console = Console(record=True, width=120)
    show_plan(console, plan, dry_run=False)
    lines = console.export_text().splitlines()
    assert [line.split() for line in lines] == [
        ["update", "app/api.py"],
        ["conflict", "app/edited.py"],
        ["update", "app/ours.py"],
        ["create", "app/posts/router.py"],
        ["2", "files", "unchanged"],
    ]


def test_a_file_fastgen_never_wrote_is_a_conflict(project: Path) -> None:
    plan = make_plan(project, {"app/ours.py": "new render\n"}, written_hashes={})
    assert plan.changes[0].action is Action.CONFLICT


def test_apply_refuses_conflicts_and_writes_nothing(project: Path) -> None:
    before = _snapshot(project)
    plan = make_plan(project, RENDERED, written_hashes=HASHES)
    with pytest.raises(FastgenError, match="--force"):
        apply_plan(project, plan)
    assert _snapshot(project) == before


def test_forced_apply_writes_everything_then_replans_identical(project: Path) -> None:
    plan = make_plan(project, RENDERED, written_hashes=HASHES).forced()
    apply_plan(project, plan)
    assert {p: t for p, t in _snapshot(project).items() if p in RENDERED} == RENDERED
    again = make_plan(project, RENDERED, written_hashes=HASHES)
    assert again.is_noop
    assert not list(project.rglob("*.fastgen-tmp"))


def test_failure_midway_restores_the_project_exactly(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(project)
    plan = make_plan(project, RENDERED, written_hashes=HASHES).forced()
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(
        src: str | os.PathLike[str], dst: str | os.PathLike[str]
    ) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(FastgenError, match="nothing was changed"):
        apply_plan(project, plan)
    assert _snapshot(project) == before
    assert not (project / "app/posts").exists()


@pytest.mark.parametrize("fail_on", ["fsync", "write"])
def test_a_file_that_cannot_be_written_restores_the_project(
    project: Path, monkeypatch: pytest.MonkeyPatch, fail_on: str
) -> None:
    """The new texts are written first and synced together: one failing leaves no
    temp file and changes nothing."""
    before = _snapshot(project)
    plan = make_plan(project, RENDERED, written_hashes=HASHES).forced()
    real = getattr(os, fail_on)
    calls = {"n": 0}

    def failing(fd: int, *args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:  # the journal's is the first
            raise OSError(5, "Input/output error")
        return real(fd, *args)

    monkeypatch.setattr(os, fail_on, failing)
    with pytest.raises(FastgenError, match="nothing was changed"):
        apply_plan(project, plan)
    assert calls["n"] >= 4
    assert _snapshot(project) == before
    assert not list(project.rglob("*.fastgen-tmp"))
