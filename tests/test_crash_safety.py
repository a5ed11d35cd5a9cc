"""Crash-safe, exclusive writes: a real ``fastgen`` process killed with SIGKILL at
many points of its apply, two commands at once, a full disk, symlinks and temp
names planted in the way. After any of them the project is exactly as before the
command or exactly as after it (byte-compared, directories included).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen.cli import app
from tests.cli_results import Snapshot, fails, ok, snapshot

POST = ["add", "resource", "Post", "title:str{200}:index", "body:text"]
COMMENT = ["add", "resource", "Comment", "post:ref:Post", "body:text", "rating:int?"]

# Runs fastgen with one os function replaced by a hook that SIGKILLs the process
# just before the Nth call of it (KILL_AT=replace:3), as a power cut or the OOM
# killer would: no cleanup, no finally blocks.
_KILLING_FASTGEN = """
import os, signal, sys
name, nth = os.environ["KILL_AT"].split(":")
real = getattr(os, name)
calls = [0]
def hook(*args, **kwargs):
    calls[0] += 1
    if calls[0] == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(os, name, hook)
from fastgen.entry import main
sys.argv = ["fastgen", *sys.argv[1:]]
main()
"""


def _fastgen(
    project: Path, *args: str, kill_at: str | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("FASTGEN_LOCK_TIMEOUT", None)
    if kill_at is not None:
        env["KILL_AT"] = kill_at
        command = [sys.executable, "-c", _KILLING_FASTGEN, *args]
    else:
        command = [sys.executable, "-m", "fastgen", *args]
    return subprocess.run(
        command,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _tree(root: Path) -> Snapshot:
    return {
        path: data for path, data in snapshot(root).items() if "__pycache__" not in path
    }


@pytest.fixture(scope="module")
def with_post(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project that has Post (so Comment updates existing files)."""
    parent = tmp_path_factory.mktemp("crash")
    ok(CliRunner().invoke(app, ["new", "project", "blog", "--path", str(parent)]))
    ok(CliRunner().invoke(app, [*POST, "--project", str(parent / "blog")]))
    return parent / "blog"


