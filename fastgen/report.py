"""Rich summaries printed at the end of a command."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.tree import Tree

from fastgen.new_project import NewProject


def show_new_project(console: Console, result: NewProject) -> None:
    """List the files created and the next three commands."""
    verb = "Would create" if result.dry_run else "Created"
    tree = Tree(f"[bold]{verb} {result.target}[/bold] ({len(result.files)} files)")
    for path in result.files:
        tree.add(f"[green]{path}[/green]")
    console.print(tree)
    if result.dry_run:
        console.print("[yellow]Dry run: nothing was written.[/yellow]")
        return
    steps = "\n".join(
        [
            f"cd {result.target}",
            "python -m pip install -e '.[dev]'   # install",
            "uvicorn app.main:app --reload      # run",
            "pytest                             # test",
        ]
    )
    console.print(Panel(steps, title="Next steps", expand=False))
