"""Time `fastgen --help` and `fastgen new project` as whole processes.

Usage: python bench/bench_new_project.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from timing import report, time_command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    fastgen = shutil.which("fastgen") or sys.exit("fastgen is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        time_command([fastgen, "--help"], runs=1)  # warm the page cache
        help_ok = report(
            "fastgen --help", time_command([fastgen, "--help"], runs=runs), 0.2
        )
        new = [fastgen, "new", "project", "demo", "--path", str(work)]
        new_ok = report(
            "fastgen new project demo",
            time_command(
                new,
                runs=runs,
                before_each=lambda _: shutil.rmtree(work / "demo", ignore_errors=True),
            ),
            1.5,
        )
    return 0 if help_ok and new_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