@pytest.fixture(scope="module")
def with_comment(with_post: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same project after an uninterrupted ``add resource Comment``."""
    root = tmp_path_factory.mktemp("after") / "blog"
    shutil.copytree(with_post, root, symlinks=True)
    ok(CliRunner().invoke(app, [*COMMENT, "--project", str(root)]))
    return root


def _copy(source: Path, tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    shutil.copytree(source, root, symlinks=True)
    return root


# ------------------------------------------------------------------ kill -9


# The apply of `add resource Comment` renames the journal, then 11 files: kill
# before each rename, while temp files are created, and at the journal's removal.
# A few points run with the fast tests, the whole sweep with the e2e ones.
_FAST_POINTS = {"replace:1", "replace:2", "replace:7", "replace:12", "fsync:3"}
KILL_POINTS = [
    pytest.param(point, marks=() if point in _FAST_POINTS else pytest.mark.e2e)
    for point in [
        *(f"replace:{n}" for n in range(1, 14)),
        "open:1",
        "open:6",
        "fsync:3",
        "unlink:1",
    ]
]


@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_a_killed_add_resource_is_rolled_forward_or_back_by_the_next_command(
    kill_at: str, tmp_path: Path, with_post: Path, with_comment: Path
) -> None:
    project = _copy(with_post, tmp_path)
    before, after = _tree(with_post), _tree(with_comment)

    killed = _fastgen(project, *COMMENT, kill_at=kill_at)
    assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr

    # The next command, whichever it is, finishes the interrupted apply first.
    checked = _fastgen(project, "check")
    state = _tree(project)
    assert state in (before, after), sorted(
        path
        for path in state.keys() | before.keys()
        if state.get(path, b"") != before.get(path, b"")
    )
    if killed.returncode == 0:
        assert state == after
    message = "an interrupted fastgen command was rolled"
    assert checked.stderr.count(message) <= 1, checked.stderr
    if f"{message} back" in checked.stderr:
        assert state == before
    if f"{message} forward" in checked.stderr:
        assert state == after

    # And re-running the command then gives exactly the uninterrupted result
    # (it used to exit 0 without writing the create-table migration).
    rerun = _fastgen(project, *COMMENT)
    assert rerun.returncode == 0, rerun.stderr
    assert _tree(project) == after
    assert not list(project.rglob("*.fastgen-tmp"))


@pytest.mark.parametrize("kill_at", ["replace:2", "replace:5"])
def test_a_killed_sync_is_rolled_forward_or_back(
    kill_at: str, tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    spec = project / "resources/post.yaml"
    spec.write_text(spec.read_text() + "  views: int=0\n")
    before = _tree(project)
    done = _copy(project, tmp_path / "done")
    assert _fastgen(done, "sync").returncode == 0
    after = _tree(done)

    killed = _fastgen(project, "sync", kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _fastgen(project, "check")
    assert _tree(project) in (before, after)


def _files(tree: Snapshot) -> Snapshot:
    """The files of a tree (a directory left empty is no state of the project)."""
    return {path: data for path, data in tree.items() if data is not None}


# Deleting files (remove, rename) goes through the same journal: kill at the
# journal's rename, before updates, before and between the deletions.
@pytest.mark.parametrize(
    ("command", "kill_at"),
    [
        pytest.param(command, point, marks=() if fast else pytest.mark.e2e)
        for command in (
            ("remove", "resource", "Comment"),
            ("rename", "resource", "Comment", "Remark"),
        )
        for point, fast in (
            ("replace:1", True),
            ("replace:3", False),
            ("unlink:1", True),
            ("unlink:3", False),
            ("unlink:6", False),
        )
    ],
)
def test_a_killed_remove_or_rename_is_rolled_forward_or_back(
    command: tuple[str, ...], kill_at: str, tmp_path: Path, with_comment: Path
) -> None:
    project = _copy(with_comment, tmp_path)
    before = _files(_tree(project))
    done = _copy(project, tmp_path / "done")
    assert _fastgen(done, *command).returncode == 0
    after = _files(_tree(done))

    killed = _fastgen(project, *command, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # the point is reached
    _fastgen(project, "check")
    state = _files(_tree(project))
    assert state in (before, after), sorted(
        path
        for path in state.keys() | before.keys()
        if state.get(path) != before.get(path)
    )
    assert not list(project.rglob("*.fastgen-tmp"))


# ------------------------------------------------------------ two at once


def test_two_commands_at_once_both_apply_one_after_the_other(
    tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    commands = [
        ["add", "resource", "Tag", "label:str{40}"],
        ["add", "resource", "Note", "text:text"],
    ]
    env = os.environ | {"FASTGEN_LOCK_TIMEOUT": "60"}
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "fastgen", *command],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in running]
    assert all(result[0] == 0 for result in results), results
    manifest = (project / ".fastgen/manifest.json").read_text()
    assert '"Tag"' in manifest and '"Note"' in manifest, results
    checked = _fastgen(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    heads = subprocess.run(
        [sys.executable, "-m", "alembic", "heads"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(heads.strip().splitlines()) == 1, heads


def test_a_second_command_gives_up_with_one_line_when_the_lock_is_held(
    cli: CliRunner, tmp_path: Path, with_post: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _copy(with_post, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(30)\n",
            str(project),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        monkeypatch.setenv("FASTGEN_LOCK_TIMEOUT", "0.2")
        before = _tree(project)
        result = cli.invoke(app, [*COMMENT, "--project", str(project)])
        fails(result, "another fastgen command holds the lock")
        assert _tree(project) == before
    finally:
        holder.kill()
        holder.wait()


# --------------------------------------------------------- disk and paths


def _full_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))


def test_a_full_disk_leaves_no_temp_files_and_nothing_changed(
    tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    before = _tree(project)
    result = _fastgen(project, *COMMENT, preexec_fn=_full_disk)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: could not write"), result.stderr
    assert "nothing was changed" in result.stderr
    assert _tree(project) == before
    assert not list(project.rglob("*.fastgen-tmp"))


def test_a_symlink_planted_at_a_temp_name_is_never_written_through(
    cli: CliRunner, tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    (project / "app/.api.py.fastgen-tmp").symlink_to(outside)
    ok(cli.invoke(app, [*COMMENT, "--project", str(project)]))
    assert outside.read_text() == "precious\n"
    assert "comments" in (project / "app/api.py").read_text()


def test_a_symlinked_target_leading_outside_the_project_is_refused(
    cli: CliRunner, tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    outside = tmp_path / "elsewhere.py"
    shutil.move(project / "app/api.py", outside)
    (project / "app/api.py").symlink_to(outside)
    before, outside_before = _tree(project), outside.read_bytes()
    result = cli.invoke(app, [*COMMENT, "--project", str(project)])
    fails(result, "app/api.py", "outside the project")
    assert _tree(project) == before
    assert outside.read_bytes() == outside_before


def test_a_symlinked_target_inside_the_project_is_written_through_and_kept(
    cli: CliRunner, tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    shutil.move(project / "app/api.py", project / "app/routes.py")
    (project / "app/api.py").symlink_to("routes.py")
    (project / "app/routes.py").chmod(0o640)
    ok(cli.invoke(app, [*COMMENT, "--project", str(project)]))
    assert (project / "app/api.py").is_symlink()
    assert "comments" in (project / "app/routes.py").read_text()
    assert (project / "app/routes.py").stat().st_mode & 0o777 == 0o640


def test_a_corrupt_journal_is_one_line_and_nothing_is_touched(
    cli: CliRunner, tmp_path: Path, with_post: Path
) -> None:
    project = _copy(with_post, tmp_path)
    (project / ".fastgen/journal.json").write_text('{"version": 1, "dirs": ["../x"]')
    before = _tree(project)
    fails(cli.invoke(app, ["check", "--project", str(project)]), "journal.json")
    assert _tree(project) == before
