"""``fastgen --help`` stays near the interpreter's floor: it loads typer alone;
and a command made before needs neither black nor libcst.

What a process imports is what its start-up costs; the figures are measured by
``bench/bench_cli.py``, this only keeps the heavy libraries out of the help path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_results import generated, loaded_by, snapshot

HEAVY = {"rich", "pydantic", "jinja2", "black", "libcst", "copier", "yaml"}


@pytest.mark.parametrize(
    "argv", [["--help"], ["add", "resource", "--help"], ["check", "--help"]]
)
def test_help_imports_none_of_the_heavy_libraries(
    argv: list[str], tmp_path: Path
) -> None:
    loaded, output = loaded_by(argv, tmp_path, HEAVY)
    assert "Usage: " in output
    assert loaded == []


def test_a_rerun_of_add_resource_imports_neither_black_nor_libcst(
    tmp_path: Path,
) -> None:
    """The second time, formatting and wiring come from fastgen's cache, and write
    the same bytes."""
    pristine = generated(tmp_path / "pristine", "demo")
    argv = ["add", "resource", "Note", "title:str{200}:index", "body:text"]
    runs = []
    for run in ("first", "again"):
        project = tmp_path / run / "demo"
        shutil.copytree(pristine, project, symlinks=True)
        runs.append((loaded_by(argv, project, {"black", "libcst"})[0], project))
    (_, first), (loaded, again) = runs
    assert loaded == []
    assert snapshot(again) == snapshot(first)
