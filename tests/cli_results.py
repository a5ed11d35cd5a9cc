"""Reading CLI results in tests: exit codes, one-line errors, plan tables, trees;
and the generated projects they run in."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

Snapshot = dict[str, bytes | None]


def snapshot(root: Path) -> Snapshot:
    """Every path under ``root``: file bytes, or None for a directory."""
    return {
        path.relative_to(root).as_posix(): (
            None if path.is_dir() else path.read_bytes()
        )
        for path in root.rglob("*")
    }


def ok(result: Result) -> Result:
    """The command exited 0."""
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def fails(result: Result, *phrases: str) -> None:
    """Exit 2 with one ``error:`` line on stderr containing every phrase."""
    assert result.exit_code == 2, result.output + repr(result.exception)
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def stopped_by_conflicts(result: Result, *paths: str) -> None:
    """Exit 1, naming each conflicting file and the ways out."""
    assert result.exit_code == 1, result.output + repr(result.exception)
    listed = [
        line.removeprefix("conflict: ")
        for line in result.stderr.splitlines()
        if line.startswith("conflict: ")
    ]
    assert listed == list(paths), result.stderr
    assert "nothing was written" in result.stderr
    assert "--force" in result.stderr and "--merge" in result.stderr


def plan_actions(stdout: str) -> dict[str, str]:
    """The plan table of ``show_plan`` as path -> action."""
    found = {}
    for line in stdout.splitlines():
        match = re.fullmatch(
            r"\s*(create|update|identical|conflict|delete)\s+(\S+)\s*", line.rstrip()
        )
        if match:
            found[match.group(2)] = match.group(1)
    return found


def generated(parent: Path, name: str, *commands: list[str]) -> Path:
    """A new project ``name`` under ``parent`` after the fastgen ``commands``."""
    from fastgen.cli import app

    runner = CliRunner()
    ok(runner.invoke(app, ["new", "project", name, "--path", str(parent)]))
    for command in commands:
        ok(runner.invoke(app, [*command, "--project", str(parent / name)]))
    return parent / name


def working_copy(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private copy of ``pristine`` under ``tmp_path``, as the working directory."""
    root = tmp_path / pristine.name
    shutil.copytree(pristine, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


def loaded_by(argv: list[str], cwd: Path, packages: set[str]) -> tuple[list[str], str]:
    """Which of ``packages`` a fresh process has imported once ``fastgen ARGV``
    succeeded in ``cwd``, and what the command printed."""
    code = (
        "import sys\n"
        "from fastgen.cli import app\n"
        "try:\n"
        f"    app({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        f"print('LOADED', sorted(loaded & set({sorted(packages)!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output, _, loaded = result.stdout.rpartition("LOADED ")
    return ast.literal_eval(loaded), output
