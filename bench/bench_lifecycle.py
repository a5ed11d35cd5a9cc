"""Time the lifecycle commands as whole processes: `remove resource`,
`rename field`, `rename resource`, and `add field` merging a hand-edited router.

The project holds Author and Post (Post refers to Author) plus a Comment referring
to Post. Before each run a pristine copy is laid down (not timed).

Usage: python bench/bench_lifecycle.py [--runs N]
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bench_add_resource import pristine_project
from timing import report, runs_and_fastgen, time_command

TARGET = 1.0  # seconds, median of the whole process (as for add resource, + margin)

RESOURCES = (
    ("Author", "name:str{100}:index"),
    ("Post", "title:str{200}:index", "body:text", "author:ref:Author"),
    ("Comment", "post:ref:Post", "text:text"),
)
# label -> (command, whether it runs on the project with a hand-edited router)
COMMANDS = {
    "remove resource Comment": (("remove", "resource", "Comment"), False),
    "rename field Post title headline": (
        ("rename", "field", "Post", "title", "headline"),
        False,
    ),
    "rename resource Post Article": (("rename", "resource", "Post", "Article"), False),
    "add field Post views:int? (merge)": (("add", "field", "Post", "views:int?"), True),
}
HAND_EDIT = (
    '\n\n@router.get("/stats/owner")\nasync def owner() -> str:\n    return "me"\n'
)


def _pristine(fastgen: str, parent: Path, *, edited: bool) -> Path:
    """The project with the three resources; ``edited``: with a route of the
    user's own in Post's router, kept with ``sync --keep-edits``."""
    project = pristine_project(fastgen, parent, *RESOURCES)
    if edited:
        router = project / "app/posts/router.py"
        router.write_text(router.read_text() + HAND_EDIT)
        subprocess.run(
            [fastgen, "sync", "--keep-edits"],
            cwd=project,
            check=True,
            capture_output=True,
        )
    return project


def main() -> int:
    runs, fastgen = runs_and_fastgen(__doc__, 7, 1)
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        pristines = {
            edited: _pristine(fastgen, Path(tmp) / f"pristine-{edited}", edited=edited)
            for edited in (False, True)
        }
        target = Path(tmp) / "run" / "demo"

        for label, (args, edited) in COMMANDS.items():

            def reset(_: int, source: Path = pristines[edited]) -> None:
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(source, target, symlinks=True)

            command = [fastgen, *args]
            time_command(command, runs=1, cwd=target, before_each=reset)  # warm-up
            timings = time_command(command, runs=runs, cwd=target, before_each=reset)
            verdicts.append(report(f"fastgen {label}", timings, TARGET))
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
