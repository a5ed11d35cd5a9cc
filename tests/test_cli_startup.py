"""``fastgen --help`` stays near the interpreter's floor: it loads typer alone.

What a process imports is what its start-up costs; the figures are measured by
``bench/bench_cli.py``, this only keeps the heavy libraries out of the help path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_results import loaded_by

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
