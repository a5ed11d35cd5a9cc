"""Time `fastgen --help` and `fastgen new project` as whole processes.

Usage: python bench/bench_new_project.py [--runs N]
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from timing import report, runs_and_fastgen, time_command


def main() -> int:
    runs, fastgen = runs_and_fastgen(__doc__, 7, 1)
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
