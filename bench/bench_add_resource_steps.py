"""Where the time of `fastgen add resource` goes: each step of it, timed in a
fresh interpreter per run (so imports cost what they cost the command).

The steps, in the command's order: importing the CLI (typer), importing the
add-resource pipeline (pydantic, jinja2, yaml), rendering, finding the
statements black must format (which formatting does again), formatting (black
imported and run on those statements, laid out first as black would lay them
out, then the same text again from fastgen's cache), wiring (libcst
imported and run, then from the cache), planning with everything cached, applying
the plan (writes and fsyncs), and importing the report (rich). The steps run one
after the other here; the command formats in a worker process while it wires (see
``fastgen.parallel``). Each run uses an
empty cache and a fresh copy of a newly generated project; the spec is the
three-field Post of the README.

Usage: python bench/bench_add_resource_steps.py [--runs N]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_add_resource import SMALL, pristine_project
from timing import runs_and_fastgen

# Runs in the fresh interpreter, in the project: prints {step: seconds} as JSON.
STEPS = """
import json, sys, time
from pathlib import Path

steps = {}
clock = time.perf_counter()

def step(name):
    global clock
    now = time.perf_counter()
    steps[name] = now - clock
    clock = now

import fastgen.cli
step("import cli (typer)")
from fastgen import add_resource
from fastgen.project_config import find_project
from fastgen.spec import parse_resource
step("import pipeline")
config = find_project(Path.cwd())
spec = parse_resource(sys.argv[1], sys.argv[2:])
specs = add_resource.load_project_specs(config.root) | {spec.name: spec}
files = add_resource.render_resource(
    spec,
    targets=add_resource.targets_of(specs),
    layout=add_resource.project_layout(config),
)
step("render")
from fastgen.settled import unsettled
for path, text in files.items():
    if path.endswith(".py"):
        unsettled(text)
step("settled statements found")
add_resource.format_python_files(files)
step("format (black where unsettled)")
add_resource.format_python_files(files)
step("format (cached)")
add_resource._wiring_edits(config, spec, None, sources={})
step("wiring (libcst)")
add_resource._wiring_edits(config, spec, None, sources={})
step("wiring (cached)")
planned = add_resource.plan_add_resource(config, spec)
step("plan (migration, manifest)")
from fastgen.apply import apply_plan
apply_plan(config.root, planned.plan)
step("apply (write, fsync)")
import fastgen.report
step("import report (rich)")
print(json.dumps(steps))
"""


def main() -> int:
    runs, fastgen = runs_and_fastgen(__doc__, 7, 1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = work / "cache"
        os.environ["XDG_CACHE_HOME"] = str(cache)
        (work / "bare").mkdir()
        pristine = pristine_project(fastgen, work / "bare")
        project = work / "run" / "demo"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        timings: dict[str, list[float]] = {}
        for _ in range(runs + 1):  # the first run warms the bytecode caches
            shutil.rmtree(project, ignore_errors=True)
            shutil.copytree(pristine, project, symlinks=True)
            for step in ("black", "wiring"):
                shutil.rmtree(cache / "fastgen" / step, ignore_errors=True)
            result = subprocess.run(
                [sys.executable, "-c", STEPS, *SMALL],
                cwd=project,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            for name, seconds in json.loads(result.stdout).items():
                timings.setdefault(name, []).append(seconds)
    for name, values in timings.items():
        print(f"{name:<28} median {statistics.median(values[1:]):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
