"""Time `fastgen add resource` as a whole process, in a freshly generated project.

Three specs: the three-field Post of the README, a bigger Post with a field of
each original type (and a ref to an Author added beforehand), and a Recipe using
every type with every constraint. Before each run the project is
reset by copying a pristine generated project to a fresh directory; the copy is not
timed.

fastgen's cache (``XDG_CACHE_HOME``) is a fresh directory, filled by an untimed
first run: the runs timed then re-run a command made before, as ``sync`` or a
plan redone after a conflict does. ``--cold`` empties the formatting and wiring
caches before each run instead, as for a resource never added before (compiled
templates stay cached: they depend on the fastgen version only).

Usage: python bench/bench_add_resource.py [--runs N] [--cold]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import report, time_command

# Seconds, median of the whole process (issue 13): 3 fields, 14 fields, every type.
SMALL_TARGET, BIG_TARGET, EVERY_TARGET = 0.35, 0.5, 0.5

SMALL = ("Post", "title:str{200}:index", "body:text", "published:bool=false")
AUTHOR = ("Author", "name:str{100}:index", "email:email:unique", "bio:text?")
BIG = (
    "Post",
    "title:str{200}:index",
    "body:text",
    "published:bool=false",
    "price:decimal{10,2}?",
    "status:enum{draft,published}=draft",
    "author:ref:Author",
    "rating:float?",
    "views:int=0",
    "published_on:date?",
    "starts_at:datetime?",
    "token:uuid:unique",
    "website:url?",
    "contact:email?",
    "meta:json?",
)

EVERY_TYPE = (
    "Recipe",
    "title:str{3,120}:index:search",
    "body:text{,5000}:search",
    "rating:int{1,5}=3",
    "calories:bigint{0,}",
    "weight:float{0.5,10}?",
    "price:decimal{8,2,0,9999.99}",
    "vegan:bool=false",
    "published_on:date?",
    "published_at:datetime?",
    "starts_at:time=18:00",
    "token:uuid:unique",
    "contact:email?",
    "source:url?",
    "slug:slug{60}",
    "meta:json?",
    "course:enum{starter,main,dessert}=main",
    "author:ref:Author",
)


def pristine_project(fastgen: str, parent: Path, *resources: tuple[str, ...]) -> Path:
    """A newly generated project, with ``resources`` already added."""
    subprocess.run(
        [fastgen, "new", "project", "demo", "--path", str(parent)],
        check=True,
        capture_output=True,
    )
    project = parent / "demo"
    for spec in resources:
        subprocess.run(
            [fastgen, "add", "resource", *spec],
            cwd=project,
            check=True,
            capture_output=True,
        )
    return project


def _bench(
    label: str,
    fastgen: str,
    pristine: Path,
    spec: tuple[str, ...],
    runs: int,
    target_seconds: float,
    *,
    cold: bool,
) -> bool:
    target = pristine.parent.parent / "run" / pristine.name
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "fastgen"

    def reset(_: int) -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(pristine, target, symlinks=True)
        if cold:
            for step in ("black", "wiring"):
                shutil.rmtree(cache / step, ignore_errors=True)

    command = [fastgen, "add", "resource", *spec]
    time_command(command, runs=1, cwd=target, before_each=reset)  # warm caches
    timings = time_command(command, runs=runs, cwd=target, before_each=reset)
    shutil.rmtree(target, ignore_errors=True)
    return report(label, timings, target_seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--cold", action="store_true", help="nothing formatted or wired before"
    )
    args = parser.parse_args()
    runs, cold = args.runs, args.cold
    if runs < 1:
        parser.error("--runs must be at least 1")
    fastgen = shutil.which("fastgen") or sys.exit("fastgen is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        (work / "bare").mkdir()
        (work / "with_author").mkdir()
        bare = pristine_project(fastgen, work / "bare")
        with_author = pristine_project(fastgen, work / "with_author", AUTHOR)
        small_ok = _bench(
            f"fastgen add resource Post ({len(SMALL) - 1} fields)",
            fastgen,
            bare,
            SMALL,
            runs,
            SMALL_TARGET,
            cold=cold,
        )
        big_ok = _bench(
            f"fastgen add resource Post ({len(BIG) - 1} fields)",
            fastgen,
            with_author,
            BIG,
            runs,
            BIG_TARGET,
            cold=cold,
        )
        every_ok = _bench(
            f"fastgen add resource Recipe ({len(EVERY_TYPE) - 1} fields, every type)",
            fastgen,
            with_author,
            EVERY_TYPE,
            runs,
            EVERY_TARGET,
            cold=cold,
        )
    return 0 if small_ok and big_ok and every_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
