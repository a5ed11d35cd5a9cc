"""The ``fastgen`` command line: parses arguments and calls the pipeline.

Keep this module cheap to import: pipeline modules (and through them libcst, black
and copier) are imported inside the command that needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console

from fastgen import __version__
from fastgen.errors import FastgenError

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="fastgen",
    add_completion=False,
    rich_markup_mode="rich",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Generate FastAPI backends: projects, and complete resources (model, schemas, "
        "service, router, migration, tests) wired into your app.\n\n"
        "[bold]Examples[/bold]\n\n"
        "  [cyan]fastgen new project blog[/cyan]\n\n"
        "  [cyan]cd blog && fastgen token --sub alice[/cyan]"
    ),
)
new_app = typer.Typer(
    rich_markup_mode="rich",
    no_args_is_help=True,
    help="Create something new: [cyan]fastgen new project NAME[/cyan].",
)
app.add_typer(new_app, name="new")
add_app = typer.Typer(
    rich_markup_mode="rich",
    no_args_is_help=True,
    help="Add to a project: [cyan]fastgen add resource NAME FIELD...[/cyan].",
)
app.add_typer(add_app, name="add")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a FastgenError into one red line on stderr and its exit code."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except FastgenError as exc:
            err_console.print(
                f"[bold red]error:[/bold red] {exc.message}", soft_wrap=True
            )
            raise typer.Exit(exc.exit_code) from None

    return run


def _show_version(value: bool) -> None:
    if value:
        console.print(f"fastgen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Generate FastAPI backends."""


@new_app.command(
    "project",
    epilog=(
        "[bold]Examples[/bold]\n\n"
        "  [cyan]fastgen new project blog[/cyan]\n\n"
        "  [cyan]fastgen new project shop --path ~/code --db postgres[/cyan]\n\n"
        "  [cyan]fastgen new project demo --dry-run[/cyan]"
    ),
)
@reports_errors
def new_project(
    name: Annotated[str, typer.Argument(help="Project name, e.g. my-app.")],
    path: Annotated[
        Path, typer.Option("--path", help="Parent directory of the new project.")
    ] = Path("."),
    db: Annotated[
        Literal["sqlite", "postgres"] | None,
        typer.Option(
            "--db", help="Database the generated .env points at \\[default: sqlite]."
        ),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Ask copier's questions.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be created; write nothing."),
    ] = False,
) -> None:
    """Create a runnable, tested FastAPI project.

    Settings, async database, JWT auth, error format, envelopes, request-id logging,
    Alembic and a pytest suite, ready to run.
    """
    from fastgen.new_project import create_project
    from fastgen.report import show_new_project

    result = create_project(
        name, parent=path, db=db, interactive=interactive, dry_run=dry_run
    )
    show_new_project(console, result)


@add_app.command(
    "resource",
    epilog=(
        "[bold]Fields[/bold]: "
        "name:type\\[{args}]\\[?]\\[=default]\\[:index]\\[:unique]\n\n"
        "[bold]Types[/bold]: str{n} text int float decimal{p,s} bool date "
        "datetime uuid email url json enum{a,b} ref:Resource\n\n"
        "[bold]Examples[/bold]\n\n"
        "  [cyan]fastgen add resource Post title:str{200}:index body:text "
        "published:bool=false[/cyan]\n\n"
        "  [cyan]fastgen add resource Comment post:ref:Post body:text "
        "rating:int?[/cyan]\n\n"
        "  [cyan]fastgen add resource --spec resources/post.yaml --dry-run[/cyan]"
    ),
)
@reports_errors
def add_resource(
    name: Annotated[
        str | None, typer.Argument(help="Resource name, e.g. Post or BlogPost.")
    ] = None,
    fields: Annotated[
        list[str] | None, typer.Argument(help="Fields, e.g. title:str{200}.")
    ] = None,
    spec_file: Annotated[
        Path | None,
        typer.Option("--spec", help="Read the resource from a YAML or TOML spec."),
    ] = None,
    no_owner: Annotated[
        bool,
        typer.Option("--no-owner", help="Shared resource: rows are not per user."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan and diffs; write nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files changed by hand.")
    ] = False,
    project: Annotated[
        Path | None,
        typer.Option("--project", help="Project directory \\[default: current]."),
    ] = None,
    router: Annotated[
        str | None,
        typer.Option("--router", help="Router to wire into, as module:attribute."),
    ] = None,
) -> None:
    """Generate a complete resource: model, schemas, service, router, migration
    and tests, wired into the app."""
    from fastgen.add_resource import plan_add_resource
    from fastgen.apply import apply_plan
    from fastgen.project_config import find_project
    from fastgen.report import show_plan
    from fastgen.spec import load_spec_file, parse_resource

    config = find_project(project)
    if spec_file is not None:
        if name or fields:
            raise FastgenError("give either --spec FILE or NAME FIELD..., not both")
        spec = load_spec_file(spec_file)
    elif name and fields:
        spec = parse_resource(name, fields, owned=not no_owner)
    else:
        raise FastgenError(
            "give the resource and its fields, e.g. `fastgen add resource Post "
            "title:str{200}`, or --spec FILE"
        )
    plan = plan_add_resource(config, spec, router=router, force=force)
    show_plan(console, plan, dry_run=dry_run)
    if not dry_run and not plan.is_noop:
        apply_plan(config.root, plan)
        console.print(
            f"[green]Added {spec.name}.[/green] Next: [cyan]alembic upgrade head[/cyan]"
            " and [cyan]pytest[/cyan]."
        )


@app.command(
    "token",
    epilog=(
        "[bold]Examples[/bold]\n\n"
        "  [cyan]fastgen token --sub alice[/cyan]\n\n"
        '  [cyan]curl -H "Authorization: Bearer $(fastgen token --sub alice)" '
        "localhost:8000/api/v1/health[/cyan]"
    ),
)
@reports_errors
def token(
    sub: Annotated[str, typer.Option("--sub", help="User id (the `sub` claim).")],
    ttl: Annotated[int, typer.Option("--ttl", help="Lifetime in seconds.")] = 3600,
    email: Annotated[
        str | None, typer.Option("--email", help="Optional `email` claim.")
    ] = None,
    user_name: Annotated[
        str | None, typer.Option("--name", help="Optional `name` claim.")
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option("--project", help="Project directory \\[default: current]."),
    ] = None,
) -> None:
    """Print a development JWT that the project's app accepts.

    Signed with the project's dev key (keys/), for the issuer and audience in .env.
    """
    from fastgen.project_config import find_project
    from fastgen.token import mint_dev_token

    config = find_project(project)
    print(mint_dev_token(config, sub=sub, ttl=ttl, email=email, name=user_name))


def main() -> None:
    """Console-script entry point."""
    app()
