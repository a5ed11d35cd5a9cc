"""Time fastgen's start-up: ``fastgen --help`` as a whole process, next to the
interpreter's own floor (``python -c pass``) and ``import typer`` alone.

Usage: python bench/bench_cli.py [--runs N]
"""

from __future__ import annotations

import sys

from timing import PACE_COMMAND, report, runs_and_fastgen, time_command

TARGET = 0.12  # seconds, median of `fastgen --help` (issue 13)


def main() -> int:
    runs, fastgen = runs_and_fastgen(__doc__, 15, 3)
    floor = time_command([sys.executable, "-c", "pass"], runs=runs, paced=False)
    typer = time_command(PACE_COMMAND, runs=runs, paced=False)
    time_command([fastgen, "--help"], runs=2)  # warm the bytecode caches
    help_timings = time_command([fastgen, "--help"], runs=runs)
    report("python -c pass (the floor)", floor, TARGET)
    report("python -c 'import typer'", typer, TARGET)
    return 0 if report("fastgen --help", help_timings, TARGET) else 1


if __name__ == "__main__":
    raise SystemExit(main())
