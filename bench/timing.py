"""Whole-process timing: run a command several times, report the median."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def time_command(
    command: Sequence[str],
    *,
    runs: int,
    cwd: Path | None = None,
    before_each: Callable[[int], None] | None = None,
) -> list[float]:
    """Wall-clock seconds of ``runs`` executions of ``command`` (each must succeed)."""
    timings = []
    # Measure as installed: a wheel install ships compiled bytecode, so let Python
    # write (and on later runs read) fastgen's own .pyc files too, even where the
    # environment disables that (PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for index in range(runs):
        if before_each is not None:
            before_each(index)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return timings


def report(label: str, timings: list[float], target: float) -> bool:
    """Print median/min/max against the target; return whether the median meets it."""
    median = statistics.median(timings)
    verdict = "ok" if median <= target else "OVER TARGET"
    print(
        f"{label:<40} median {median:.3f} s  min {min(timings):.3f}  "
        f"max {max(timings):.3f}  (n={len(timings)}, target <= {target} s: {verdict})"
    )
    return median <= target


def runs_and_fastgen(
    description: str | None, default: int, minimum: int = 1
) -> tuple[int, str]:
    """A bench script's ``--runs`` (at least ``minimum``) and the fastgen on PATH."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=default)
    runs: int = parser.parse_args().runs
    if runs < minimum:
        parser.error(f"--runs must be at least {minimum}")
    return runs, shutil.which("fastgen") or sys.exit("fastgen is not on PATH")
