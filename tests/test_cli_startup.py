"""``fastgen --help`` stays near the interpreter's floor: it loads typer alone.

What a process imports is what its start-up costs; the figures are measured by
``bench/bench_cli.py``, this only keeps the heavy libraries out of the help path.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {"rich", "pydantic", "jinja2", "black", "libcst", "copier", "yaml"}


@pytest.mark.parametrize(
    "argv", [["--help"], ["add", "resource", "--help"], ["check", "--help"]]
)
def test_help_imports_none_of_the_heavy_libraries(
    argv: list[str], tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from fastgen.cli import app\n"
        "try:\n"
        f"    app({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        f"heavy = sorted(loaded & set({sorted(HEAVY)!r}))\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Usage: " in result.stdout
    assert "HEAVY []" in result.stdout, result.stdout[-500:]
