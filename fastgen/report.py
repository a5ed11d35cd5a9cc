"""Rich summaries printed at the end of a command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fastgen.plan import Action, Plan

if TYPE_CHECKING:
    from fastgen.check import CheckReport
    from fastgen.new_project import NewProject

_STYLES = {
    Action.CREATE: "green",
    Action.UPDATE: "yellow",
    Action.CONFLICT: "bold red",
    Action.DELETE: "red",
}


# The Install, Run and Test commands of the generated README, in its words.
NEXT_STEPS = (
    ("python -m venv .venv", ""),
    ("source .venv/bin/activate", ""),
    ('pip install -e ".[dev]"', "install"),
    ("alembic upgrade head", "migrate"),
    ("uvicorn app.main:app --reload --no-access-log", "run"),
    ("pytest", "test"),
)


def show_new_project(console: Console, result: NewProject) -> None:
    """List the files created, what git did, and the commands to run next."""
    from rich.panel import Panel
    from rich.tree import Tree

    verb = "Would create" if result.dry_run else "Created"
    tree = Tree(
        f"[bold]{verb} {escape(str(result.target))}[/bold] ({len(result.files)} files)"
    )
    for path in result.files:
        tree.add(f"[green]{escape(path)}[/green]")
    console.print(tree)
    if result.dry_run:
        console.print("[yellow]Dry run: nothing was written.[/yellow]")
        return
    if result.git_note:
        console.print(result.git_note)
    width = max(len(command) for command, _ in NEXT_STEPS)
    steps = [f"cd {result.target}"] + [
        f"{command:<{width}}  # {what}" if what else command
        for command, what in NEXT_STEPS
    ]
    console.print(Panel(escape("\n".join(steps)), title="Next steps", expand=False))


def show_plan(console: Console, plan: Plan, *, dry_run: bool) -> None:
    """One line per file that changes, a count of the rest; diffs with ``dry_run``."""
    if plan.is_noop:
        console.print("Nothing to do: every file is already up to date.")
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    unchanged = 0
    for change in plan.changes:
        if change.action is Action.IDENTICAL:
            unchanged += 1
            continue
        style = _STYLES[change.action]
        table.add_row(
            f"[{style}]{change.action.value:>9}[/{style}]", escape(change.path)
        )
    console.print(table)
    if unchanged:
        files = "file" if unchanged == 1 else "files"
        console.print(f"[dim]{unchanged} {files} unchanged[/dim]")
    if not dry_run:
        return
    for change in plan.changes:
        if change.action in (Action.UPDATE, Action.CONFLICT):
            _show_diff(console, change.diff())
    console.print("[yellow]Dry run: nothing was written.[/yellow]")


def show_warnings(console: Console, warnings: tuple[str, ...]) -> None:
    """Migrations that need a human look before they run."""
    for warning in warnings:
        console.print(
            f"[bold yellow]warning:[/bold yellow] {escape(warning)}", soft_wrap=True
        )


def show_check(console: Console, report: CheckReport) -> None:
    """Each problem check found, its fix and diff, and how many there are."""
    for problem in report.problems:
        console.print(
            f"[bold red]✗[/bold red] [bold]{escape(problem.resource)}[/bold] "
            f"{escape(problem.message)} [dim]→ fix:[/dim] "
            f"[cyan]{escape(problem.fix)}[/cyan]",
            soft_wrap=True,
        )
        if problem.diff:
            _show_diff(console, problem.diff)
    console.print(
        f"[bold red]fastgen check: {len(report.problems)} problem(s)[/bold red] "
        f"in {report.resources} resource(s)."
    )


def _show_diff(console: Console, diff: str) -> None:
    from rich.syntax import Syntax  # pygments: only when there is a diff to show

    console.print(Syntax(diff, "diff", theme="ansi_dark"))
