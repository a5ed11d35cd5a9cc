"""Time `fastgen check` as a whole process on an unchanged project.

Two generated projects: one with 50 resources (50 spec files written to resources/
and applied with one `fastgen sync`) and one with a single resource. Setting them up
is not timed. With specs, manifest and fastgen version unchanged, check only hashes
files, so the 50-resource project must be nearly as fast as the 1-resource one.
The two projects' runs alternate, for a ratio that the machine's drift does not
skew.
The runs start once the files are older than ``fastgen.file_hashes.RECENT_NS``, as
in a pre-commit hook (a file changed more recently is read on every check).

Usage: python bench/bench_check.py [--runs N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import Timings, report, runs_and_fastgen, time_command

from fastgen.file_hashes import RECENT_NS

TARGET = 0.15  # seconds, median of the whole process, 50 resources (issue 13)
MAX_RATIO = 1.1  # 50 resources / 1 resource
RESOURCES = 50

SPEC = """\
name: {name}
fields:
  title: str{{200}}:index
  body: text
  published: {{type: bool, default: false}}
  rating: int?
  status: enum{{draft,published}}=draft
"""


def _project(fastgen: str, parent: Path, resources: int) -> Path:
    """A generated project with ``resources`` resources, applied by one sync."""
    subprocess.run(
        [fastgen, "new", "project", "demo", "--path", str(parent)],
        check=True,
        capture_output=True,
    )
    project = parent / "demo"
    specs = project / "resources"
    specs.mkdir(exist_ok=True)
    for index in range(resources):
        name = f"Item{index:02d}"
        (specs / f"item{index:02d}.yaml").write_text(SPEC.format(name=name))
    subprocess.run([fastgen, "sync"], cwd=project, check=True, capture_output=True)
    check = subprocess.run(
        [fastgen, "check"], cwd=project, capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        sys.exit(f"fastgen check fails on the fresh project:\n{check.stdout}")
    return project


def main() -> int:
    runs, fastgen = runs_and_fastgen(__doc__, 9, 7)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "many").mkdir()
        (work / "one").mkdir()
        many = _project(fastgen, work / "many", RESOURCES)
        one = _project(fastgen, work / "one", 1)
        time.sleep(RECENT_NS / 1e9 + 0.5)
        command = [fastgen, "check"]
        projects = {RESOURCES: many, 1: one}
        timings = {label: Timings([]) for label in projects}
        for project in projects.values():
            time_command(command, runs=2, cwd=project)  # warm caches
        # the two alternate, first one then the other, so drift hits both alike
        for index in range(runs):
            for label in sorted(projects, reverse=index % 2 == 0):
                once = time_command(command, runs=1, cwd=projects[label])
                timings[label].seconds.extend(once.seconds)
                timings[label].pace.extend(once.pace)
    many_ok = report(
        f"fastgen check ({RESOURCES} resources)", timings[RESOURCES], TARGET
    )
    report("fastgen check (1 resource)", timings[1], TARGET)
    ratio = statistics.median(timings[RESOURCES].seconds) / statistics.median(
        timings[1].seconds
    )
    ratio_ok = ratio <= MAX_RATIO
    verdict = "ok" if ratio_ok else "OVER TARGET"
    print(f"{'ratio 50 / 1':<40} {ratio:.2f}  (target <= {MAX_RATIO}: {verdict})")
    return 0 if many_ok and ratio_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
