"""Whole-process timing: run a command several times, report the median.

This machine's speed drifts, between sessions and within minutes (``import
typer`` alone has taken from 0.044 s to 0.135 s). So each timed run is preceded
by one run of a fixed command, ``python -c 'import typer'`` (the CLI's own first
import), and the report prints its median beside the figures: a figure over its
target can then be told apart from a slow moment of the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PACE_COMMAND = (sys.executable, "-c", "import typer")


@dataclass(frozen=True)
class Timings:
    """Wall-clock seconds of each run, and of the pace command run before each."""

    seconds: list[float]
    pace: list[float] = field(default_factory=list)


def time_command(
    command: Sequence[str],
    *,
    runs: int,
    cwd: Path | None = None,
    before_each: Callable[[int], None] | None = None,
    paced: bool = True,
) -> Timings:
    """Wall-clock seconds of ``runs`` executions of ``command`` (each must succeed),
    each after ``before_each`` and (if ``paced``) one run of :data:`PACE_COMMAND`."""
    timings = Timings([])
    # Measure as installed: a wheel install ships compiled bytecode, so let Python
    # write (and on later runs read) fastgen's own .pyc files too, even where the
    # environment disables that (PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for index in range(runs):
        if before_each is not None:
            before_each(index)
        if paced:
            timings.pace.append(_seconds(PACE_COMMAND, cwd=cwd, env=env))
        timings.seconds.append(_seconds(command, cwd=cwd, env=env))
    return timings


def _seconds(command: Sequence[str], *, cwd: Path | None, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def report(label: str, timings: Timings, target: float) -> bool:
    """Print median/min/max against the target, and the pace command's median if
    it ran; return whether the median meets the target."""
    seconds = timings.seconds
    median = statistics.median(seconds)
    verdict = "ok" if median <= target else "OVER TARGET"
    pace = (
        f"  [{PACE_COMMAND[-1]}: {statistics.median(timings.pace):.3f} s]"
        if timings.pace
        else ""
    )
    print(
        f"{label:<40} median {median:.3f} s  min {min(seconds):.3f}  "
        f"max {max(seconds):.3f}  (n={len(seconds)}, target <= {target} s: {verdict})"
        f"{pace}"
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
