"""Time fastgen's start-up: ``fastgen --help`` as a whole process, next to the
interpreter's own floor (``python -c pass``) and ``import typer`` alone.

Usage: python bench/bench_cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import sys

from timing import report, time_command

TARGET = 0.12  # seconds, median of `fastgen --help` (issue 13)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    if runs < 3:
        parser.error("--runs must be at least 3")
    fastgen = shutil.which("fastgen") or sys.exit("fastgen is not on PATH")
    floor = time_command([sys.executable, "-c", "pass"], runs=runs)
    typer = time_command([sys.executable, "-c", "import typer"], runs=runs)
    time_command([fastgen, "--help"], runs=2)  # warm the bytecode caches
    help_timings = time_command([fastgen, "--help"], runs=runs)
    report("python -c pass (the floor)", floor, TARGET)
    report("python -c 'import typer'", typer, TARGET)
    return 0 if report("fastgen --help", help_timings, TARGET) else 1


if __name__ == "__main__":
    raise SystemExit(main())
