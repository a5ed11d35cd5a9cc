"""The ``fastgen`` console script.

The commands that format with black do it in a worker process
(:mod:`fastgen.parallel`), and importing black takes longer than anything they
do before they format: the worker is forked here, before the command line is
parsed and the CLI's own imports (typer, rich) are made, so the two processes
import side by side.
"""

from __future__ import annotations

import sys

_FORMATTING_COMMANDS = (["add", "resource"], ["add", "field"], ["sync"])


def main() -> None:
    """Console-script entry point."""
    from fastgen.collector import run_command

    run_command(_run)


def _run() -> None:
    arguments = sys.argv[1:]
    formats = any(arguments[: len(c)] == c for c in _FORMATTING_COMMANDS)
    if not formats or {"-h", "--help"} & set(arguments):
        _cli()
        return
    from fastgen.parallel import formatting_worker_started

    with formatting_worker_started():
        _cli()


def _cli() -> None:
    from fastgen.cli import app

    app()
